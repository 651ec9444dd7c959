package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.routing.Condition;
import io.switchboard.sla.Severity;
import io.switchboard.sla.SlaPolicy;
import io.switchboard.sla.SlaTarget;
import io.switchboard.sla.SlaTimer;
import io.switchboard.sla.WorkingTime;
import io.switchboard.store.redis.RedisConnection;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.store.redis.RoutingStore;
import io.switchboard.store.redis.SlaTimerCodec;
import io.switchboard.store.redis.SlaTimerStore;
import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Several nodes on one Redis: every step fires exactly once, and nothing is lost when a node stops. */
@ExtendWith(TestRedis.class)
class SlaTwoNodesIT {
    private static final int TIMERS = 2_000;

    @Test
    void twoNodesFireEveryTimerExactlyOnce(TestRedis redis, @TempDir Path temp) throws Exception {
        TestClock clock = new TestClock();
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        Path sla = SlaBehaviourIT.slaFile(temp, SlaBehaviourIT.POLICIES);
        try (TestNode a = TestNode.on(redis, prefix).clock(clock).rules(rules).sla(sla).start();
             TestNode b = TestNode.on(redis, prefix).clock(clock).rules(rules).sla(sla).start();
             AgentSocket events = a.api().as("test-supervisor-key").supervisorEvents()) {
            armDirectly(redis, prefix, clock, TIMERS);
            clock.advance(Duration.ofSeconds(3)); // breach at 1 s, major at 1.25 s, critical at 2 s: all due at once

            Await.until("every step fired", Duration.ofSeconds(30), () -> events.all().size() >= 1 + 3 * TIMERS);
            Map<String, Integer> fired = new HashMap<>();
            for (JsonObject e : events.all()) {
                if (e.getString("type").startsWith("sla_")) {
                    fired.merge(e.getString("type") + "/" + e.getString("severity") + "/" + e.getString("interaction"),
                            1, Integer::sum);
                }
            }
            assertEquals(3 * TIMERS, fired.size(), "breach, major and critical of every timer");
            assertTrue(fired.values().stream().allMatch(n -> n == 1), "no step fired twice");
            JsonObject breaches = a.api().get("/api/v1/sla/breaches?severity=critical&limit=5000").expect(200).json();
            assertEquals(TIMERS, breaches.getInteger("count"));
            String series = "switchboard_sla_breached_total{policy=\"bulk\",severity=\"critical\",target=\"answer\"}";
            // the sweeping node counts once it has the script's reply, a moment after the events went out
            java.util.function.DoubleSupplier counted = () -> value(a.api().get("/metrics").body(), series)
                    + value(b.api().get("/metrics").body(), series);
            Await.until("every breach counted", () -> counted.getAsDouble() >= TIMERS);
            assertEquals(TIMERS, counted.getAsDouble(), 0.0, "counted once, on one node or the other");
            JsonObject floor = b.api().get("/api/v1/stats/today").expect(200).json().getJsonObject("floor");
            assertEquals(TIMERS, floor.getJsonObject("sla").getJsonObject("breached").getLong("critical"),
                    "the statistics every node reads count each critical breach once");
        }
    }

    @Test
    void aStoppedNodesTimersFireOnAnotherNodeMarkedLate(TestRedis redis, @TempDir Path temp) {
        TestClock clock = new TestClock();
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        Path sla = SlaBehaviourIT.slaFile(temp, SlaBehaviourIT.POLICIES);
        List<String> ids = new ArrayList<>();
        try (TestNode a = TestNode.on(redis, prefix).clock(clock).rules(rules).sla(sla).start()) {
            for (int i = 0; i < 3; i++) {
                ids.add(a.api().post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json()
                        .getString("id"));
            }
        }
        clock.advance(Duration.ofSeconds(70)); // due at 45 s (warn) and 60 s (breach) while no node runs
        try (TestNode b = TestNode.on(redis, prefix).clock(clock).rules(rules).sla(sla).start()) {
            Await.until("breaches recorded by the other node",
                    () -> b.api().get("/api/v1/sla/breaches").json().getInteger("count") == 3);
            JsonArray breaches = b.api().get("/api/v1/sla/breaches").json().getJsonArray("breaches");
            for (Object o : breaches) {
                JsonObject breach = (JsonObject) o;
                assertTrue(ids.contains(breach.getString("interaction")));
                assertTrue(breach.getBoolean("late"), breach.encode());
                assertEquals(breach.getLong("breachedAt") - 10_000, breach.getLong("dueAt"), 1_000.0);
            }
            for (String id : ids) {
                assertEquals("breached", b.api().get("/api/v1/interactions/" + id).json().getJsonObject("sla")
                        .getString("state"));
            }
        }
    }

