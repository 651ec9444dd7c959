package io.switchboard.sla;

import java.time.Duration;
import java.time.Instant;

/**
 * The time an agreement counts: every second (24/7) or only a calendar's open hours. Pure functions
 * of their arguments; no clock inside, so tests pass any instant.
 */
public interface WorkingTime {
    /** The instant at which {@code amount} of counted time has passed since {@code start}. */
    Instant plus(Instant start, Duration amount);

    /** Counted time in {@code [from, to)}; zero when {@code to} is not after {@code from}. */
    Duration between(Instant from, Instant to);

    /** The calendar's name as configured; empty for 24/7. */
    String name();

    /** Every second counts: the default when a policy names no calendar. */
    record AlwaysOpen() implements WorkingTime {
        @Override
        public Instant plus(Instant start, Duration amount) {
            return start.plus(amount);
        }

        @Override
        public Duration between(Instant from, Instant to) {
            return to.isAfter(from) ? Duration.between(from, to) : Duration.ZERO;
        }

        @Override
        public String name() {
            return "";
        }
    }
}
