package io.switchboard.demo;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo floor's agents at their desktops, for the simulated chats and emails: each logs in over the
 * API, listens on its agent WebSocket like the real desktop, accepts chat and email offers after a few
 * seconds, greets the chat customer, and completes the contact a little later. Calls are left to the
 * agents' simulated phones. Blocking HTTP on virtual threads: this is a client, not the server.
 */
final class DemoDesk implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoDesk.class);
    private static final Duration ANSWER_AFTER = Duration.ofSeconds(3);
    private static final Duration CHAT_HANDLING = Duration.ofSeconds(45);
    private static final Duration EMAIL_HANDLING = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final List<WebSocket> sockets = new ArrayList<>();

    private DemoDesk(int httpPort) {
        this.base = "http://127.0.0.1:" + httpPort;
    }

    static DemoDesk open(int httpPort, List<String> agentIds, String pin) {
        DemoDesk desk = new DemoDesk(httpPort);
        for (String agentId : agentIds) {
            String token = desk.post("/api/v1/auth/agent", null, new JsonObject().put("agentId", agentId).put("pin", pin))
                    .getString("token");
            desk.sockets.add(desk.http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/api/v1/agents/" + agentId + "/events"),
                            desk.new Agent(token)).join());
        }
        return desk;
    }

    /** One agent's desktop: its offers, one contact at a time per offer, on virtual threads. */
    private final class Agent implements WebSocket.Listener {
        private final String token;
        private final StringBuilder partial = new StringBuilder();

        Agent(String token) {
            this.token = token;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject event = new JsonObject(partial.toString());
                partial.setLength(0);
                String channel = event.getString("channel", "");
                if ("offer".equals(event.getString("type")) && ("chat".equals(channel) || "email".equals(channel))) {
                    Thread.ofVirtual().start(() -> work(event, channel));
                }
            }
            socket.request(1);
            return null;
        }

        private void work(JsonObject offer, String channel) {
            try {
                String id = offer.getString("interaction");
                Thread.sleep(ANSWER_AFTER);
                post("/api/v1/reservations/" + offer.getString("reservation") + "/accept", token, new JsonObject());
                if ("chat".equals(channel)) {
                    post("/api/v1/interactions/" + id + "/messages", token,
                            new JsonObject().put("text", "Hello, thanks for waiting. How can I help?"));
                }
                Thread.sleep("chat".equals(channel) ? CHAT_HANDLING : EMAIL_HANDLING);
                post("/api/v1/interactions/" + id + "/complete", token, new JsonObject().put("disposition", "resolved"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("demo desk: {}", e.getMessage()); // the offer went elsewhere, or the customer left
            }
        }
    }

    private JsonObject post(String path, String token, JsonObject body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
            }
            return new JsonObject(response.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(path + ": interrupted", e);
        }
    }

    @Override
    public void close() {
        sockets.forEach(s -> s.sendClose(WebSocket.NORMAL_CLOSURE, "demo over"));
    }
}
