package io.switchboard.simulator.pbx;

import java.util.Locale;

/**
 * {@code ChanSpy([chanprefix][,options])} as app_chanspy runs it: it spies on a live channel whose name starts with
 * the prefix (case-insensitive; never the spying channel itself), publishing ChanSpyStart, and ChanSpyStop when
 * either side ends. Options that change what happens here: {@code E} (leave when the spied-on channel hangs up) and
 * {@code S} (leave when there is nothing, or nothing more, to spy on). The others ({@code q}, {@code w}, {@code B},
 * ...) change only the audio, which is not simulated. Without {@code E} or {@code S} it stays until hung up, as the
 * real one keeps scanning for channels.
 */
final class ChanSpyApp implements AppExecution {

    private final AppCall call;
    private final boolean exitOnHangup;
    private final boolean stopWhenNone;
    private Channel spyee;

    private ChanSpyApp(AppCall call) {
        this.call = call;
        String options = call.arg(1).replaceAll("\\([^)]*\\)", ""); // option arguments (g(grp), x(digit)) are not flags
        this.exitOnHangup = options.contains("E");
        this.stopWhenNone = options.contains("S");
    }

    static AppExecution start(AppCall call) {
        ChanSpyApp app = new ChanSpyApp(call);
        call.pbx.answer(call.channel);
        app.spyee = app.target(call.arg(0));
        if (app.spyee == null) {
            if (app.stopWhenNone) {
                call.finish(0);
            }
            return app;
        }
        call.pbx.publish(Events.chanSpy(true, call.channel, app.spyee));
        Channel watched = app.spyee;
        watched.afterHangup(() -> app.spyeeGone(watched));
        return app;
    }

    private Channel target(String prefix) {
        String lower = prefix.toLowerCase(Locale.ROOT);
        return call.pbx.channels().stream()
            .filter(c -> c != call.channel && c.alive() && !c.hangupRequested())
            .filter(c -> c.name().toLowerCase(Locale.ROOT).startsWith(lower))
            .findFirst().orElse(null);
    }

    private void spyeeGone(Channel watched) {
        if (call.finished() || spyee != watched) {
            return;
        }
        spyee = null;
        call.pbx.publish(Events.chanSpy(false, call.channel, null));
        if (exitOnHangup || stopWhenNone) {
            call.finish(0);
        }
    }

    private void stop() {
        if (spyee != null) {
            call.pbx.publish(Events.chanSpy(false, call.channel, spyee));
            spyee = null;
        }
    }

    @Override
    public void hangup() {
        stop();
        call.finish(-1);
    }

    @Override
    public void redirect() {
        stop();
        call.finish(0);
    }
}
