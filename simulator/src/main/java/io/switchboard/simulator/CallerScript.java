package io.switchboard.simulator;

import io.switchboard.simulator.pbx.CallerInput;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a simulated caller does each time the IVR listens (GET DATA, WAIT FOR DIGIT, GET OPTION, or STREAM
 * FILE / SAY with escape digits): one entry per wait, in order. When the script runs out the caller stays
 * silent. Example: {@code CallerScript.create().press("1").press("4711#").silence().hangUp(Duration.ofSeconds(2))}.
 */
public final class CallerScript {

    private final List<CallerInput> inputs = new ArrayList<>();

    private CallerScript() {
    }

    public static CallerScript create() {
        return new CallerScript();
    }

    /** A caller who never presses anything. */
    public static CallerScript silent() {
        return new CallerScript();
    }

    /** Presses {@code digits} 0.6 s into the wait, 150 ms apart. */
    public CallerScript press(String digits) {
        inputs.add(CallerInput.press(digits));
        return this;
    }

    /** Presses {@code digits} starting {@code after} into the wait. */
    public CallerScript press(String digits, Duration after) {
        inputs.add(CallerInput.press(digits, after));
        return this;
    }

    public CallerScript press(String digits, Duration after, Duration gap) {
        inputs.add(new CallerInput(CallerInput.Kind.PRESS, digits, after, gap));
        return this;
    }

    /** Presses nothing during this wait (the IVR times out). */
    public CallerScript silence() {
        inputs.add(CallerInput.silence());
        return this;
    }

    /** Hangs up {@code after} into this wait. */
    public CallerScript hangUp(Duration after) {
        inputs.add(CallerInput.hangUp(after));
        return this;
    }

    public List<CallerInput> inputs() {
        return List.copyOf(inputs);
    }
}
