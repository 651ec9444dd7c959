package io.switchboard.email.smtp;

import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An inbound SMTP listener (RFC 5321, the receiving side only) on Vert.x: every connection is an
 * {@link SmtpConnection} on an event loop; a message is answered {@code 250} only once {@code delivery}
 * has stored it, so a sender retries anything Switchboard did not keep. With a certificate it offers STARTTLS
 * (RFC 3207), and may require it.
 */
public final class SmtpServer {
    /** The largest message taken (RFC 1870 SIZE); bigger ones are refused with 552. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 10L << 20;

    private final Vertx vertx;
    private final int port;
    private final String hostname;
    private final long maxMessageBytes;
    private final Function<Envelope, Future<String>> delivery;
    private final Predicate<String> accepts;
    /** The certificate STARTTLS upgrades with, or null when it is not offered. */
    private final ServerSSLOptions tls;
    private final boolean tlsRequired;
    private NetServer server;

    /**
     * @param delivery stores a message and returns its id (for the 250 reply); an IllegalArgumentException is a permanent 554
     * @param acceptRecipients addresses ("support@example.com") or domains ("@example.com") mail is taken for, lower
     *                         case; any other recipient is refused at RCPT (550). Empty: every recipient.
     * @param tls the certificate for STARTTLS, or null: not offered
     */
    public SmtpServer(Vertx vertx, int port, String hostname, long maxMessageBytes, List<String> acceptRecipients,
                      SwitchboardConfig.Email.InboundTls tls, Function<Envelope, Future<String>> delivery) {
        this.vertx = vertx;
        this.port = port;
        this.hostname = hostname;
        this.maxMessageBytes = maxMessageBytes;
        this.accepts = recipientFilter(acceptRecipients);
        this.delivery = delivery;
        this.tls = tls == null ? null : new ServerSSLOptions().setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString()));
        this.tlsRequired = tls != null && tls.required();
    }

    static Predicate<String> recipientFilter(List<String> accepted) {
        if (accepted.isEmpty()) {
            return address -> true;
        }
        return address -> {
            String lower = address.toLowerCase(Locale.ROOT);
            int at = lower.lastIndexOf('@');
            return accepted.contains(lower) || (at >= 0 && accepted.contains(lower.substring(at)));
        };
    }

    /**
     * Listens; the future holds the actual port (port 0 = any free one). A certificate that does not load (a bad or
     * encrypted key, one that is not the certificate's) fails the start, rather than every STARTTLS later. It is read
     * once: a renewed certificate takes a restart.
     */
    public Future<Integer> start() {
        if (tls != null) {
            return vertx.executeBlocking(() -> tls.getKeyCertOptions().getKeyManagerFactory(vertx))
                    .recover(e -> Future.failedFuture(new IllegalStateException(
                            "the SMTP TLS certificate or key does not load: " + e.getMessage(), e)))
                    .compose(keys -> listen());
        }
        return listen();
    }

    private Future<Integer> listen() {
        server = vertx.createNetServer(new NetServerOptions().setPort(port).setIdleTimeout(300));
        server.connectHandler(socket -> new SmtpConnection(socket, hostname, maxMessageBytes, accepts, tls, tlsRequired,
                delivery).start());
        return server.listen().map(NetServer::actualPort);
    }

    public Future<Void> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
