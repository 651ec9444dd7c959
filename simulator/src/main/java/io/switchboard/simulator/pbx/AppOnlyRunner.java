package io.switchboard.simulator.pbx;

/**
 * A channel running a single application without a dialplan, as Originate's {@code Application:} puts on
 * the outgoing channel. No Newexten is published; when the application returns the channel hangs up
 * (without the pbx's SoftHangupRequest, as the capture shows for Local;1).
 */
final class AppOnlyRunner implements ChannelDriver {

    private final Pbx pbx;
    private final Channel channel;
    private AppExecution execution;
    private DialplanLocation redirectTarget;
    private boolean done;
    private Runnable yankRequest;

    AppOnlyRunner(Pbx pbx, Channel channel) {
        this.pbx = pbx;
        this.channel = channel;
    }

    void start(String appName, String data, Application app) {
        channel.driver(this);
        channel.application(appName, data);
        if (app == null) {
            Pbx.warn("No such application '{}' for originated channel {}", appName, channel.name());
            pbx.destroy(channel, false);
            return;
        }
        AppCall call = new AppCall(pbx, channel, data, this::onFinished);
        AppExecution exec = app.start(call);
        call.markStarted();
        if (call.finished()) {
            onFinished(call);
        } else {
            execution = exec;
            if (channel.hangupRequested()) {
                exec.hangup();
            }
        }
    }

    private void onFinished(AppCall call) {
        if (done) {
            return;
        }
        done = true;
        execution = null;
        if (yankRequest != null && !channel.hangupRequested()) {
            yankRequest.run();
            return;
        }
        if (redirectTarget != null && !channel.hangupRequested()) {
            pbx.masqueradeIntoPbx(channel, redirectTarget);
        } else {
            pbx.destroy(channel, false);
        }
    }

    /** Stops the application and hands the channel over (AMI Bridge); it hangs up when released. */
    void yank(Runnable whenFree) {
        yankRequest = whenFree;
        if (execution != null) {
            execution.redirect();
        }
    }

    @Override
    public void hangupRequested(Channel ch) {
        if (execution != null) {
            execution.hangup();
        } else if (!done) {
            done = true;
            pbx.destroy(channel, false);
        }
    }

    @Override
    public void redirect(Channel ch, DialplanLocation target) {
        redirectTarget = target;
        if (execution != null) {
            execution.redirect();
        }
    }
}
