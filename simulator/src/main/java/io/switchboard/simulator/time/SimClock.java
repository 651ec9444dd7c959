package io.switchboard.simulator.time;

import java.time.Duration;

/**
 * The simulator's notion of time: what "now" is (for Uniqueids, durations, event timestamps) and how to
 * run something later (talk time, DTMF timing, Dial timeouts).
 *
 * <p>All simulated durations go through this interface so that tests can compress time (a scaled clock)
 * or drive it by hand (a manual clock) instead of sleeping. Implementations run tasks on the simulator's
 * single engine thread, so scheduled tasks never race with each other.
 */
public interface SimClock {

    /** Simulated wall-clock time in microseconds since the epoch. */
    long nowMicros();

    default long nowMillis() {
        return nowMicros() / 1000;
    }

    default long nowEpochSeconds() {
        return nowMicros() / 1_000_000;
    }

    /** Runs {@code task} after {@code delay} of simulated time (zero: as soon as the engine is free). */
    Cancellable schedule(Duration delay, Runnable task);
}
