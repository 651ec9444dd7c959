package io.switchboard.email.smtp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.function.Function;

/**
 * An inbound SMTP listener (RFC 5321, the receiving side only) on Vert.x: every connection is an
 * {@link SmtpConnection} on an event loop; a message is answered {@code 250} only once {@code delivery}
 * has stored it, so a sender retries anything Switchboard did not keep.
 */
public final class SmtpServer {
    /** The largest message taken (RFC 1870 SIZE); bigger ones are refused with 552. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 10L << 20;

    private final Vertx vertx;
    private final int port;
    private final String hostname;
    private final long maxMessageBytes;
    private final Function<Envelope, Future<String>> delivery;
    private NetServer server;

    /** @param delivery stores a message and returns its id (for the 250 reply); an IllegalArgumentException is a permanent 554 */
    public SmtpServer(Vertx vertx, int port, String hostname, long maxMessageBytes,
                      Function<Envelope, Future<String>> delivery) {
        this.vertx = vertx;
        this.port = port;
        this.hostname = hostname;
        this.maxMessageBytes = maxMessageBytes;
        this.delivery = delivery;
    }

    /** Listens; the future holds the actual port (port 0 = any free one). */
    public Future<Integer> start() {
        server = vertx.createNetServer(new NetServerOptions().setPort(port).setIdleTimeout(300));
        server.connectHandler(socket -> new SmtpConnection(socket, hostname, maxMessageBytes, delivery).start());
        return server.listen().map(NetServer::actualPort);
    }

    public Future<Void> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
