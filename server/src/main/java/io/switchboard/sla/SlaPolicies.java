package io.switchboard.sla;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The policies in force: tried in order, the first whose {@code match} holds applies, else the
 * default. An empty set (no file) applies no agreement at all.
 *
 * @param calendars the named business calendars, for timers armed under an earlier version of a policy
 */
public record SlaPolicies(List<SlaPolicy> ordered, SlaPolicy defaultPolicy, Map<String, BusinessCalendar> calendars,
                          Severity.Thresholds severity) {
    public static final SlaPolicies NONE = new SlaPolicies(List.of(), null, Map.of(), Severity.Thresholds.DEFAULT);

    public SlaPolicies {
        ordered = List.copyOf(ordered);
        calendars = Map.copyOf(calendars);
        Objects.requireNonNull(severity, "severity");
    }

    /** @param variables {@code channel}, {@code attributes}, {@code customer}, {@code queue} (see {@link SlaSubject}) */
    public Optional<SlaPolicy> match(Map<String, Object> variables) {
        for (SlaPolicy policy : ordered) {
            if (policy.match().test(variables)) {
                return Optional.of(policy);
            }
        }
        return Optional.ofNullable(defaultPolicy);
    }

    /** The policy of that name in force now (the default's name is "default"), if any. */
    public Optional<SlaPolicy> named(String name) {
        if (defaultPolicy != null && defaultPolicy.name().equals(name)) {
            return Optional.of(defaultPolicy);
        }
        return ordered.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The calendar of that name, or 24/7 when the name is empty or no longer configured. */
    public WorkingTime time(String calendar) {
        if (calendar == null || calendar.isEmpty()) {
            return new WorkingTime.AlwaysOpen();
        }
        WorkingTime time = calendars.get(calendar);
        return time == null ? new WorkingTime.AlwaysOpen() : time;
    }
}
