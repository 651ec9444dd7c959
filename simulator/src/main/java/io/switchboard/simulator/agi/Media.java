package io.switchboard.simulator.agi;

import io.switchboard.simulator.pbx.CallerBehavior;
import io.switchboard.simulator.pbx.CallerInput;
import io.switchboard.simulator.pbx.Channel;
import io.switchboard.simulator.pbx.SoundLibrary;
import io.switchboard.simulator.time.Cancellable;
import io.switchboard.simulator.time.SimClock;

import java.time.Duration;

/**
 * Playing prompts and listening for DTMF in simulated time. The caller's scripted input for one wait is
 * turned into timed events: each digit arrives at its offset from the start of the wait; a scripted
 * hangup hangs the caller up at its offset (the session then sees the channel hang up and interrupts the
 * command, as a real hangup would).
 */
final class Media {

    /** Outcome of a wait: the result code as res_agi prints it and the elapsed simulated time. */
    record Outcome(int result, Duration elapsed, String digits, boolean timedOut) { }

    private final CommandContext ctx;
    private final SimClock clock;
    private final long startMicros;
    private Cancellable timer = Cancellable.NONE;
    private boolean finished;

    Media(CommandContext ctx) {
        this.ctx = ctx;
        this.clock = ctx.session().pbx().clock();
        this.startMicros = clock.nowMicros();
    }

    Duration elapsed() {
        return Duration.ofNanos((clock.nowMicros() - startMicros) * 1000);
    }

    static long samples(Duration d) {
        return d.toMillis() * SoundLibrary.SAMPLE_RATE / 1000;
    }

    /** The caller's next input for a wait (silence when the channel has no simulated caller). */
    CallerInput listen() {
        CallerBehavior caller = ctx.session().channel().caller();
        return caller == null ? CallerInput.silence() : caller.nextInput();
    }

    /**
     * Plays for {@code length}, interruptible by any of {@code escapeDigits} in {@code input}. Calls back
     * with the digit's ASCII code and when it came, 0 when the prompt played out, -1 on hangup.
     */
    void play(Duration length, String escapeDigits, CallerInput input, java.util.function.Consumer<Outcome> done) {
        ctx.onHangup(() -> finish(done, new Outcome(-1, elapsed(), "", false)));
        if (input.kind() == CallerInput.Kind.PRESS && escapeDigits != null) {
            for (int i = 0; i < input.digits().length(); i++) {
                char d = input.digits().charAt(i);
                Duration at = input.digitAt(i);
                if (at.compareTo(length) >= 0) {
                    break;
                }
                if (escapeDigits.indexOf(d) >= 0) {
                    timer = clock.schedule(at, () -> finish(done, new Outcome(d, at, String.valueOf(d), false)));
                    return;
                }
            }
        }
        scheduleHangup(input, length);
        timer = clock.schedule(length, () -> finish(done, new Outcome(0, length, "", false)));
    }

    /**
     * Waits up to {@code timeout} (null: forever) for one digit: its ASCII code, 0 on timeout, -1 on hangup.
     * {@code accept} filters which digits count (GET OPTION only takes its escape digits).
     */
    void waitForDigit(Duration timeout, CallerInput input, String accept, java.util.function.Consumer<Outcome> done) {
        ctx.onHangup(() -> finish(done, new Outcome(-1, elapsed(), "", false)));
        if (input.kind() == CallerInput.Kind.PRESS) {
            for (int i = 0; i < input.digits().length(); i++) {
                char d = input.digits().charAt(i);
                Duration at = input.digitAt(i);
                if (timeout != null && at.compareTo(timeout) > 0) {
                    break;
                }
                if (accept == null || accept.indexOf(d) >= 0) {
                    timer = clock.schedule(at, () -> finish(done, new Outcome(d, at, String.valueOf(d), false)));
                    return;
                }
                // Asterisk's waitfordigit returns the first digit; an unaccepted one ends the wait with 0.
                timer = clock.schedule(at, () -> finish(done, new Outcome(0, at, "", false)));
                return;
            }
        }
        scheduleHangup(input, timeout);
        if (timeout != null) {
            timer = clock.schedule(timeout, () -> finish(done, new Outcome(0, timeout, "", true)));
        }
    }

    /**
     * ast_app_getdata: play the prompt (a digit interrupts it), then collect up to {@code max} digits with
     * {@code firstTimeout} for the first and {@code interTimeout} between them; {@code #} ends the input.
     */
    void readDigits(Duration prompt, int max, Duration firstTimeout, Duration interTimeout, CallerInput input,
                    java.util.function.Consumer<Outcome> done) {
        ctx.onHangup(() -> finish(done, new Outcome(-1, elapsed(), "", false)));
        StringBuilder got = new StringBuilder();
        Duration last = null;
        if (input.kind() == CallerInput.Kind.PRESS) {
            for (int i = 0; i < input.digits().length(); i++) {
                char d = input.digits().charAt(i);
                Duration at = input.digitAt(i);
                Duration deadline = last == null ? prompt.plus(firstTimeout) : last.plus(interTimeout);
                if (at.compareTo(deadline) > 0) {
                    break;
                }
                last = at;
                if (d == '#') {
                    Duration when = at;
                    timer = clock.schedule(when, () -> finish(done, new Outcome(0, when, got.toString(), false)));
                    return;
                }
                got.append(d);
                if (max > 0 && got.length() >= max) {
                    Duration when = at;
                    timer = clock.schedule(when, () -> finish(done, new Outcome(0, when, got.toString(), false)));
                    return;
                }
            }
        }
        Duration end = last == null ? prompt.plus(firstTimeout) : last.plus(interTimeout);
        scheduleHangup(input, end);
        timer = clock.schedule(end, () -> finish(done, new Outcome(1, end, got.toString(), true)));
    }

    /** A scripted hangup within the wait: the caller puts the phone down at its offset. */
    private void scheduleHangup(CallerInput input, Duration within) {
        if (input.kind() != CallerInput.Kind.HANGUP) {
            return;
        }
        if (within != null && input.delay().compareTo(within) >= 0) {
            return;
        }
        Channel ch = ctx.session().channel();
        clock.schedule(input.delay(), () -> {
            if (!finished && ch.caller() != null) {
                ch.caller().hangUp();
            }
        });
    }

    private void finish(java.util.function.Consumer<Outcome> done, Outcome outcome) {
        if (finished) {
            return;
        }
        finished = true;
        timer.cancel();
        done.accept(outcome);
    }
}
