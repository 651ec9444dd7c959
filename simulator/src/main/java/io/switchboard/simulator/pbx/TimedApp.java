package io.switchboard.simulator.pbx;

import io.switchboard.simulator.time.Cancellable;

import java.time.Duration;

/**
 * Applications that just occupy the channel for a while (Wait, MusicOnHold, Playback, the caller's hold):
 * they finish with 0 when the time is up (or never, for a null duration), with -1 on hangup, and with 0
 * when redirected.
 */
final class TimedApp implements AppExecution {

    private final AppCall call;
    private final Runnable onComplete;
    private Cancellable timer = Cancellable.NONE;

    private TimedApp(AppCall call, Runnable onComplete) {
        this.call = call;
        this.onComplete = onComplete;
    }

    static TimedApp run(AppCall call, Duration duration) {
        return run(call, duration, null);
    }

    static TimedApp run(AppCall call, Duration duration, Runnable onComplete) {
        TimedApp app = new TimedApp(call, onComplete);
        if (duration != null) {
            if (duration.isZero()) {
                app.complete();
            } else {
                app.timer = call.pbx.clock().schedule(duration, app::complete);
            }
        }
        return app;
    }

    /** Ends the application now, as if its time were up. */
    void complete() {
        timer.cancel();
        if (onComplete != null) {
            onComplete.run();
        }
        call.finish(0);
    }

    @Override
    public void hangup() {
        timer.cancel();
        call.finish(-1);
    }

    @Override
    public void redirect() {
        timer.cancel();
        call.finish(0);
    }
}
