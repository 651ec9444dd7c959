package io.switchboard.sla;

import java.time.Duration;
import java.util.Locale;

/**
 * How far outside the agreement a breach ended, as a share of the target: with the default thresholds
 * minor is less than 25 % over, major less than 100 % over, critical beyond.
 */
public enum Severity {
    MINOR, MAJOR, CRITICAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("severity must be minor, major or critical, was '" + value + "'");
        }
    }

    /**
     * @param major share over the target from which a breach is major (default 0.25)
     * @param critical share over the target from which it is critical (default 1.0)
     */
    public record Thresholds(double major, double critical) {
        public static final double DEFAULT_MAJOR = 0.25;
        public static final double DEFAULT_CRITICAL = 1.0;
        public static final Thresholds DEFAULT = new Thresholds(DEFAULT_MAJOR, DEFAULT_CRITICAL);

        public Thresholds {
            if (!(major > 0) || !(critical > major)) {
                throw new IllegalArgumentException("severity thresholds need 0 < major < critical");
            }
        }

        /** The severity of a target of {@code target} that took {@code taken} (counted time); null if it was met. */
        public Severity of(Duration target, Duration taken) {
            if (taken.compareTo(target) <= 0) {
                return null;
            }
            double over = (double) taken.minus(target).toMillis() / Math.max(1, target.toMillis());
            return over >= critical ? CRITICAL : over >= major ? MAJOR : MINOR;
        }
    }
}
