package io.switchboard.sla;

import io.switchboard.routing.Condition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One service-level agreement: which contacts it covers ({@code match}), its targets, the time that
 * counts (24/7 or a business calendar) and what happens as a target nears and passes.
 *
 * <p>{@link #steps()} is the full escalation ladder a timer walks: the configured escalations, a
 * breach at 1.0 when none is configured (a missed target is always a breach), and the implicit
 * severity steps at 1 + major and 1 + critical. Ties keep file order, the breach first at 1.0.
 *
 * @param pauseWhenPendingCustomer a case's timers stop while it waits on the customer
 */
public record SlaPolicy(String name, Condition match, Map<SlaTarget, Duration> targets, WorkingTime time,
                        List<Escalation> escalations, Severity.Thresholds severity, List<Escalation> steps,
                        boolean pauseWhenPendingCustomer) {

    public SlaPolicy(String name, Condition match, Map<SlaTarget, Duration> targets, WorkingTime time,
                     List<Escalation> escalations, Severity.Thresholds severity) {
        this(name, match, targets, time, escalations, severity, false);
    }

    public SlaPolicy(String name, Condition match, Map<SlaTarget, Duration> targets, WorkingTime time,
                     List<Escalation> escalations, Severity.Thresholds severity, boolean pauseWhenPendingCustomer) {
        this(name, match, targets, time, escalations, severity, ladder(escalations, severity), pauseWhenPendingCustomer);
    }

    public SlaPolicy {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9_.\\-]{1,32}")) {
            throw new IllegalArgumentException("policy name must be 1-32 letters, digits, '-', '_' or '.': " + name);
        }
        targets = targets.isEmpty() ? Map.of() : new EnumMap<>(targets);
        targets.forEach((t, d) -> {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("target " + t.wireName() + " must be positive");
            }
        });
        targets = Map.copyOf(targets);
        escalations = List.copyOf(escalations);
        steps = List.copyOf(steps);
    }

    public Optional<Duration> target(SlaTarget target) {
        return Optional.ofNullable(targets.get(target));
    }

    private static List<Escalation> ladder(List<Escalation> configured, Severity.Thresholds severity) {
        List<Escalation> steps = new ArrayList<>();
        boolean breach = configured.stream().anyMatch(e -> e.action() == Escalation.Action.BREACH);
        if (!breach) {
            steps.add(new Escalation(1.0, Escalation.Action.BREACH, 0));
        }
        steps.addAll(configured);
        steps.add(new Escalation(1 + severity.major(), Escalation.Action.SEVERITY_MAJOR, 0));
        steps.add(new Escalation(1 + severity.critical(), Escalation.Action.SEVERITY_CRITICAL, 0));
        steps.sort(Comparator.comparingDouble(Escalation::at)); // stable: ties keep the order above
        return steps;
    }

    /** Index of the breach step in {@link #steps()}. */
    public static int breachIndex(List<Escalation> steps) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).action() == Escalation.Action.BREACH) {
                return i;
            }
        }
        throw new IllegalStateException("a ladder always holds a breach");
    }
}
