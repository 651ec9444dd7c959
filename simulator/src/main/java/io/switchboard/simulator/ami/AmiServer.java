package io.switchboard.simulator.ami;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.event.EventListener;
import io.switchboard.simulator.event.ManagerEvent;
import io.switchboard.simulator.pbx.Pbx;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The Asterisk Manager Interface: a TCP server speaking AMI to any number of clients, each receiving every
 * event it may read. It can be stopped and started again on the same port, and can drop its connections
 * on demand, so that clients' reconnection logic can be tested. Runs on the engine context.
 */
public final class AmiServer {

    private static final Logger LOG = LoggerFactory.getLogger(AmiServer.class);

    private final Vertx vertx;
    private final Context engine;
    private final SimulatorConfig config;
    private final Pbx pbx;
    private final ActionRegistry actions;
    private final List<AmiSession> sessions = new ArrayList<>();
    private final EventListener listener = this::broadcast;
    private NetServer server;
    private int boundPort = -1;

    public AmiServer(Vertx vertx, Context engine, SimulatorConfig config, Pbx pbx) {
        this.vertx = vertx;
        this.engine = engine;
        this.config = config;
        this.pbx = pbx;
        this.actions = new ActionRegistry();
        pbx.addListener(listener);
    }

    Vertx vertx() {
        return vertx;
    }

    Context engineContext() {
        return engine;
    }

    SimulatorConfig config() {
        return config;
    }

    Pbx pbx() {
        return pbx;
    }

    ActionRegistry actions() {
        return actions;
    }

    /** Listens (again) on the configured port, or on the port bound first if that was 0. */
    public Future<Integer> listen() {
        if (server != null) {
            return Future.succeededFuture(boundPort);
        }
        int port = boundPort >= 0 ? boundPort : config.amiPort();
        NetServer s = vertx.createNetServer(new NetServerOptions()
            .setHost(config.amiBindHost())
            .setPort(port)
            .setReuseAddress(true)
            .setTcpNoDelay(true));
        s.connectHandler(this::accepted);
        s.exceptionHandler(e -> LOG.debug("AMI server error: {}", e.toString()));
        server = s;
        return s.listen().map(bound -> {
            boundPort = bound.actualPort();
            LOG.info("AMI listening on {}:{}", config.amiBindHost(), boundPort);
            return boundPort;
        }).onFailure(e -> server = null);
    }

    /** Stops listening and closes every connection. {@link #listen()} starts it again on the same port. */
    public Future<Void> close() {
        dropConnections();
        NetServer s = server;
        server = null;
        return s == null ? Future.succeededFuture() : s.close();
    }

    /** Closes every client connection; the server keeps listening. */
    public void dropConnections() {
        for (AmiSession session : new ArrayList<>(sessions)) {
            session.close();
        }
        sessions.clear();
    }

    public boolean listening() {
        return server != null;
    }

    public int port() {
        return boundPort;
    }

    public int connectionCount() {
        return sessions.size();
    }

    public int loggedInCount() {
        return (int) sessions.stream().filter(AmiSession::authenticated).count();
    }

    private void accepted(NetSocket socket) {
        String id = String.format("0x7f%010x", pbx.random().nextLong() & 0xffffffffffL);
        AmiSession session = new AmiSession(this, socket, pbx.clock().nowMicros(), id);
        sessions.add(session);
        session.start();
    }

    void removed(AmiSession session) {
        sessions.remove(session);
    }

    private void broadcast(ManagerEvent event) {
        for (AmiSession s : new ArrayList<>(sessions)) {
            s.deliver(event);
        }
    }

    /** Detaches from the PBX (final shutdown). */
    public void dispose() {
        pbx.removeListener(listener);
    }
}
