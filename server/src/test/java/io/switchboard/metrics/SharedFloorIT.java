package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.switchboard.store.redis.RedisConnection;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The floor's live statistics are read once per second for the whole floor, not once per request per node:
 * forty supervisor reads spread over two nodes cost Redis a reading or two, and a new contact still shows
 * within about a second on either node.
 */
@ExtendWith(TestRedis.class)
class SharedFloorIT {
    private static final Pattern HGETALL = Pattern.compile("cmdstat_hgetall:calls=(\\d+)");

    @Test
    void oneReadingOfTheFloorServesEveryNodeAndConsole(TestRedis redis, @TempDir Path temp) throws Exception {
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        try (TestNode a = node(redis, prefix, rules); TestNode b = node(redis, prefix, rules);
             RedisConnection connection = RedisConnection.connect(redis.uri())) {
            RedisClusterAsyncCommands<String, String> commands = connection.commands();
            for (int i = 0; i < 20; i++) {
                a.api().put("/api/v1/agents/agent" + i, new JsonObject().put("name", "Agent " + i)
                        .put("skills", new JsonObject().put("support", 5))).expect(200);
            }
            // no reading to serve (the gauges took one at start-up): the next request reads the floor
            RedisKeys keys = RedisKeys.of(prefix);
            commands.del(keys.floorNow(), keys.floorNowLock()).get(5, TimeUnit.SECONDS);

            commands.configResetstat().get(5, TimeUnit.SECONDS);
            waiting(a.api());
            long oneReading = hgetalls(commands);
            assertTrue(oneReading >= 20, "a reading reads every agent: " + oneReading);

            commands.configResetstat().get(5, TimeUnit.SECONDS);
            long start = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                waiting((i % 2 == 0 ? a : b).api());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long forty = hgetalls(commands);
            assertTrue(forty <= oneReading * (Math.ceil(seconds) + 1),
                    "40 reads in " + seconds + " s cost " + forty + " hash reads, one reading costs " + oneReading);

            a.api().post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201);
            long posted = System.nanoTime();
            Await.until("the other node shows the new contact", Duration.ofSeconds(5), () -> waiting(b.api()) == 1);
            assertTrue(System.nanoTime() - posted < TimeUnit.MILLISECONDS.toNanos(2_500),
                    "shown within about the allowed age");
            assertEquals(1, waiting(a.api()));
        }
    }

    /**
     * The estimated wait that waiting contacts are told (the API here; callers' announcements and chats' position
     * updates alike) comes from that shared reading too, not from a read of every agent each time it is asked.
     */
    @Test
    void theEstimatedWaitComesFromTheSharedReading(TestRedis redis, @TempDir Path temp) throws Exception {
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        try (TestNode a = node(redis, prefix, rules); TestNode b = node(redis, prefix, rules);
             RedisConnection connection = RedisConnection.connect(redis.uri())) {
            RedisClusterAsyncCommands<String, String> commands = connection.commands();
            for (int i = 0; i < 20; i++) {
                a.api().put("/api/v1/agents/agent" + i, new JsonObject().put("name", "Agent " + i)
                        .put("skills", new JsonObject().put("support", 5)).put("pin", "1234")
                        .put("capacity", new JsonObject().put("voice", 0))).expect(200);
            }
            // one agent staffs the queue but takes no calls: the contact waits, 180 s (default AHT) / 1 agent
            a.api().post("/api/v1/agents/agent0/state", new JsonObject().put("state", "available")).expect(200);
            // nobody waits and an agent is free: a new contact waits nothing (the wallboard showed 180 s / 1 agent)
            Await.until("no wait on an idle floor", Duration.ofSeconds(5), () -> Double.valueOf(0)
                    .equals(a.api().get("/api/v1/stats/realtime").expect(200).array().stream()
                            .map(JsonObject.class::cast).filter(q -> "support".equals(q.getString("queue")))
                            .findFirst().orElseThrow().getDouble("estimatedWaitSeconds")));
            String id = a.api().post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201)
                    .json().getString("id");
            Await.until("the estimate counts the staffed agent", Duration.ofSeconds(5), () -> Double.valueOf(180.0)
                    .equals(a.api().get("/api/v1/interactions/" + id).json().getDouble("estimatedWaitSeconds")));
            RedisKeys keys = RedisKeys.of(prefix);
            commands.del(keys.floorNow(), keys.floorNowLock()).get(5, TimeUnit.SECONDS);
            commands.configResetstat().get(5, TimeUnit.SECONDS);
            waiting(a.api());
            long oneReading = hgetalls(commands);

            commands.configResetstat().get(5, TimeUnit.SECONDS);
            long start = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                JsonObject waiting = (i % 2 == 0 ? a : b).api().get("/api/v1/interactions/" + id).expect(200).json();
                assertEquals(180.0, waiting.getDouble("estimatedWaitSeconds"));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long forty = hgetalls(commands);
            assertTrue(forty <= oneReading * (Math.ceil(seconds) + 1),
                    "40 estimates in " + seconds + " s cost " + forty + " hash reads, one reading costs " + oneReading);
        }
    }

    private static TestNode node(TestRedis redis, String prefix, Path rules) {
        return TestNode.on(redis, prefix).rules(rules).env("SWITCHBOARD_REALTIME_MAX_AGE_MILLIS", "1000").start();
    }

    private static long waiting(Api api) {
        return api.get("/api/v1/stats/realtime").expect(200).array().stream().map(JsonObject.class::cast)
                .filter(q -> "support".equals(q.getString("queue"))).findFirst().orElseThrow().getLong("waiting");
    }

    private static long hgetalls(RedisClusterAsyncCommands<String, String> commands) throws Exception {
        Matcher m = HGETALL.matcher(commands.info("commandstats").get(5, TimeUnit.SECONDS));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
