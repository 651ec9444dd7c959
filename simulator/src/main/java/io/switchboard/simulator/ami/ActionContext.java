package io.switchboard.simulator.ami;

import io.switchboard.simulator.event.Header;
import io.switchboard.simulator.pbx.Pbx;

import java.util.ArrayList;
import java.util.List;

/**
 * One action being executed for a session. Frames queued with {@link #frame} are written in order when the
 * action completes, before any event that happened meanwhile, as Asterisk answers an action before it
 * delivers the events that piled up.
 */
final class ActionContext {

    final AmiSession session;
    final AmiMessage message;
    private final List<List<Header>> frames = new ArrayList<>();
    private boolean done;
    private boolean closeAfter;

    ActionContext(AmiSession session, AmiMessage message) {
        this.session = session;
        this.message = message;
    }

    Pbx pbx() {
        return session.server().pbx();
    }

    AmiServer server() {
        return session.server();
    }

    String header(String name) {
        return message.header(name);
    }

    ActionContext frame(List<Header> frame) {
        frames.add(frame);
        return this;
    }

    /** The session is closed once this action's frames are written (Logoff, failed Login). */
    ActionContext closeAfterwards() {
        closeAfter = true;
        return this;
    }

    void success(String text) {
        frame(Frames.success(message, text)).done();
    }

    void error(String text) {
        frame(Frames.error(message, text)).done();
    }

    /** Writes the queued frames and lets the session go on with the next action. */
    void done() {
        if (done) {
            return;
        }
        done = true;
        session.actionDone(this, frames, closeAfter);
    }

    boolean isDone() {
        return done;
    }
}
