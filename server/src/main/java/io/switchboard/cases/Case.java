package io.switchboard.cases;

import io.switchboard.routing.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A customer's matter, worked across as many interactions (calls, chats, emails) as it takes.
 * Immutable: every change returns a new case, so the store can commit it only if nobody changed the
 * case in between (see the Redis case store).
 *
 * <p><b>First contact resolution</b>: a case resolved while it has at most one linked interaction and
 * was never reopened. Reopening a resolved case takes the flag away for good.
 *
 * @param agentId the agent the case is assigned to, empty if none
 * @param team the team it is assigned to, empty if none
 * @param interactions linked interaction ids, oldest first, on any channel
 * @param dispositions wrap-up codes given to the case, oldest first
 * @param complaint present on complaints only
 * @param resolvedAt epoch ms of the (last) resolution, 0 while unresolved
 */
public record Case(String id, CaseType type, String customerId, String subject, CaseStatus status,
                   CasePriority priority, String agentId, String team, List<String> interactions,
                   List<CaseNote> notes, List<String> dispositions, String resolution,
                   boolean firstContactResolution, boolean reopened, Complaint complaint,
                   long createdAt, long updatedAt, long resolvedAt) {
    /** Bounds that keep one case hash small; a case with more is a process problem, not a data one. */
    public static final int MAX_INTERACTIONS = 1000;
    public static final int MAX_NOTES = 500;
    public static final int MAX_DISPOSITIONS = 100;

    public Case {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(priority, "priority");
        if (!Ids.isValid(customerId)) {
            throw new IllegalArgumentException("customerId must be 1-64 letters, digits, '-', '_' or '.'");
        }
        subject = Text.required(subject, "subject", 200);
        agentId = optionalId(agentId, "agentId");
        team = Text.optional(team, "team", 64);
        interactions = List.copyOf(interactions);
        notes = List.copyOf(notes);
        dispositions = List.copyOf(dispositions);
        resolution = Text.optional(resolution, "resolution", 4000);
        if ((type == CaseType.COMPLAINT) != (complaint != null)) {
            throw new IllegalArgumentException(type == CaseType.COMPLAINT
                    ? "a complaint needs 'complaint' with at least its category"
                    : "only a complaint carries 'complaint'");
        }
    }

    /** A new case, status {@code new}. */
    public static Case open(String id, CaseType type, String customerId, String subject, CasePriority priority,
                            String agentId, String team, Complaint complaint, long now) {
        return new Case(id, type, customerId, subject, CaseStatus.NEW,
                priority == null ? CasePriority.NORMAL : priority, agentId, team, List.of(), List.of(), List.of(), "",
                false, false, complaint, now, now, 0);
    }

    /**
     * Moves to another status by the allowed transitions. Resolving goes through {@link #resolve}, which
     * needs a resolution; reopening a resolved case clears its resolution and first-contact flag.
     */
    public Case moveTo(CaseStatus target, long now) {
        if (target == status) {
            return this;
        }
        if (!status.canMoveTo(target)) {
            throw new CaseStateException("case " + id + " cannot go from " + status.wireName() + " to "
                    + target.wireName() + " (allowed: " + status.next().stream().map(CaseStatus::wireName).toList() + ")");
        }
        if (target == CaseStatus.RESOLVED) {
            throw new IllegalArgumentException("resolve a case with its resolution (POST .../resolve)");
        }
        boolean reopening = status == CaseStatus.RESOLVED && target == CaseStatus.OPEN;
        return new Case(id, type, customerId, subject, target, priority, agentId, team, interactions, notes,
                dispositions, reopening ? "" : resolution, !reopening && firstContactResolution,
                reopened || reopening, complaint, createdAt, now, reopening ? 0 : resolvedAt);
    }

    /** Resolves the case; first contact resolution if at most one interaction worked it and it was never reopened. */
    public Case resolve(String resolutionText, String disposition, long now) {
        if (!status.canMoveTo(CaseStatus.RESOLVED)) {
            throw new CaseStateException("case " + id + " cannot be resolved from " + status.wireName());
        }
        String text = Text.required(resolutionText, "resolution", 4000);
        List<String> codes = dispositions;
        if (disposition != null && !disposition.isBlank()) {
            codes = append(dispositions, Text.required(disposition, "disposition", 64), MAX_DISPOSITIONS, "dispositions");
        }
        boolean fcr = !reopened && interactions.size() <= 1;
        return new Case(id, type, customerId, subject, CaseStatus.RESOLVED, priority, agentId, team, interactions,
                notes, codes, text, fcr, reopened, complaint, createdAt, now, now);
    }

    public Case withPriority(CasePriority newPriority, long now) {
        requireNotClosed();
        return new Case(id, type, customerId, subject, status, newPriority, agentId, team, interactions, notes,
                dispositions, resolution, firstContactResolution, reopened, complaint, createdAt, now, resolvedAt);
    }

    /** Assigns to an agent and/or team; empty strings unassign. */
    public Case assign(String newAgentId, String newTeam, long now) {
        requireNotClosed();
        return new Case(id, type, customerId, subject, status, priority, newAgentId, newTeam, interactions, notes,
                dispositions, resolution, firstContactResolution, reopened, complaint, createdAt, now, resolvedAt);
    }

    /** Records (or replaces) the complaint's details and uniform response. */
    public Case withComplaint(Complaint newComplaint, long now) {
        requireNotClosed();
        if (type != CaseType.COMPLAINT) {
            throw new IllegalArgumentException("only a complaint carries 'complaint'");
        }
        return new Case(id, type, customerId, subject, status, priority, agentId, team, interactions, notes,
                dispositions, resolution, firstContactResolution, reopened, Objects.requireNonNull(newComplaint),
                createdAt, now, resolvedAt);
    }

    public Case addNote(CaseNote note, long now) {
        requireNotClosed();
        return new Case(id, type, customerId, subject, status, priority, agentId, team, interactions,
                append(notes, note, MAX_NOTES, "notes"), dispositions, resolution, firstContactResolution, reopened,
                complaint, createdAt, now, resolvedAt);
    }

    /**
     * Links an interaction (idempotent: linking one twice keeps one). A case pending its customer is open again: the
     * customer came back (wrote, called, chatted), so the ball is in our court, and its paused clocks run again.
     */
    public Case link(String interactionId, long now) {
        requireNotClosed();
        if (!Ids.isValid(interactionId)) {
            throw new IllegalArgumentException("interactionId must be 1-64 letters, digits, '-', '_' or '.'");
        }
        if (interactions.contains(interactionId)) {
            return this;
        }
        CaseStatus status = this.status == CaseStatus.PENDING_CUSTOMER ? CaseStatus.OPEN : this.status;
        return new Case(id, type, customerId, subject, status, priority, agentId, team,
                append(interactions, interactionId, MAX_INTERACTIONS, "interactions"), notes, dispositions, resolution,
                firstContactResolution, reopened, complaint, createdAt, now, resolvedAt);
    }

    /**
     * The interaction was moved to another case (an email threaded onto the wrong one): it is no longer this case's.
     * A closed case keeps its record as it was.
     */
    public Case unlink(String interactionId, long now) {
        if (status == CaseStatus.CLOSED || !interactions.contains(interactionId)) {
            return this;
        }
        List<String> rest = new ArrayList<>(interactions);
        rest.remove(interactionId);
        return new Case(id, type, customerId, subject, status, priority, agentId, team, rest, notes, dispositions,
                resolution, firstContactResolution, reopened, complaint, createdAt, now, resolvedAt);
    }

    private void requireNotClosed() {
        if (status == CaseStatus.CLOSED) {
            throw new CaseStateException("case " + id + " is closed");
        }
    }

    private static String optionalId(String value, String field) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        if (!Ids.isValid(value)) {
            throw new IllegalArgumentException(field + " must be 1-64 letters, digits, '-', '_' or '.'");
        }
        return value;
    }

    private static <T> List<T> append(List<T> list, T item, int max, String what) {
        if (list.size() >= max) {
            throw new CaseStateException("a case holds at most " + max + " " + what);
        }
        List<T> out = new ArrayList<>(list);
        out.add(item);
        return out;
    }
}
