package io.switchboard.voice.agi;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.fastagi.SimpleMappingStrategy;
import org.asteriskjava.util.ServerSocketFacade;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FastAGI server Asterisk's dialplan calls ({@code AGI(agi://host:4573/inbound)}), on Asterisk-Java.
 * Each AGI session runs on its own virtual thread: IVR scripts block on the caller's key presses, and
 * thousands of calls in the IVR cost no platform threads.
 */
public final class AgiGateway extends DefaultAgiServer {
    private static final Logger LOG = LoggerFactory.getLogger(AgiGateway.class);

    private final AtomicLong sessions = new AtomicLong();
    private final CountDownLatch bound = new CountDownLatch(1);
    private volatile Exception failure;
    private final Thread acceptor;

    public AgiGateway(int port, Map<String, AgiScript> scripts) throws IOException {
        super(mapping(scripts));
        setPort(port == 0 ? freePort() : port);
        this.acceptor = Thread.ofPlatform().daemon().name("agi-acceptor").unstarted(() -> {
            try {
                startup();
            } catch (IOException | IllegalStateException e) {
                failure = e;
                bound.countDown();
                LOG.error("FastAGI server stopped: {}", e.getMessage());
            }
        });
    }

    /**
     * A mutable copy: the strategy looks the request's script up with get(), and a request without one (a connection
     * that is no AGI, or no agi_network_script) asks for null, which Map.of answers with a NullPointerException logged
     * as an ERROR with its stack for every such connection; a HashMap answers "no script", logged in one line.
     */
    private static SimpleMappingStrategy mapping(Map<String, AgiScript> scripts) {
        SimpleMappingStrategy strategy = new SimpleMappingStrategy();
        strategy.setMappings(new java.util.HashMap<>(scripts));
        return strategy;
    }

    /** Asterisk-Java takes a fixed port; for "any free port" one is picked first. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Binds and accepts in the background; returns the port once it is bound. Blocking: call off the event loop. */
    public int start() throws InterruptedException {
        acceptor.start();
        if (!bound.await(10, TimeUnit.SECONDS) || failure != null) {
            throw new IllegalStateException("FastAGI server cannot listen on port " + getPort()
                    + (failure == null ? "" : ": " + failure.getMessage()));
        }
        return getPort();
    }

    @Override
    protected ServerSocketFacade createServerSocket() throws IOException {
        ServerSocketFacade socket = super.createServerSocket();
        bound.countDown();
        return socket;
    }

    @Override
    protected void execute(Runnable session) {
        Thread.ofVirtual().name("agi-session-" + sessions.incrementAndGet()).start(session);
    }

    public void stop() {
        try {
            shutdown();
        } catch (IllegalStateException e) {
            LOG.debug("FastAGI server was not running");
        }
    }
}
