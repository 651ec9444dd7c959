package io.switchboard.sla;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

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

    /** The zone its hours are local times of (UTC for 24/7): an opening is said in it. */
    ZoneId zone();

    /** Whether {@code at} is open time (a queue's hours of operation: contacts are taken). */
    boolean isOpen(Instant at);

    /** The next instant after {@code at} at which {@link #isOpen} changes; null when it never does (24/7). */
    Instant nextChange(Instant at);

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

        @Override
        public ZoneId zone() {
            return ZoneOffset.UTC;
        }

        @Override
        public boolean isOpen(Instant at) {
            return true;
        }

        @Override
        public Instant nextChange(Instant at) {
            return null;
        }
    }
}
