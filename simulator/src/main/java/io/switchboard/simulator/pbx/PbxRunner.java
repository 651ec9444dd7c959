package io.switchboard.simulator.pbx;

/**
 * Runs the dialplan on a channel, like __ast_pbx_run: publishes Newexten for each priority, runs the
 * application, moves on, and ends (destroying the channel) when an application returns -1, the channel is
 * hung up, or the extension has no more priorities; then, if its context has an {@code h} extension, runs
 * that first, as Asterisk does on any end of the dialplan.
 */
final class PbxRunner implements ChannelDriver {

    private final Pbx pbx;
    private final Channel channel;
    private AppCall current;
    private AppExecution execution;
    private DialplanLocation pendingGoto;
    private boolean running;
    private boolean ended;
    private Runnable yankRequest;

    PbxRunner(Pbx pbx, Channel channel) {
        this.pbx = pbx;
        this.channel = channel;
    }

    void start(DialplanLocation location) {
        channel.driver(this);
        channel.location(location.context(), location.exten(), location.priority());
        run();
    }

    private void run() {
        running = true;
        try {
            while (!ended) {
                if (channel.hangupRequested()) {
                    end();
                    return;
                }
                DialplanStep step = pbx.dialplan().find(channel.context(), channel.exten(), channel.priority());
                if (step == null) {
                    // Auto fallthrough: no more priorities, the call is over.
                    end();
                    return;
                }
                String data = pbx.substitute(channel, step.data());
                channel.application(step.application(), data);
                pbx.publish(Events.newexten(channel, step.application(), data));
                Application app = pbx.applications().find(step.application());
                if (app == null) {
                    Pbx.warn("No application '{}' for extension ({}, {}, {})", step.application(),
                        channel.context(), channel.exten(), channel.priority());
                    end();
                    return;
                }
                AppCall call = new AppCall(pbx, channel, data, this::onFinished);
                current = call;
                AppExecution exec = app.start(call);
                call.markStarted();
                if (!call.finished()) {
                    execution = exec;
                    // A hangup or redirect may have arrived while the application was starting up.
                    if (channel.hangupRequested()) {
                        exec.hangup();
                    } else if (pendingGoto != null) {
                        exec.redirect();
                    }
                    if (!call.finished()) {
                        return;
                    }
                }
                if (!advance(call.result())) {
                    return;
                }
            }
        } finally {
            running = false;
        }
    }

    private void onFinished(AppCall call) {
        if (call != current || ended || running) {
            // While the loop runs it picks the result up itself.
            return;
        }
        if (advance(call.result())) {
            run();
        }
    }

    /** Moves to the next place to run; false when the dialplan is over. */
    private boolean advance(int result) {
        current = null;
        execution = null;
        if (yankRequest != null && !channel.hangupRequested()) {
            // Taken out of the dialplan (AMI Bridge): whoever took it drives it until it comes back.
            Runnable whenFree = yankRequest;
            yankRequest = null;
            whenFree.run();
            return false;
        }
        if (pendingGoto != null && !channel.hangupRequested()) {
            DialplanLocation target = pendingGoto;
            pendingGoto = null;
            channel.location(target.context(), target.exten(), target.priority());
            return true;
        }
        if (channel.hangupRequested() || result < 0) {
            end();
            return false;
        }
        channel.priority(channel.priority() + 1);
        return true;
    }

    /**
     * Takes the channel out of its dialplan (stopping the current application) and runs {@code whenFree}
     * once it is out; {@link #resumeAfterBridge()} brings it back at the next priority.
     */
    void yank(Runnable whenFree) {
        yankRequest = whenFree;
        if (execution != null) {
            execution.redirect();
        }
    }

    /** Continues a channel that was out of its dialplan at the priority after its current one. */
    void resumeNext() {
        channel.driver(this);
        channel.priority(channel.priority() + 1);
        run();
    }

    /** The application currently running, if any (the Dial or Queue that bridged this channel). */
    AppExecution currentExecution() {
        return execution;
    }

    /** An application (Goto) asks to continue somewhere else once it finishes. */
    void jumpAfterApp(DialplanLocation target) {
        pendingGoto = target;
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        runHangupExtension();
        pbx.destroy(channel, true);
    }

    /**
     * ast_pbx_h_exten_run: the {@code h} extension of the channel's context, priority by priority, with the
     * channel already hung up, so an application that would wait (Wait, Dial) returns at once.
     */
    private void runHangupExtension() {
        String context = channel.context();
        int priority = 1;
        for (DialplanStep step = pbx.dialplan().find(context, "h", priority); step != null;
             step = pbx.dialplan().find(context, "h", ++priority)) {
            channel.location(context, "h", priority);
            String data = pbx.substitute(channel, step.data());
            channel.application(step.application(), data);
            pbx.publish(Events.newexten(channel, step.application(), data));
            Application app = pbx.applications().find(step.application());
            if (app == null) {
                return;
            }
            AppCall call = new AppCall(pbx, channel, data, c -> { });
            AppExecution exec = app.start(call);
            call.markStarted();
            if (!call.finished()) {
                exec.hangup();
            }
            if (call.result() < 0) {
                return;
            }
        }
    }

    @Override
    public void hangupRequested(Channel ch) {
        if (execution != null) {
            execution.hangup();
        } else if (!running && !ended) {
            end();
        }
    }

    @Override
    public void redirect(Channel ch, DialplanLocation target) {
        pendingGoto = target;
        if (execution != null) {
            execution.redirect();
        }
    }
}
