package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The load generator's side of a benchmark: the server's HTTP API and WebSockets, and agent desktops (created,
 * logged in, on their event socket, available), against whichever server {@link #target} names.
 */
final class BenchClient {
    static final String PIN = "1234";

    /** An agent's desktop: its token and its event socket. */
    record Agent(String id, String token, WebSocket socket) {
    }

    final Vertx vertx = Vertx.vertx();
    private final HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(64));
    private final WebSocketClient ws;
    private volatile int port;

    BenchClient(int maxWebSockets) {
        ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(maxWebSockets));
    }

    void target(int serverPort) {
        port = serverPort;
    }

    Future<JsonObject> post(String path, String token, JsonObject body) {
        return call(HttpMethod.POST, path, token, body);
    }

    /** One JSON call; a status of 300 or more, or a reply that is not a JSON object, fails naming the call. */
    Future<JsonObject> call(HttpMethod method, String path, String token, JsonObject body) {
        return http.request(method, port, "127.0.0.1", path).compose(request -> {
            if (token != null) {
                request.putHeader("Authorization", "Bearer " + token);
            }
            return request.send(Buffer.buffer(body.encode()));
        }).compose(response -> response.body().map(buffer -> {
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + buffer);
            }
            try {
                return buffer.length() == 0 ? new JsonObject() : buffer.toJsonObject();
            } catch (RuntimeException e) {
                throw new IllegalStateException(method + " " + path + " -> not a JSON object: " + buffer, e);
            }
        }));
    }

    Future<WebSocket> webSocket(String uri) {
        return ws.connect(new WebSocketConnectOptions().setPort(port).setHost("127.0.0.1").setURI(uri));
    }

    /**
     * Agents agent0..agent{count-1} with this profile (skills, capacity), each available with its socket's
     * events going to {@code onEvent}; created 100 at a time.
     */
    List<Agent> agents(int count, JsonObject profile, BiConsumer<Agent, JsonObject> onEvent) throws Exception {
        List<Future<Agent>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(agent("agent" + i, profile, onEvent));
            if (all.size() % 50 == 0) { // under the 100 logins in flight one address may have (README "Auth")
                Future.all(all).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
        Future.all(all).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        return all.stream().map(Future::result).toList();
    }

    private Future<Agent> agent(String id, JsonObject profile, BiConsumer<Agent, JsonObject> onEvent) {
        return call(HttpMethod.PUT, "/api/v1/agents/" + id, BenchNode.ADMIN, profile.copy().put("pin", PIN))
                .compose(v -> post("/api/v1/auth/agent", null, new JsonObject().put("agentId", id).put("pin", PIN)))
                .compose(login -> {
                    String token = login.getString("token");
                    return webSocket("/api/v1/agents/" + id + "/events?access_token=" + token).map(socket -> {
                        Agent agent = new Agent(id, token, socket);
                        socket.textMessageHandler(text -> onEvent.accept(agent, new JsonObject(text)));
                        return agent;
                    });
                })
                .compose(agent -> post("/api/v1/agents/" + id + "/state", agent.token(),
                        new JsonObject().put("state", "available")).map(agent));
    }

    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
