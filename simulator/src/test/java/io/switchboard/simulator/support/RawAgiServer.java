package io.switchboard.simulator.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal FastAGI server speaking the raw protocol, for tests that must control every byte (the
 * capture's script sent plain command lines and closed the connection afterwards).
 */
public final class RawAgiServer implements AutoCloseable {

    /** One connection from Asterisk, as the script sees it. */
    public static final class Session {
        private final BufferedReader in;
        private final OutputStream out;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> environmentLines = new ArrayList<>();

        Session(Socket socket) throws IOException {
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = socket.getOutputStream();
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                environmentLines.add(line);
                int colon = line.indexOf(':');
                environment.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }

        public Map<String, String> environment() {
            return environment;
        }

        public List<String> environmentLines() {
            return environmentLines;
        }

        /** Sends a command and returns the reply (several lines joined by \n for a 520 usage reply). */
        public String send(String command) throws IOException {
            out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readReply();
        }

        /** Reads one reply (or an unsolicited HANGUP line). */
        public String readReply() throws IOException {
            String line = in.readLine();
            if (line == null) {
                return null;
            }
            if (line.startsWith("520-")) {
                StringBuilder sb = new StringBuilder(line);
                String more;
                while ((more = in.readLine()) != null) {
                    sb.append('\n').append(more);
                    if (more.startsWith("520 ")) {
                        break;
                    }
                }
                return sb.toString();
            }
            return line;
        }
    }

    /** What a test does with a session. */
    @FunctionalInterface
    public interface Script {
        void run(Session session) throws Exception;
    }

    private final ServerSocket server;
    private final Script script;
    private final Thread acceptor;
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<Session> sessions = new CopyOnWriteArrayList<>();

    public RawAgiServer(Script script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        this.acceptor = new Thread(this::acceptLoop, "raw-agi-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public List<Throwable> failures() {
        return List.copyOf(failures);
    }

    public List<Session> sessions() {
        return List.copyOf(sessions);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "raw-agi-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            Session session = new Session(socket);
            sessions.add(session);
            script.run(session);
        } catch (Exception | Error e) {
            failures.add(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
