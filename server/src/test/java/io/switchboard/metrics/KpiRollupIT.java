package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routing scripts count into minute buckets only; once an hour is over, a node sums its minutes into the
 * hour's bucket. Statistics over that hour must read the same before and after, and after the minutes expire.
 *
 * <p>10:10: three calls on support, two answered and completed, one abandoned; one case resolved. An older
 * version's live hour bucket (deliberately wrong here) is in Redis already. 11:06: a second node starts and
 * rolls the hour up.
 */
@ExtendWith(TestRedis.class)
class KpiRollupIT {
    private static final Instant T0 = Instant.parse("2026-03-10T10:10:00Z");
    private static final long HOUR = T0.toEpochMilli() / 3_600_000;

    @Test
    void anHourReadsTheSameFromItsMinutesAndFromItsRolledUpBucket(TestRedis redis, @TempDir Path temp) {
        TestClock clock = new TestClock(T0);
        String prefix = redis.newPrefix();
        String base = RedisKeys.of(prefix).prefix();
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect();
             TestNode first = TestNode.on(redis, prefix).clock(clock).rules(Rules.folder(temp, Rules.SMALL)).start()) {
            RedisCommands<String, String> r = connection.sync();
            Api admin = first.api();
            traffic(admin);
            r.hset(base + ":stats:support:h:" + HOUR, "voice:offered", "99");

            JsonObject before = hour(admin);
            assertEquals(3, support(before).getLong("offered"), before.encode());
            assertEquals(2, support(before).getLong("answered"));
            assertEquals(1, support(before).getLong("abandoned"));
            assertEquals(1, before.getJsonObject("floor").getJsonObject("firstContactResolution").getLong("resolved"));
            assertEquals(Long.toString(HOUR - 1), r.get(base + ":stats:support:rolled"),
                    "summed through 9:00-10:00 at start (nothing counted then); 10:00-11:00 is not over");

            clock.advance(Duration.ofMinutes(56));
            try (TestNode second = TestNode.on(redis, prefix).clock(clock).rules(Rules.folder(temp, Rules.SMALL))
                    .start()) {
                Await.until("the hour rolled up", () -> Long.toString(HOUR).equals(r.get(base + ":stats:support:rolled"))
                        && Long.toString(HOUR).equals(r.get(base + ":kpi:rolled")));
                assertEquals("3", r.hget(base + ":stats:support:h:" + HOUR, "voice:offered"),
                        "the sum of the minutes, in place of what was there");
                assertEquals("1", r.hget(base + ":kpi:h:" + HOUR, "case:resolved"));
                assertTrue(r.ttl(base + ":stats:support:h:" + HOUR) > Duration.ofDays(399).toSeconds());
                assertEquals(before, hour(second.api()));

                for (long minute = HOUR * 60; minute < HOUR * 60 + 60; minute++) {
                    r.del(base + ":stats:support:m:" + minute, base + ":kpi:m:" + minute); // as if expired
                }
                assertEquals(before, hour(admin), "the hour bucket alone");
            }
        } finally {
            client.shutdown();
        }
    }

    private static void traffic(Api admin) {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        String[] calls = new String[3];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201).json()
                    .getString("id");
        }
        Agents.available(sam, "sam");
        for (int i = 0; i < 2; i++) {
            Await.until("an offer to sam", () -> admin.get("/api/v1/agents/sam").json().getString("reservation") != null);
            String rsv = admin.get("/api/v1/agents/sam").json().getString("reservation");
            sam.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
            if (i == 1) { // the third call waits until the caller hangs up
                sam.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away")).expect(200);
            }
            sam.post("/api/v1/interactions/" + rsv.substring(0, rsv.lastIndexOf('.')) + "/complete", "{}").expect(200);
        }
        for (String id : calls) {
            if (!"completed".equals(admin.get("/api/v1/interactions/" + id).json().getString("status"))) {
                admin.post("/api/v1/interactions/" + id + "/cancel", new JsonObject().put("abandoned", true)).expect(200);
            }
        }
        admin.post("/api/v1/customers", new JsonObject().put("id", "cust-bo").put("name", "Bo")).expect(201);
        String caseId = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "cust-bo").put("subject", "Where is my parcel")).expect(201).json().getString("id");
        admin.post("/api/v1/cases/" + caseId + "/resolve", new JsonObject().put("resolution", "found")
                .put("disposition", "answered")).expect(200);
    }

    /** The statistics of 10:00-11:00, without the agents' part (their time in the current state moves on). */
    private static JsonObject hour(Api api) {
        long from = HOUR * 3_600_000;
        JsonObject all = api.get("/api/v1/stats/cumulative?from=" + from + "&to=" + (from + 3_600_000)).expect(200)
                .json();
        all.remove("agents");
        all.getJsonObject("floor").remove("cost");
        return all;
    }

    private static JsonObject support(JsonObject stats) {
        return stats.getJsonArray("queues").stream().map(JsonObject.class::cast)
                .filter(q -> "support".equals(q.getString("queue"))).findFirst().orElseThrow();
    }
}
