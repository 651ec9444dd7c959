package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server nodes on one Redis route 10,000 chats at once to 40 agents (capacity 3 each) whose
 * desktops are connected to either node; no interaction is ever assigned twice, no agent ever holds
 * more than its capacity, and every interaction ends completed.
 */
@ExtendWith(TestRedis.class)
class TwoNodesConcurrencyIT {
    private static final int INTERACTIONS = 10_000;
    private static final int AGENTS = 40;
    private static final int CAPACITY = 3;
    private static final java.util.concurrent.Executor WORK_TIME =
            CompletableFuture.delayedExecutor(20, java.util.concurrent.TimeUnit.MILLISECONDS);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Map<String, Set<String>> assignedTo = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> holding = new ConcurrentHashMap<>();
    private final AtomicInteger maxHeld = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

    @Test
    void noDoubleAssignmentAcrossNodes(TestRedis redis, @TempDir Path temp) {
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        try (TestNode a = TestNode.on(redis, prefix).rules(rules).start();
             TestNode b = TestNode.on(redis, prefix).rules(rules).start()) {
            List<AgentSocket> sockets = new ArrayList<>();
            for (int i = 0; i < AGENTS; i++) {
                String id = "agent" + i;
                TestNode home = i % 2 == 0 ? a : b;
                Api agent = Agents.create(home.api(), id, new JsonObject().put("support", 5),
                        new JsonObject().put("chat", CAPACITY));
                holding.put(id, new AtomicInteger());
                AgentSocket socket = agent.events(id);
                socket.onMessage(m -> handle(agent, id, m));
                sockets.add(socket);
                Agents.available(agent, id);
            }

            Semaphore inFlight = new Semaphore(64);
            List<CompletableFuture<?>> posts = new ArrayList<>();
            for (int i = 0; i < INTERACTIONS; i++) {
                Api node = (i % 2 == 0 ? a : b).api();
                inFlight.acquireUninterruptibly();
                posts.add(send(node, "/api/v1/interactions", new JsonObject().put("channel", "chat"))
                        .whenComplete((r, e) -> {
                            inFlight.release();
                            if (e != null || r.statusCode() != 201) {
                                failures.add("create: " + (e != null ? e : r.body()));
                            }
                        }));
            }
            CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new)).join();
            Await.until("all interactions completed", Duration.ofSeconds(120), () -> completed.get() >= INTERACTIONS
                    || !failures.isEmpty());
            sockets.forEach(AgentSocket::close);

            assertEquals(List.of(), failures);
            assertEquals(INTERACTIONS, assignedTo.size());
            assignedTo.forEach((interaction, agents) -> assertEquals(1, agents.size(),
                    interaction + " was assigned to " + agents));
            assertTrue(maxHeld.get() <= CAPACITY, "an agent held " + maxHeld.get() + " chats at once");
            assertTrue(maxHeld.get() > 1, "agents did work several chats at once");
            for (int i = 0; i < AGENTS; i++) {
                JsonObject agent = a.api().get("/api/v1/agents/agent" + i).json();
                assertEquals(0, agent.getJsonObject("load").getInteger("chat"), agent.encode());
            }
            assertEquals(0, b.api().get("/api/v1/queues/support/stats").json().getLong("waiting"));
        }
    }

    private void handle(Api agent, String id, JsonObject message) {
        switch (message.getString("type")) {
            case "offer" -> send(agent, "/api/v1/reservations/" + message.getString("reservation") + "/accept", new JsonObject())
                    .whenComplete((r, e) -> {
                        if (e != null || r.statusCode() != 200) {
                            failures.add(id + " accept: " + (e != null ? e : r.statusCode() + " " + r.body()));
                        }
                    });
            case "assigned" -> {
                String interaction = message.getString("interaction");
                assignedTo.computeIfAbsent(interaction, k -> ConcurrentHashMap.newKeySet()).add(id);
                int held = holding.get(id).incrementAndGet();
                maxHeld.accumulateAndGet(held, Math::max);
                // the agent works the chat a little (so chats overlap), then releases it before the request
                // leaves: the server cannot free the capacity earlier, so this count never exceeds what the
                // server holds, and a fourth chat would show
                CompletableFuture.runAsync(() -> holding.get(id).decrementAndGet(), WORK_TIME)
                        .thenCompose(v -> send(agent, "/api/v1/interactions/" + interaction + "/complete",
                                new JsonObject().put("disposition", "resolved")))
                        .whenComplete((r, e) -> {
                            if (e != null || r.statusCode() != 200) {
                                failures.add(id + " complete: " + (e != null ? e : r.body()));
                            } else {
                                completed.incrementAndGet();
                            }
                        });
            }
            default -> { }
        }
    }

    private static CompletableFuture<HttpResponse<String>> send(Api api, String path, JsonObject body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.base() + path))
                .header("Authorization", "Bearer " + api.token())
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }
}
