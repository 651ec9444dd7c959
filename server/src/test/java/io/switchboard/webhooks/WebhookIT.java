package io.switchboard.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Repo;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A real HTTP receiver that fails every first attempt: events arrive signed, retried, once each. */
@ExtendWith(TestRedis.class)
class WebhookIT {
    private static final String SECRET = "webhook-secret-0123456789";

    private final Vertx vertx = Vertx.vertx();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final List<JsonObject> accepted = new CopyOnWriteArrayList<>();
    private final List<String> badSignatures = new CopyOnWriteArrayList<>();
    private HttpServer receiver;
    /** The receiver refuses everything (an outage). */
    private volatile boolean down;
    /** The receiver refuses each delivery's first attempt (to see it retried). */
    private volatile boolean refuseFirst = true;
    /** How long the receiver takes to answer. */
    private volatile long answerMillis;

    @BeforeEach
    void receiver() throws Exception {
        receiver = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            if (down) {
                request.response().setStatusCode(503).end();
                return;
            }
            String delivery = request.getHeader("X-Switchboard-Delivery");
            String expected = "sha256=" + hmac(request.getHeader("X-Switchboard-Timestamp") + "." + body);
            if (!expected.equals(request.getHeader("X-Switchboard-Signature"))) {
                badSignatures.add(delivery);
            }
            if (attempts.computeIfAbsent(delivery, d -> new AtomicInteger()).incrementAndGet() == 1 && refuseFirst) {
                request.response().setStatusCode(503).end();
                return;
            }
            accepted.add(body.toJsonObject().put("delivery", delivery)
                    .put("header", request.getHeader("X-Switchboard-Event")));
            if (answerMillis > 0) {
                vertx.setTimer(answerMillis, t -> request.response().setStatusCode(204).end());
            } else {
                request.response().setStatusCode(204).end();
            }
        })).listen(0).toCompletionStage().toCompletableFuture().get();
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    @Test
    void everyEventIsDeliveredSignedAndOnceAcrossTwoNodes(TestRedis redis, @TempDir Path temp) throws IOException {
        Path config = configFolder(temp, """
                  retryBaseMillis: 50
                  timeoutMillis: 5000
                """);
        String prefix = redis.newPrefix();
        Path rules = Repo.root().resolve("routing-rules");
        try (TestNode a = TestNode.on(redis, prefix).rules(rules).env("SWITCHBOARD_CONFIG_DIR", config.toString()).start();
             TestNode b = TestNode.on(redis, prefix).rules(rules).env("SWITCHBOARD_CONFIG_DIR", config.toString()).start()) {
            Api sam = Agents.create(a.api(), "sam", new JsonObject().put("support", 9));
            Agents.available(sam, "sam");
            String id = b.api().post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201)
                    .json().getString("id");
            String rsv = a.api().get("/api/v1/interactions/" + id).json().getString("reservationId");
            sam.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
            sam.post("/api/v1/interactions/" + id + "/complete", "{}").expect(200);

            // every delivery fails once and is retried, so they may land in any order: wait for all four
            Await.until("the interaction's events delivered", Duration.ofSeconds(15), () -> accepted.stream()
                    .filter(e -> id.equals(e.getString("interaction"))).map(e -> e.getString("type"))
                    .collect(java.util.stream.Collectors.toSet())
                    .containsAll(Set.of("queued", "offer", "assigned", "completed"))
                    && accepted.stream().anyMatch(e -> "state_changed".equals(e.getString("type"))));
            // deliveries may arrive out of order (retries, parallel posts); the delivery id is the stream
            // id, which orders them as they happened
            List<String> types = accepted.stream().filter(e -> id.equals(e.getString("interaction")))
                    .sorted(java.util.Comparator.comparing((JsonObject e) -> streamOrder(e.getString("delivery"))))
                    .map(e -> e.getString("type")).toList();
            assertEquals(List.of("queued", "offer", "assigned", "completed"), types.stream()
                    .filter(t -> Set.of("queued", "offer", "assigned", "completed").contains(t)).toList());
            assertTrue(accepted.stream().anyMatch(e -> "state_changed".equals(e.getString("type"))));
            accepted.forEach(e -> assertEquals(e.getString("type"), e.getString("header")));
            assertEquals(List.of(), badSignatures);
            // at least once: a delivery seen twice (a stalled node's retry) carries the same id and body, which
            // is what a receiver dedupes on; it is never a different event under an old id
            Map<String, List<JsonObject>> byDelivery = accepted.stream()
                    .collect(java.util.stream.Collectors.groupingBy(e -> e.getString("delivery")));
            byDelivery.forEach((delivery, copies) -> assertEquals(1, copies.stream().distinct().count(),
                    delivery + " delivered with different bodies: " + copies));
            assertTrue(accepted.size() - byDelivery.size() <= 1, "duplicates are rare: " + accepted);
            attempts.forEach((delivery, n) -> assertTrue(n.get() <= 3, delivery + " attempted " + n));
            String scrape = a.api().get("/metrics").body() + b.api().get("/metrics").body();
            assertTrue(scrape.contains("switchboard_webhook_deliveries_total{outcome=\"failure\"}"), scrape);
        }
    }

    /**
     * A receiver down while 150 contacts arrive: every delivery waits to be retried, all of them counted as pending (a
     * scan of the oldest 100 alone showed 100 and retried nothing newer); back up, every one is delivered.
     */
    @Test
    void aReceiversOutageIsCaughtUpInFull(TestRedis redis, @TempDir Path temp) throws IOException {
        down = true;
        Path config = configFolder(temp, """
                  retryBaseMillis: 20
                  maxAttempts: 100
                  timeoutMillis: 2000
                """);
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Repo.root().resolve("routing-rules"))
                .env("SWITCHBOARD_CONFIG_DIR", config.toString()).start()) {
            Set<String> ids = new java.util.HashSet<>();
            for (int i = 0; i < 150; i++) {
                ids.add(node.api().post("/api/v1/interactions", new JsonObject().put("channel", "email")).expect(201)
                        .json().getString("id"));
            }
            Await.until("every delivery pending", Duration.ofSeconds(15),
                    () -> metric(node, "switchboard_webhook_pending") >= 150);
            down = false;
            Await.until("every contact's queued event delivered", Duration.ofSeconds(60), () -> accepted.stream()
                    .filter(e -> "queued".equals(e.getString("type"))).map(e -> e.getString("interaction"))
                    .collect(java.util.stream.Collectors.toSet()).containsAll(ids));
        }
    }

    /**
     * A slow receiver (a second an answer) gets a burst of 20 contacts' events at once: each is posted once and taken.
     * With a few connections per receiver, deliveries waited for one past the timeout, and the wait spent their attempts:
     * dropped after maxAttempts, some never posted at all.
     */
    @Test
    void aSlowReceiverTakesABurstWithNoAttemptSpentWaiting(TestRedis redis, @TempDir Path temp) throws IOException {
        refuseFirst = false;
        answerMillis = 1000;
        Path config = configFolder(temp, """
                  maxAttempts: 1
                  timeoutMillis: 2000
                """);
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Repo.root().resolve("routing-rules"))
                .env("SWITCHBOARD_CONFIG_DIR", config.toString()).start()) {
            Set<String> ids = new java.util.HashSet<>();
            for (int i = 0; i < 20; i++) {
                ids.add(node.api().post("/api/v1/interactions", new JsonObject().put("channel", "email")).expect(201)
                        .json().getString("id"));
            }
            Await.until("every contact's queued event taken", Duration.ofSeconds(20), () -> accepted.stream()
                    .filter(e -> "queued".equals(e.getString("type"))).map(e -> e.getString("interaction"))
                    .collect(java.util.stream.Collectors.toSet()).containsAll(ids));
            Await.until("every delivery acknowledged", Duration.ofSeconds(10),
                    () -> metric(node, "switchboard_webhook_pending") == 0);
            assertEquals(0.0, metric(node, "switchboard_webhook_deliveries_total{outcome=\"failure\"}"));
            assertEquals(0.0, metric(node, "switchboard_webhook_deliveries_total{outcome=\"dropped\"}"));
            assertTrue(attempts.values().stream().allMatch(n -> n.get() == 1), attempts.toString());
        }
    }

    /** A config folder whose webhooks go to this test's receiver, polled every 20 ms, with these retry settings. */
    private Path configFolder(Path temp, String retries) throws IOException {
        Path config = Files.createDirectories(temp.resolve("config"));
        Files.writeString(config.resolve("switchboard.yaml"), """
                webhooks:
                  urls: [http://127.0.0.1:%d/hook]
                  secret: %s
                  pollMillis: 20
                """.formatted(receiver.actualPort(), SECRET) + retries);
        return config;
    }

    private static double metric(TestNode node, String series) {
        return node.api().get("/metrics").body().lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
    }

    private static java.math.BigInteger streamOrder(String id) {
        String[] parts = id.split("-");
        return java.math.BigInteger.valueOf(Long.parseLong(parts[0])).shiftLeft(32).add(java.math.BigInteger.valueOf(Long.parseLong(parts[1])));
    }

    private static String hmac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
