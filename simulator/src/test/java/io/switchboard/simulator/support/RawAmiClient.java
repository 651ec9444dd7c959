package io.switchboard.simulator.support;

import io.switchboard.simulator.event.Header;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A deliberately plain AMI client over a socket: writes bytes as given, reads frames as they arrive.
 * Lets tests see the exact wire format and send malformed input.
 */
public final class RawAmiClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final String banner;
    private final List<List<Header>> frames = new ArrayList<>();
    private final Thread reader;
    private volatile boolean eof;

    public RawAmiClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        banner = readLine(in);
        reader = new Thread(() -> readLoop(in), "raw-ami-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public String banner() {
        return banner;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                break;
            }
            buf.write(b);
        }
        if (b < 0 && buf.size() == 0) {
            return null;
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private void readLoop(InputStream in) {
        List<Header> frame = new ArrayList<>();
        try {
            String line;
            while ((line = readLine(in)) != null) {
                if (line.isEmpty()) {
                    if (!frame.isEmpty()) {
                        synchronized (this) {
                            frames.add(frame);
                            notifyAll();
                        }
                        frame = new ArrayList<>();
                    }
                    continue;
                }
                int colon = line.indexOf(':');
                frame.add(colon < 0 ? new Header(line, "") : new Header(line.substring(0, colon), line.substring(colon + 1).stripLeading()));
            }
        } catch (IOException e) {
            // connection closed
        } finally {
            synchronized (this) {
                eof = true;
                notifyAll();
            }
        }
    }

    /** Sends raw bytes. */
    public void sendRaw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends an action given as alternating header names and values. */
    public void send(String... headerValuePairs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < headerValuePairs.length; i += 2) {
            sb.append(headerValuePairs[i]).append(": ").append(headerValuePairs[i + 1]).append("\r\n");
        }
        sb.append("\r\n");
        sendRaw(sb.toString());
    }

    public void login(String actionId) throws IOException, TimeoutException, InterruptedException {
        send("Action", "Login", "ActionID", actionId, "Username", "cti", "Secret", "ctisecret");
        awaitFrame(f -> actionId.equals(value(f, "ActionID")), Duration.ofSeconds(5));
    }

    public synchronized List<List<Header>> frames() {
        return List.copyOf(frames);
    }

    /** Waits for the first frame (from the start of the connection) matching {@code filter}. */
    public synchronized List<Header> awaitFrame(Predicate<List<Header>> filter, Duration timeout)
        throws TimeoutException, InterruptedException {
        return awaitFrames(filter, 1, timeout).get(0);
    }

    public synchronized List<List<Header>> awaitFrames(Predicate<List<Header>> filter, int count, Duration timeout)
        throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<List<Header>> found = frames.stream().filter(filter).limit(count).toList();
            if (found.size() >= count) {
                return found;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || eof) {
                throw new TimeoutException((eof ? "connection closed" : "timed out") + " waiting for " + count
                    + " frame(s); got " + frames.size() + " frames: " + (frames.isEmpty() ? "" : frames.get(frames.size() - 1)));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Waits until the server closed the connection. */
    public synchronized boolean awaitClosed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!eof) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    public boolean isClosed() {
        return eof;
    }

    public static String value(List<Header> frame, String name) {
        for (Header h : frame) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    public static Predicate<List<Header>> event(String name, String... headerValuePairs) {
        return f -> {
            if (!name.equals(value(f, "Event"))) {
                return false;
            }
            for (int i = 0; i < headerValuePairs.length; i += 2) {
                if (!headerValuePairs[i + 1].equals(value(f, headerValuePairs[i]))) {
                    return false;
                }
            }
            return true;
        };
    }

    public static Predicate<List<Header>> response(String actionId) {
        return f -> value(f, "Response") != null && actionId.equals(value(f, "ActionID"));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