    @Test
    void aRaiseFiredByANodeThatDiedIsDoneByAnotherNodeOnce(TestRedis redis, @TempDir Path temp) throws Exception {
        TestClock clock = new TestClock();
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        Path sla = SlaBehaviourIT.slaFile(temp, SlaBehaviourIT.POLICIES);
        JsonObject chat = oneChatOnANodeThatStops(TestNode.on(redis, prefix).clock(clock).rules(rules).sla(sla));
        String id = chat.getString("id");
        double base = chat.getDouble("priority");
        clock.advance(Duration.ofSeconds(61));
        Vertx vertx = Vertx.vertx();
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            // a node's sweep fires warn, breach and raise_priority (10 points), and the node dies before raising
            SlaTimerStore dying = new SlaTimerStore(vertx, connection.commands(), RedisKeys.of(prefix), clock,
                    Duration.ofSeconds(1), 100_000, 0);
            List<JsonObject> fired = Await.result(dying.sweep(100)).fired();
            String token = fired.stream().filter(f -> "raise_priority".equals(f.getString("action"))).findFirst()
                    .orElseThrow().getString("raise");
            String raises = RedisKeys.of(prefix).prefix() + ":sla:raises";
            assertTrue(connection.commands().zscore(raises, token).toCompletableFuture().join() != null,
                    "the fired raise waits for its node");

            try (TestNode b = TestNode.on(redis, prefix).clock(clock).rules(rules).sla(sla).start()) {
                assertEquals(base, b.api().get("/api/v1/interactions/" + id).json().getDouble("priority"),
                        "within its lease the raise is the firing node's");
                clock.advance(Duration.ofSeconds(11));
                Await.until("the other node raised it", () ->
                        b.api().get("/api/v1/interactions/" + id).json().getDouble("priority") == base + 10);
                Await.until("and marked it done", () -> connection.commands().zscore(raises, token)
                        .toCompletableFuture().join() == null);

                // delivered again (a node that raised and died before marking it done): still one raise
                connection.commands().zadd(raises, 0, token).toCompletableFuture().join();
                Await.until("the second delivery done", () -> connection.commands().zscore(raises, token)
                        .toCompletableFuture().join() == null);
                assertEquals(base + 10, b.api().get("/api/v1/interactions/" + id).json().getDouble("priority"));
                long raisedEvents = b.api().get("/api/v1/interactions/" + id).json().getJsonArray("history").stream()
                        .filter(h -> "priority_raised".equals(((JsonObject) h).getString("type"))).count();
                assertEquals(1, raisedEvents);
            }
        } finally {
            Await.result(vertx.close());
        }
    }

    @Test
    void aTargetWhoseContactEndedOnANodeThatDiedEndsWithoutABreach(TestRedis redis, @TempDir Path temp) throws Exception {
        TestClock clock = new TestClock();
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        Path sla = SlaBehaviourIT.slaFile(temp, SlaBehaviourIT.POLICIES);
        String id = oneChatOnANodeThatStops(TestNode.on(redis, prefix).clock(clock).rules(rules).sla(sla))
                .getString("id");
        clock.advance(Duration.ofSeconds(10));
        Vertx vertx = Vertx.vertx();
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            // the customer left; the node that recorded it died before ending the answer timer (its routing script ran)
            RoutingStore dying = new RoutingStore(vertx, connection, RedisKeys.of(prefix), clock, Duration.ofSeconds(15),
                    2, 0.5, 0, Duration.ZERO);
            assertTrue(Await.result(dying.run("cancel", id, "abandoned", "the customer left")).ok());
        } finally {
            Await.result(vertx.close());
        }
        clock.advance(Duration.ofSeconds(60)); // past the 60 s target: warn and breach would both be due
        try (TestNode b = TestNode.on(redis, prefix).clock(clock).rules(rules).sla(sla).start()) {
            Await.until("the timer ended as the contact did", () -> "canceled".equals(b.api()
                    .get("/api/v1/interactions/" + id).json().getJsonObject("sla").getString("state")));
            assertEquals(0, b.api().get("/api/v1/sla/breaches").json().getInteger("count"),
                    "an abandoned contact breaches nothing");
        }
    }

    /** A chat made on a node that then stops, as it is then (id, priority). */
    private static JsonObject oneChatOnANodeThatStops(TestNode.Builder node) {
        try (TestNode a = node.start()) {
            String id = a.api().post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json()
                    .getString("id");
            return a.api().get("/api/v1/interactions/" + id).expect(200).json();
        }
    }

    /** Arms timers straight through the store (what a node does on create), all due 1 s from now. */
    private static void armDirectly(TestRedis redis, String prefix, TestClock clock, int count) throws Exception {
        Vertx vertx = Vertx.vertx();
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            SlaTimerStore store = new SlaTimerStore(vertx, connection.commands(), RedisKeys.of(prefix), clock,
                    Duration.ofSeconds(1), 100_000, 0);
            SlaPolicy bulk = new SlaPolicy("bulk", Condition.ALWAYS, Map.of(SlaTarget.ANSWER, Duration.ofSeconds(1)),
                    new WorkingTime.AlwaysOpen(), List.of(), Severity.Thresholds.DEFAULT);
            List<Future<Boolean>> armed = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                SlaTimer timer = SlaTimer.arm(bulk, SlaTarget.ANSWER, Duration.ofSeconds(1), clock.instant());
                armed.add(store.compareAndSet(SlaTimerCodec.id("bulk-" + i, SlaTarget.ANSWER), "",
                        SlaTimerCodec.payload(timer), new SlaTimerStore.Change(Map.of(), null, SlaTimerCodec.ref(timer),
                                SlaTimerCodec.ladder(timer), "")));
            }
            Await.result(Future.all(armed));
            assertTrue(armed.stream().allMatch(Future::result));
        } finally {
            Await.result(vertx.close());
        }
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
    }
}
