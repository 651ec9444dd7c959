package io.switchboard.sla;

import java.util.Locale;

/**
 * An action when a share of the target has passed: {@code {at: 0.75, action: warn}}.
 *
 * @param at share of the target (1.0 = the deadline); up to 10
 * @param points priority points, for {@link Action#RAISE_PRIORITY} only
 */
public record Escalation(double at, Action action, int points) {
    public enum Action {
        /** Tell supervisors the deadline is near. */
        WARN("w"),
        /** The target was not met: record the breach (severity minor) and tell supervisors. */
        BREACH("b"),
        /** Move the waiting interaction up its queue by {@code points}. */
        RAISE_PRIORITY("r"),
        /** Tell the CRM through the webhooks (sla_notify), with the same signing and retries as every event. */
        NOTIFY("n"),
        /**
         * Move the waiting interaction to its workflow's next step now (wider skills, an overflow queue)
         * instead of at that step's timeout; nothing on the last step.
         */
        WIDEN("x"),
        /** Implicit: the breach becomes major (share = 1 + major threshold). */
        SEVERITY_MAJOR("m"),
        /** Implicit: the breach becomes critical (share = 1 + critical threshold). */
        SEVERITY_CRITICAL("c");

        private final String code;

        Action(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Action ofCode(String code) {
            for (Action a : values()) {
                if (a.code.equals(code)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown escalation code '" + code + "'");
        }

        /** The actions a policy file may name. */
        public static Action parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "warn" -> WARN;
                case "breach" -> BREACH;
                case "raise_priority" -> RAISE_PRIORITY;
                case "notify" -> NOTIFY;
                case "widen" -> WIDEN;
                default -> throw new IllegalArgumentException(
                        "action must be warn, breach, raise_priority, widen or notify, was '"
                        + value + "'");
            };
        }
    }

    public Escalation {
        if (!(at > 0) || at > 10) {
            throw new IllegalArgumentException("'at' must be a share of the target above 0 and at most 10, was " + at);
        }
        if (action == Action.RAISE_PRIORITY && (points < 1 || points > 1000)) {
            throw new IllegalArgumentException("raise_priority needs points between 1 and 1000");
        }
        if (action != Action.RAISE_PRIORITY) {
            points = 0;
        }
    }
}
