package io.switchboard.simulator.ami;

import io.switchboard.simulator.event.EventCategory;
import io.switchboard.simulator.event.Header;
import io.switchboard.simulator.event.ManagerEvent;
import io.switchboard.simulator.wire.LineFramer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One manager connection, as manager.c's session_do/do_message handle it: the banner, lines collected into
 * messages until an empty line, one action at a time, events filtered by the user's read permission and
 * the session's event mask. Bad input is answered the way Asterisk answers it and never ends the server.
 */
final class AmiSession {

    private static final Logger LOG = LoggerFactory.getLogger(AmiSession.class);

    private final AmiServer server;
    private final NetSocket socket;
    private final LineFramer framer;
    private final long connectedMicros;
    private final String sessionId;
    /** A complete message, or the error Asterisk answers instead of running it. */
    private record Pending(AmiMessage message, String parseError) { }

    private final Deque<Pending> queue = new ArrayDeque<>();
    private final List<ManagerEvent> heldEvents = new ArrayList<>();
    private List<String> lines = new ArrayList<>();
    private boolean lineTooLong;
    private boolean tooManyLines;
    private ActionContext running;
    private boolean closed;
    private long authTimer = -1;
    private long writeTimer = -1;

    // Authentication state.
    private boolean authenticated;
    private String username;
    private String challenge;
    private int readPerm;
    private int writePerm;
    private int eventMask = EventCategory.ALL;

    AmiSession(AmiServer server, NetSocket socket, long connectedMicros, String sessionId) {
        this.server = server;
        this.socket = socket;
        this.connectedMicros = connectedMicros;
        this.sessionId = sessionId;
        this.framer = new LineFramer(server.config().maxLineBytes(), new LineFramer.Listener() {
            @Override
            public void onLine(String line) {
                line(line);
            }

            @Override
            public void onLineTooLong() {
                LOG.warn("Discarding message from {}. Line too long", remote());
                lineTooLong = true;
            }
        });
    }

    void start() {
        socket.handler(this::received);
        socket.closeHandler(v -> closed());
        socket.exceptionHandler(e -> LOG.debug("AMI socket error from {}: {}", remote(), e.toString()));
        socket.drainHandler(v -> cancelWriteTimer());
        write(Buffer.buffer("Asterisk Call Manager/" + server.config().amiVersion() + "\r\n"));
        long authMillis = server.config().authTimeout().toMillis();
        if (authMillis > 0) {
            authTimer = server.vertx().setTimer(authMillis, t -> {
                authTimer = -1;
                if (!authenticated) {
                    LOG.info("Client from {}, failed to authenticate in {} seconds", remote(), authMillis / 1000);
                    close();
                }
            });
        }
    }

    AmiServer server() {
        return server;
    }

    String remote() {
        return socket.remoteAddress() == null ? "?" : socket.remoteAddress().hostAddress() + ":" + socket.remoteAddress().port();
    }

    NetSocket socket() {
        return socket;
    }

    String sessionId() {
        return sessionId;
    }

    long connectedMicros() {
        return connectedMicros;
    }

    boolean authenticated() {
        return authenticated;
    }

    String username() {
        return username;
    }

    int writePerm() {
        return writePerm;
    }

    String challenge() {
        return challenge;
    }

    void challenge(String value) {
        this.challenge = value;
    }

    void loggedIn(ManagerUser user, int mask) {
        this.authenticated = true;
        this.username = user.username();
        this.readPerm = user.readMask();
        this.writePerm = user.writeMask();
        this.eventMask = mask;
        if (authTimer >= 0) {
            server.vertx().cancelTimer(authTimer);
            authTimer = -1;
        }
    }

    int eventMask() {
        return eventMask;
    }

    int readPerm() {
        return readPerm;
    }

    void eventMask(int mask) {
        this.eventMask = mask;
    }

    // ------------------------------------------------------------------ input

