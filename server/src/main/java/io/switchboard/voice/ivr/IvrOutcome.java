package io.switchboard.voice.ivr;

import java.util.List;

/**
 * How a call left the IVR. Self-service outcomes (hours, case status, goodbye) are "contained":
 * the caller needed no agent. CLOSED: the caller wanted an agent outside every hour of operation of the route and
 * took no callback. path = the menus and keys taken, recorded on the interaction.
 */
public record IvrOutcome(Kind kind, String intent, String language, String caseId, List<String> path) {
    public enum Kind { AGENT, CALLBACK, CONTAINED_HOURS, CONTAINED_CASE_STATUS, CONTAINED_GOODBYE, CLOSED, ABANDONED }

    public IvrOutcome {
        path = List.copyOf(path);
    }

    public boolean contained() {
        return kind.name().startsWith("CONTAINED");
    }

    public String code() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
