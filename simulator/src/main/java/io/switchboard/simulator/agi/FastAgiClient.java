package io.switchboard.simulator.agi;

import io.switchboard.simulator.pbx.AgiLauncher;
import io.switchboard.simulator.pbx.Channel;
import io.switchboard.simulator.pbx.Pbx;
import io.switchboard.simulator.wire.LineFramer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Asterisk's FastAGI client: for AGI(agi://host:port/script) it connects to the FastAGI server (the CTI
 * server's IVR) and runs an {@link AgiSession} over the socket. Must be used from the engine context so
 * that socket callbacks run there too.
 */
public final class FastAgiClient implements AgiLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(FastAgiClient.class);

    /** res_agi's AGI_BUF_LEN: longer command lines are cut. */
    private static final int MAX_COMMAND_BYTES = 2048;
    private static final int DEFAULT_PORT = 4573;
    /** Transcripts kept for inspection; older ones are forgotten so long runs stay small. */
    private static final int MAX_TRANSCRIPTS = 1000;

    private final NetClient client;
    private volatile boolean closed;
    private final List<AgiTranscript> transcripts = new CopyOnWriteArrayList<>();
    private final List<NetSocket> open = new CopyOnWriteArrayList<>();
    private final List<Consumer<AgiTranscript>> sessionListeners = new CopyOnWriteArrayList<>();

    public FastAgiClient(Vertx vertx, Duration connectTimeout) {
        this.client = vertx.createNetClient(new NetClientOptions()
            .setConnectTimeout((int) connectTimeout.toMillis())
            .setTcpNoDelay(true));
    }

    /** The transcripts of the latest sessions (up to 1000), oldest first. */
    public List<AgiTranscript> transcripts() {
        return List.copyOf(transcripts);
    }

    /** Called (on the engine thread) when a session starts. */
    public void onSession(Consumer<AgiTranscript> listener) {
        sessionListeners.add(listener);
    }

    @Override
    public AgiRun launch(Pbx pbx, Channel channel, String url, List<String> args, Consumer<String> onDone) {
        String host;
        int port;
        String script;
        try {
            URI uri = URI.create(url);
            host = uri.getHost();
            port = uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT;
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            script = (path.startsWith("/") ? path.substring(1) : path) + query;
        } catch (IllegalArgumentException e) {
            LOG.warn("Unable to parse AGI URL '{}'", url);
            onDone.accept("FAILURE");
            return new AgiRun() {
                @Override
                public void channelHungUp() {
                }

                @Override
                public void channelRedirected() {
                }
            };
        }
        AgiSession session = new AgiSession(pbx, channel, url, script, new ArrayList<>(args), onDone);
        transcripts.add(session.transcript());
        while (transcripts.size() > MAX_TRANSCRIPTS) {
            transcripts.remove(0);
        }
        sessionListeners.forEach(l -> l.accept(session.transcript()));
        if (closed) {
            // closing the open sessions ends their calls' AGI steps, and a dialplan may go on to another AGI
            session.connectFailed("the simulator is stopping");
            return session;
        }
        client.connect(port, host).onComplete(ar -> {
            if (ar.failed()) {
                session.connectFailed(ar.cause().getMessage());
                return;
            }
            attach(session, ar.result());
        });
        return session;
    }

    private void attach(AgiSession session, NetSocket socket) {
        open.add(socket);
        LineFramer framer = new LineFramer(MAX_COMMAND_BYTES, new LineFramer.Listener() {
            @Override
            public void onLine(String line) {
                session.onLine(line);
            }

            @Override
            public void onLineTooLong() {
                session.onLineTooLong();
            }
        });
        socket.handler(framer::feed);
        socket.closeHandler(v -> {
            open.remove(socket);
            session.onClosed();
        });
        socket.exceptionHandler(e -> LOG.debug("FastAGI socket error: {}", e.toString()));
        session.connected(new AgiTransport() {
            @Override
            public void send(String line) {
                socket.write(Buffer.buffer((line + "\n").getBytes(StandardCharsets.UTF_8)));
            }

            @Override
            public void close() {
                socket.close();
            }
        });
    }

    /** Closes every open FastAGI connection (simulator shutdown). */
    public void closeAll() {
        closed = true;
        for (NetSocket s : open) {
            s.close();
        }
        client.close();
    }
}
