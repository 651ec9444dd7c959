package io.switchboard.simulator.traffic;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Web chats and emails toward a Switchboard node through its real entry points: the customer chat
 * WebSocket ({@code /chat}, the widget's frames) and the SMTP listener (a plain SMTP conversation).
 * Arrivals are Poisson; each contact runs on its own virtual thread, so a blocking socket costs nothing.
 * A chat customer fills the pre-chat form, waits (patience exponential), writes a few lines once an
 * agent joins, leaves and rates the chat; a customer who runs out of patience leaves unanswered.
 */
public final class ContactTraffic implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContactTraffic.class);
    private static final List<String> SUBJECTS = List.of("Invoice question", "Delivery is late", "Cannot log in",
            "Change my plan", "Refund request");
    private static final List<String> TOPICS = List.of("support", "billing", "sales");

    private final String host;
    private final int httpPort;
    private final int smtpPort;
    private final Random random;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger chats = new AtomicInteger();
    private final AtomicInteger emails = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();

    private ContactTraffic(String host, int httpPort, int smtpPort, long seed) {
        this.host = host;
        this.httpPort = httpPort;
        this.smtpPort = smtpPort;
        this.random = new Random(seed);
    }

    /** Starts arrivals; a rate of 0 turns that channel off. Patience is the mean wait before a chat is left. */
    public static ContactTraffic start(String host, int httpPort, int smtpPort, double chatsPerMinute,
                                       double emailsPerMinute, Duration patience, long seed) {
        ContactTraffic traffic = new ContactTraffic(host, httpPort, smtpPort, seed);
        if (chatsPerMinute > 0) {
            traffic.arrivals(chatsPerMinute, () -> traffic.chat(patience));
        }
        if (emailsPerMinute > 0 && smtpPort > 0) {
            traffic.arrivals(emailsPerMinute, traffic::email);
        }
        return traffic;
    }

    /** Chats started so far. */
    public int chatsStarted() {
        return chats.get();
    }

    /** Emails the SMTP listener accepted so far. */
    public int emailsSent() {
        return emails.get();
    }

    private void arrivals(double perMinute, Runnable contact) {
        Thread.ofVirtual().name("contact-arrivals").start(() -> {
            while (running.get()) {
                sleep(Duration.ofMillis((long) (-Math.log(1 - nextDouble()) * 60_000 / perMinute)));
                if (running.get()) {
                    Thread.ofVirtual().start(() -> {
                        try {
                            contact.run();
                        } catch (RuntimeException e) {
                            LOG.debug("simulated contact ended early: {}", e.getMessage());
                        }
                    });
                }
            }
        });
    }

    private void chat(Duration patience) {
        int n = chats.incrementAndGet();
        Frames frames = new Frames();
        WebSocket socket = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://" + host + ":" + httpPort + "/chat"), frames).join();
        try {
            send(socket, new JsonObject().put("type", "start").put("name", "Web Customer " + n)
                    .put("email", "web" + n + "@customers.example").put("topic", TOPICS.get(n % TOPICS.size()))
                    .put("language", "en"));
            long waitMs = (long) (-Math.log(1 - nextDouble()) * patience.toMillis());
            if (frames.await("agent_joined", waitMs) == null) {
                send(socket, new JsonObject().put("type", "leave")); // gave up before an agent came
                return;
            }
            for (int i = 1; i <= 3 && running.get(); i++) {
                send(socket, new JsonObject().put("type", "message").put("text", "Question " + i + " from customer " + n));
                frames.await("chat_message", 20_000);
            }
            send(socket, new JsonObject().put("type", "leave"));
            frames.await("ended", 5_000);
            send(socket, new JsonObject().put("type", "rating").put("score", 3 + (n % 3)));
            frames.await("rated", 5_000);
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    private void email() {
        int n = emails.get() + 1;
        String message = "From: Mail Customer " + n + " <mail" + n + "@customers.example>\r\n"
                + "To: support@example.com\r\nSubject: " + SUBJECTS.get(n % SUBJECTS.size()) + "\r\n"
                + "Message-ID: <sim-" + System.nanoTime() + "@customers.example>\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\nHello, please help with my account " + n + ".\r\n";
        try (Socket socket = new Socket(host, smtpPort)) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            expect(in, "220");
            command(out, in, "EHLO simulator.example", "250");
            command(out, in, "MAIL FROM:<mail" + n + "@customers.example>", "250");
            command(out, in, "RCPT TO:<support@example.com>", "250");
            command(out, in, "DATA", "354");
            command(out, in, message + ".", "250");
            command(out, in, "QUIT", "221");
            emails.incrementAndGet();
        } catch (IOException e) {
            LOG.debug("simulated email not delivered: {}", e.getMessage());
        }
    }

    private static void command(OutputStream out, BufferedReader in, String line, String expected) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        expect(in, expected);
    }

    /** Reads one reply (multi-line replies end with "code "), and checks its code. */
    private static void expect(BufferedReader in, String code) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed, expected " + code);
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(code)) {
            throw new IOException("expected " + code + ", got: " + line);
        }
    }

    private static void send(WebSocket socket, JsonObject frame) {
        socket.sendText(frame.encode(), true).join();
    }

    private synchronized double nextDouble() {
        return random.nextDouble();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
    }

    /** The frames a chat customer receives, whole, in order. */
    private static final class Frames implements WebSocket.Listener {
        private final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(new JsonObject(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        /** The next frame of this type within the time, skipping others; null if none came. */
        JsonObject await(String type, long millis) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            try {
                for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
                    JsonObject frame = received.poll(left, TimeUnit.MILLISECONDS);
                    if (frame != null && type.equals(frame.getString("type"))) {
                        return frame;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }
}
