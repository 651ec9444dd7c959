package io.switchboard.simulator.pbx;

import java.time.Duration;

/**
 * What a simulated caller does while the IVR waits for key presses: press digits after a delay, stay
 * silent, or hang up after a delay.
 */
public record CallerInput(Kind kind, String digits, Duration delay, Duration interDigitGap) {

    public enum Kind { PRESS, SILENCE, HANGUP }

    public static final Duration DEFAULT_DELAY = Duration.ofMillis(600);
    public static final Duration DEFAULT_GAP = Duration.ofMillis(150);

    public static CallerInput press(String digits) {
        return new CallerInput(Kind.PRESS, digits, DEFAULT_DELAY, DEFAULT_GAP);
    }

    public static CallerInput press(String digits, Duration delay) {
        return new CallerInput(Kind.PRESS, digits, delay, DEFAULT_GAP);
    }

    public static CallerInput silence() {
        return new CallerInput(Kind.SILENCE, "", Duration.ZERO, Duration.ZERO);
    }

    public static CallerInput hangUp(Duration delay) {
        return new CallerInput(Kind.HANGUP, "", delay, Duration.ZERO);
    }

    /** When the i-th digit (0-based) arrives, counted from the start of the wait. */
    public Duration digitAt(int index) {
        return delay.plus(interDigitGap.multipliedBy(index));
    }
}
