package io.switchboard.simulator.pbx;

import java.util.function.Consumer;

/**
 * One invocation of an application on a channel: its argument string and the way to report the result
 * (0 continue with the next priority, -1 hang up), exactly once.
 */
final class AppCall {

    final Pbx pbx;
    final Channel channel;
    final String data;
    private final Consumer<AppCall> onFinished;
    private boolean finished;
    private int result;
    private boolean started;

    AppCall(Pbx pbx, Channel channel, String data, Consumer<AppCall> onFinished) {
        this.pbx = pbx;
        this.channel = channel;
        this.data = data == null ? "" : data;
        this.onFinished = onFinished;
    }

    void finish(int value) {
        if (finished) {
            return;
        }
        finished = true;
        result = value;
        if (started) {
            onFinished.accept(this);
        }
    }

    /** Called by the runner once the application's start method returned. */
    void markStarted() {
        started = true;
    }

    boolean finished() {
        return finished;
    }

    int result() {
        return result;
    }

    /** Comma-separated arguments, as AST_STANDARD_APP_ARGS splits them. */
    String[] args() {
        return data.isEmpty() ? new String[0] : data.split(",", -1);
    }

    String arg(int i) {
        String[] a = args();
        return i < a.length ? a[i].trim() : "";
    }
}
