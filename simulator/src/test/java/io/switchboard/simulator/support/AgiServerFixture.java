package io.switchboard.simulator.support;

import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.AgiServerThread;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.fastagi.command.AbstractAgiCommand;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Asterisk-Java's own FastAGI server on a free port, running a test's AgiScript: the kind of server
 * Switchboard runs, so the simulator's FastAGI client is checked against a real implementation.
 */
public final class AgiServerFixture implements AutoCloseable {

    /** An AGI command sent exactly as written (Asterisk-Java's typed commands add their own quoting). */
    public static final class Raw extends AbstractAgiCommand {
        private static final long serialVersionUID = 1L;
        private final String line;

        public Raw(String line) {
            this.line = line;
        }

        @Override
        public String buildCommand() {
            return line;
        }
    }

    private final DefaultAgiServer server;
    private final AgiServerThread thread;
    private final int port;
    private final List<AgiRequest> requests = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    public AgiServerFixture(AgiScript script) throws IOException, InterruptedException {
        this.port = freePort();
        AgiScript recording = (AgiRequest request, AgiChannel channel) -> {
            if (request.getChannel() == null) {
                return; // our own readiness probe, not a call
            }
            requests.add(request);
            try {
                script.service(request, channel);
            } catch (Exception | Error e) {
                failures.add(e);
                throw e;
            }
        };
        server = new DefaultAgiServer(recording);
        server.setPort(port);
        thread = new AgiServerThread(server);
        thread.setDaemon(true);
        thread.startup();
        awaitListening();
    }

    public int port() {
        return port;
    }

    public List<AgiRequest> requests() {
        return List.copyOf(requests);
    }

    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Polls until the server accepts connections (it binds on its own thread). */
    private void awaitListening() throws InterruptedException, IOException {
        long deadline = System.currentTimeMillis() + 5000;
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("FastAGI server did not start on port " + port, e);
                }
                Thread.sleep(10);
            }
        }
    }

    @Override
    public void close() {
        try {
            thread.shutdown();
        } catch (RuntimeException e) {
            // already stopped
        }
    }
}
