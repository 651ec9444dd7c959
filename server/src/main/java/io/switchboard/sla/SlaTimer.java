package io.switchboard.sla;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One armed target and the arithmetic of its deadlines. The timer counts in segments: time counted
 * before the current segment ({@code counted}) plus the working time since {@code segmentStart} while
 * running. Pausing folds the running segment into {@code counted}; resuming starts a new segment, so
 * the remaining working time is kept exactly, calendar or not.
 *
 * @param length the target, in counted time (e.g. 4 h of business hours)
 * @param steps the policy's escalation ladder ({@link SlaPolicy#steps()})
 * @param next index in {@code steps} of the next step to fire; {@code steps.size()} when all fired
 */
public record SlaTimer(String policy, SlaTarget target, Duration length, List<Escalation> steps, WorkingTime time,
                       boolean running, Instant segmentStart, Duration counted, int next) {
    public SlaTimer {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(target, "target");
        steps = List.copyOf(steps);
        if (next < 0 || next > steps.size()) {
            throw new IllegalArgumentException("next step out of range: " + next);
        }
    }

    public static SlaTimer arm(SlaPolicy policy, SlaTarget target, Duration length, Instant now) {
        return new SlaTimer(policy.name(), target, length, policy.steps(), policy.time(), true, now, Duration.ZERO, 0);
    }

    /** Counted time so far. */
    public Duration elapsed(Instant now) {
        return running ? counted.plus(time.between(segmentStart, now)) : counted;
    }

    /** Counted time left until the deadline; negative once breached. */
    public Duration remaining(Instant now) {
        return length.minus(elapsed(now));
    }

    public boolean breached() {
        return next > SlaPolicy.breachIndex(steps);
    }

    /** The wall-clock deadline if it runs on without a pause; null while paused. */
    public Instant dueAt() {
        return running ? deadline(1.0) : null;
    }

    /**
     * Wall-clock offsets from {@code segmentStart} of every step (0 for those already fired or already
     * due): what the store keeps, so that firing needs no calendar. Only while running.
     */
    public long[] offsetsMillis() {
        long[] offsets = new long[steps.size()];
        for (int i = next; i < steps.size() && running; i++) {
            offsets[i] = Math.max(0, Duration.between(segmentStart, deadline(steps.get(i).at())).toMillis());
        }
        return offsets;
    }

    /** When the next step is due (wall clock); null when paused or every step fired. */
    public Instant nextDue() {
        if (!running || next >= steps.size()) {
            return null;
        }
        return segmentStart.plusMillis(offsetsMillis()[next]);
    }

    private Instant deadline(double share) {
        Duration needed = Duration.ofMillis(Math.round(length.toMillis() * share)).minus(counted);
        return needed.isNegative() ? segmentStart : time.plus(segmentStart, needed);
    }

    public SlaTimer pausedAt(Instant now) {
        if (!running) {
            return this;
        }
        return new SlaTimer(policy, target, length, steps, time, false, now, elapsed(now), next);
    }

    public SlaTimer resumedAt(Instant now) {
        if (running) {
            return this;
        }
        return new SlaTimer(policy, target, length, steps, time, true, now, counted, next);
    }

    /** A new target length; steps already fired stay fired, steps now past fire at the next sweep. */
    public SlaTimer retargeted(Duration newLength, Instant now) {
        SlaTimer folded = running ? new SlaTimer(policy, target, length, steps, time, true, now, elapsed(now), next) : this;
        return new SlaTimer(policy, target, newLength, steps, time, running, folded.segmentStart, folded.counted, next);
    }

    /**
     * The same target under another policy (the contact now matches it): its length, steps and calendar from now
     * on, the time counted so far kept. Its steps now past fire at the next sweep, but for the first ones whose
     * action already fired under the old policy (no second warning for the same wait).
     */
    public SlaTimer underPolicy(SlaPolicy other, Duration newLength, Instant now) {
        Duration counted = elapsed(now);
        Set<Escalation.Action> fired = EnumSet.noneOf(Escalation.Action.class);
        steps.subList(0, next).forEach(step -> fired.add(step.action()));
        List<Escalation> ladder = other.steps();
        int done = 0;
        while (done < ladder.size() && fired.contains(ladder.get(done).action())
                && Math.round(newLength.toMillis() * ladder.get(done).at()) <= counted.toMillis()) {
            done++;
        }
        return new SlaTimer(other.name(), target, newLength, ladder, other.time(), running, running ? now : segmentStart,
                counted, done);
    }

    /** The severity if it ended now: null while within the target. */
    public Severity severity(Instant now, Severity.Thresholds thresholds) {
        return thresholds.of(length, elapsed(now));
    }

    public String state() {
        return breached() ? "breached" : running ? "running" : "paused";
    }
}
