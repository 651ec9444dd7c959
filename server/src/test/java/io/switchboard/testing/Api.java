package io.switchboard.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A plain HTTP/WebSocket client (the JDK's) speaking to a node the way any integrator would. */
public final class Api {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String token;

    public Api(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public Api as(String otherToken) {
        return new Api(base, otherToken);
    }

    public String token() {
        return token;
    }

    public String base() {
        return base;
    }

    public Reply get(String path) {
        return send(request(path).GET());
    }

    public Reply post(String path, Object body) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(String.valueOf(body))));
    }

    public Reply put(String path, Object body) {
        return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(String.valueOf(body))));
    }

    public Reply patch(String path, Object body) {
        return send(request(path).method("PATCH", HttpRequest.BodyPublishers.ofString(String.valueOf(body))));
    }

    public Reply delete(String path) {
        return send(request(path).DELETE());
    }

    /** A POST with another body type (text/csv, ...). */
    public Reply post(String path, String contentType, String body) {
        return send(request(path).setHeader("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply postRaw(String path, String body) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private static Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens the agent's event WebSocket with this client's token. */
    public AgentSocket events(String agentId) {
        AgentSocket socket = new AgentSocket();
        String wsBase = base.replaceFirst("^http", "ws");
        try {
            WebSocket ws = CLIENT.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create(wsBase + "/api/v1/agents/" + agentId + "/events"), socket)
                    .get(10, TimeUnit.SECONDS);
            socket.attach(ws);
            socket.await("hello");
            return socket;
        } catch (Exception e) {
            throw new IllegalStateException("cannot open agent events for " + agentId, e);
        }
    }

    /** Opens the supervisors' SLA event WebSocket with this client's token. */
    public AgentSocket supervisorEvents() {
        AgentSocket socket = new AgentSocket();
        String wsBase = base.replaceFirst("^http", "ws");
        try {
            WebSocket ws = CLIENT.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .buildAsync(URI.create(wsBase + "/api/v1/supervisor/events"), socket)
                    .get(10, TimeUnit.SECONDS);
            socket.attach(ws);
            socket.await("hello");
            return socket;
        } catch (Exception e) {
            throw new IllegalStateException("cannot open supervisor events", e);
        }
    }

    /** Opens the customers' chat WebSocket (no token), as the widget does. */
    public AgentSocket chat() {
        AgentSocket socket = new AgentSocket();
        try {
            WebSocket ws = CLIENT.newWebSocketBuilder()
                    .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/chat"), socket)
                    .get(10, TimeUnit.SECONDS);
            socket.attach(ws);
            return socket;
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the chat socket", e);
        }
    }

    public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        /** A response header's first value, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public JsonObject json() {
            return new JsonObject(body);
        }

        public JsonArray array() {
            return new JsonArray(body);
        }

        public Reply expect(int expected) {
            if (status != expected) {
                throw new AssertionError("expected HTTP " + expected + " but got " + status + ": " + body);
            }
            return this;
        }
    }
}