    private void received(Buffer data) {
        try {
            framer.feed(data);
        } catch (RuntimeException e) {
            // Whatever a client sends must not take the server down: log and drop this connection only.
            LOG.warn("AMI input from {} could not be handled, closing it", remote(), e);
            close();
        }
    }

    private void line(String line) {
        if (!line.isEmpty()) {
            if (lines.size() < server.config().maxHeaders()) {
                lines.add(line);
            } else {
                tooManyLines = true;
            }
            return;
        }
        AmiMessage message = new AmiMessage(lines);
        boolean tooLong = lineTooLong;
        boolean tooMany = tooManyLines;
        lines = new ArrayList<>();
        lineTooLong = false;
        tooManyLines = false;
        if (tooMany) {
            queue.add(new Pending(message, "Too many lines in message or allocation failure"));
        } else if (tooLong) {
            queue.add(new Pending(message, "Failed to parse message: line too long"));
        } else {
            queue.add(new Pending(message, null));
        }
        processNext();
    }

    private void processNext() {
        while (running == null && !closed && !queue.isEmpty()) {
            Pending p = queue.poll();
            AmiMessage m = p.message();
            ActionContext ctx = new ActionContext(this, m);
            running = ctx;
            try {
                if (p.parseError() != null) {
                    ctx.error(p.parseError());
                } else {
                    server.actions().dispatch(ctx);
                }
            } catch (RuntimeException e) {
                LOG.warn("AMI action {} from {} failed in the simulator", m.get("Action"), remote(), e);
                if (!ctx.isDone()) {
                    ctx.error("Internal simulator error: " + e.getMessage());
                }
            }
        }
    }

    /** Called by {@link ActionContext#done()}: write the answer, then the events held meanwhile. */
    void actionDone(ActionContext ctx, List<List<Header>> frames, boolean closeAfter) {
        if (ctx != running) {
            return;
        }
        for (List<Header> f : frames) {
            write(Frames.encode(f));
        }
        running = null;
        List<ManagerEvent> held = new ArrayList<>(heldEvents);
        heldEvents.clear();
        held.forEach(this::deliver);
        if (closeAfter) {
            close();
            return;
        }
        if (!queue.isEmpty()) {
            // Not from inside the finished action's call stack: continue on the next turn.
            server.engineContext().runOnContext(v -> processNext());
        }
    }

    // ------------------------------------------------------------------ output

    void deliver(ManagerEvent e) {
        if (closed || !authenticated) {
            return;
        }
        int cat = e.category().flag();
        if ((readPerm & cat) != cat || (eventMask & cat) != cat) {
            return;
        }
        if (running != null) {
            heldEvents.add(e);
            return;
        }
        write(Frames.encode(e.frame(server.config().timestampEvents())));
    }

    private void write(Buffer buffer) {
        if (closed) {
            return;
        }
        socket.write(buffer);
        if (socket.writeQueueFull() && writeTimer < 0) {
            // Asterisk gives a stuck client writetimeout ms, then drops it rather than blocking everyone.
            writeTimer = server.vertx().setTimer(Math.max(1, server.config().writeTimeout().toMillis()), t -> {
                writeTimer = -1;
                if (socket.writeQueueFull()) {
                    LOG.warn("AMI client {} does not read its events; disconnecting it", remote());
                    close();
                }
            });
        }
    }

    private void cancelWriteTimer() {
        if (writeTimer >= 0) {
            server.vertx().cancelTimer(writeTimer);
            writeTimer = -1;
        }
    }

    void close() {
        if (!closed) {
            closed = true;
            socket.close();
            cleanup();
        }
    }

    private void closed() {
        closed = true;
        cleanup();
    }

    private void cleanup() {
        if (authTimer >= 0) {
            server.vertx().cancelTimer(authTimer);
            authTimer = -1;
        }
        cancelWriteTimer();
        queue.clear();
        heldEvents.clear();
        server.removed(this);
    }

    boolean isClosed() {
        return closed;
    }
}
