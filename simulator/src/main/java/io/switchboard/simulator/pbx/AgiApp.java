package io.switchboard.simulator.pbx;

import java.util.ArrayList;
import java.util.List;

/**
 * AGI(agi://host:port/script[,args]): runs a FastAGI session and sets AGISTATUS from how it ended
 * (SUCCESS, FAILURE, HANGUP); HANGUP makes the application return -1 so the dialplan stops.
 */
final class AgiApp implements AppExecution {

    private final AppCall call;
    private AgiLauncher.AgiRun run;

    AgiApp(AppCall call) {
        this.call = call;
    }

    AppExecution start() {
        String[] a = call.args();
        String url = a.length > 0 ? a[0].trim() : "";
        List<String> args = new ArrayList<>();
        for (int i = 1; i < a.length; i++) {
            args.add(a[i]);
        }
        AgiLauncher launcher = call.pbx.agiLauncher();
        if (url.isEmpty() || launcher == null || !url.regionMatches(true, 0, "agi://", 0, 6)) {
            Pbx.warn("AGI requires a FastAGI URL (agi://...), got '{}'", url);
            call.pbx.setVariable(call.channel, "AGISTATUS", "FAILURE");
            call.finish(0);
            return AppExecution.FINISHED;
        }
        run = launcher.launch(call.pbx, call.channel, url, args, this::done);
        return this;
    }

    private void done(String status) {
        call.pbx.setVariable(call.channel, "AGISTATUS", status);
        call.finish("HANGUP".equals(status) ? -1 : 0);
    }

    @Override
    public void hangup() {
        if (run != null) {
            run.channelHungUp();
        }
    }

    @Override
    public void redirect() {
        if (run != null) {
            run.channelRedirected();
        }
    }
}
