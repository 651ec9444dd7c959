package io.switchboard.simulator.agi;

import java.util.List;

/** One command being executed: its words, and how the handler completes it (possibly later). */
interface CommandContext {

    List<String> argv();

    default int argc() {
        return argv().size();
    }

    default String arg(int i) {
        return i < argv().size() ? argv().get(i) : null;
    }

    AgiSession session();

    /** Completes the command: sends the reply and publishes AGIExecEnd. */
    void complete(CommandResult result);

    /** Registers what to do if the channel hangs up while the command runs (must complete it). */
    void onHangup(Runnable interrupt);
}
