package io.switchboard.voice.ivr;

import java.time.ZonedDateTime;
import java.util.List;

/**
 * How a call left the IVR. Self-service outcomes (hours, case status, goodbye) are "contained":
 * the caller needed no agent. CLOSED: the caller wanted an agent outside every hour of operation of the route and
 * took no callback. path = the menus and keys taken, recorded on the interaction. opensAt: when the route the
 * caller asked for opens, if it was closed (a CALLBACK then is made at that time); null otherwise.
 */
public record IvrOutcome(Kind kind, String intent, String language, String caseId, List<String> path,
                         ZonedDateTime opensAt) {
    public enum Kind { AGENT, CALLBACK, CONTAINED_HOURS, CONTAINED_CASE_STATUS, CONTAINED_GOODBYE, CLOSED, ABANDONED }

    public IvrOutcome {
        path = List.copyOf(path);
    }

    /** An outcome with the route open (or not asked). */
    public IvrOutcome(Kind kind, String intent, String language, String caseId, List<String> path) {
        this(kind, intent, language, caseId, path, null);
    }

    public boolean contained() {
        return kind.name().startsWith("CONTAINED");
    }

    public String code() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
