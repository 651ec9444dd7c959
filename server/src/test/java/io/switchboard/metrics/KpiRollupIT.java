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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routing scripts count into minute buckets only; once an hour is over, a node sums its minutes into the
 * hour's bucket. Statistics over that hour must read the same before and after, and after the minutes expire.
 *
 * <p>10:00: three calls on support, two answered and completed; one case resolved. 10:59: the third caller hangs
 * up (abandoned). An older version's live hour bucket (deliberately wrong here) is in Redis already. Nodes started
 * at 11:04 (too early: the hour is summed 5 minutes after it ends), 11:06 and 11:07 roll up at start.
 */
@ExtendWith(TestRedis.class)
class KpiRollupIT {
    private static final Instant T0 = Instant.parse("2026-03-10T10:00:00Z");
    private static final long HOUR = T0.toEpochMilli() / 3_600_000;

    private TestRedis redis;
    private Path temp;
    private String prefix;
    private String base;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> r;

    @BeforeEach
    void connect(TestRedis redis, @TempDir Path temp) {
        this.redis = redis;
        this.temp = temp;
        prefix = redis.newPrefix();
        base = RedisKeys.of(prefix).prefix();
        client = RedisClient.create(redis.uri());
        connection = client.connect();
        r = connection.sync();
    }

    @AfterEach
    void disconnect() {
        connection.close();
        client.shutdown();
    }

    @Test
    void anHourReadsTheSameFromItsMinutesAndFromItsRolledUpBucket() {
        TestClock clock = new TestClock(T0);
        String hourBucket = base + ":stats:support:h:" + HOUR;
        try (TestNode first = node(clock)) {
            Api admin = first.api();
            traffic(admin, clock);
            r.hset(hourBucket, "voice:offered", "99");

            JsonObject before = hour(admin);
            assertEquals(3, support(before).getLong("offered"), before.encode());
            assertEquals(2, support(before).getLong("answered"));
            assertEquals(1, support(before).getLong("abandoned"), "counted at 10:59");
            assertEquals(1, before.getJsonObject("floor").getJsonObject("firstContactResolution").getLong("resolved"));

            clock.advance(Duration.ofMinutes(5)); // 11:04
            node(clock).close();
            assertEquals(Long.toString(HOUR - 1), r.get(base + ":stats:support:rolled"), "10:00-11:00 not yet");
            assertEquals("99", r.hget(hourBucket, "voice:offered"));

            clock.advance(Duration.ofMinutes(2)); // 11:06
            try (TestNode second = node(clock)) {
                assertEquals(Long.toString(HOUR), r.get(base + ":stats:support:rolled"));
                assertEquals(Long.toString(HOUR), r.get(base + ":kpi:rolled"));
                assertEquals("3", r.hget(hourBucket, "voice:offered"), "the sum of the minutes, in place of what was there");
                assertEquals("1", r.hget(hourBucket, "voice:abandoned"), "the hour's last minute");
                assertEquals("1", r.hget(base + ":kpi:h:" + HOUR, "case:resolved"));
                assertTrue(r.ttl(hourBucket) > Duration.ofDays(399).toSeconds());
                assertEquals(before, hour(second.api()));

                // a node whose clock is two minutes behind counts one more call into 10:59 after the roll-up
                r.hincrby(base + ":stats:support:m:" + (HOUR * 60 + 59), "voice:offered", 1);
                clock.advance(Duration.ofMinutes(1));
                node(clock).close();
                assertEquals("4", r.hget(hourBucket, "voice:offered"), "the last hour summed is summed again");
                r.hincrby(base + ":stats:support:m:" + (HOUR * 60 + 59), "voice:offered", -1);
                node(clock).close();

                // an hour on, 10:00 is no longer the last hour summed: the live node's next roll-up (every minute)
                // cannot sum it again from the minutes deleted below
                clock.advance(Duration.ofHours(1));
                node(clock).close();
                for (long minute = HOUR * 60; minute < HOUR * 60 + 60; minute++) {
                    r.del(base + ":stats:support:m:" + minute, base + ":kpi:m:" + minute); // as if expired
                }
                assertEquals(before, hour(admin), "the hour bucket alone");
            }
        }
    }

    /**
     * A floor upgraded from a version that wrote hour buckets live: its minutes (kept two days) are summed again,
     * a few hours per script run, from the oldest hour whose minutes are all kept.
     */
    @Test
    void theFirstRollUpSumsEveryHourWhoseMinutesAreKept() {
        r.hset(base + ":stats:support:m:" + (HOUR * 60 + 7), "voice:offered", "5");
        r.hset(base + ":stats:support:m:" + (HOUR * 60 + 59), "voice:offered", "2");
        r.hset(base + ":stats:support:h:" + HOUR, "voice:offered", "99"); // the older version's live count
        r.sadd(base + ":kpifamilies", "stats:support"); // counted into since the upgrade
        TestClock clock = new TestClock(T0.plus(Duration.ofHours(30)).plusSeconds(600)); // 16:10 the next day
        try (TestNode node = node(clock)) {
            assertEquals(Long.toString(HOUR + 29), r.get(base + ":stats:support:rolled"), "through 15:00-16:00");
            assertEquals("7", r.hget(base + ":stats:support:h:" + HOUR, "voice:offered"));
            assertEquals(7, support(hour(node.api())).getLong("offered"));
        }
    }

    /** A family whose minutes cannot be summed is counted as failed and retried; the families after it go on. */
    @Test
    void aFamilyThatFailsDoesNotHoldBackTheOthers() {
        r.set(base + ":kpi:m:" + (HOUR * 60 + 30), "not a hash"); // HGETALL fails on it: WRONGTYPE
        r.hset(base + ":stats:support:m:" + (HOUR * 60 + 30), "voice:offered", "4");
        r.sadd(base + ":kpifamilies", "kpi", "stats:support");
        try (TestNode node = node(new TestClock(T0.plus(Duration.ofHours(2))))) {
            assertEquals("4", r.hget(base + ":stats:support:h:" + HOUR, "voice:offered"));
            assertTrue(Long.parseLong(r.get(base + ":kpi:rolled")) < HOUR, "summed up to the hour it fails on");
            assertEquals(0, r.exists(base + ":kpi:h:" + HOUR), "its minutes wait for the next run");
            String scrape = node.api().get("/metrics").expect(200).body();
            assertTrue(scrape.contains("switchboard_kpi_rollup_failures_total 1.0"), scrape.lines()
                    .filter(l -> l.contains("rollup")).toList().toString());
        }
    }

    /** A node of its own: each rolls up at start. */
    private TestNode node(TestClock clock) {
        return TestNode.on(redis, prefix).clock(clock).rules(Rules.folder(temp, Rules.SMALL)).start();
    }

    private static void traffic(Api admin, TestClock clock) {
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
        admin.post("/api/v1/customers", new JsonObject().put("id", "cust-bo").put("name", "Bo")).expect(201);
        String caseId = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "cust-bo").put("subject", "Where is my parcel")).expect(201).json().getString("id");
        admin.post("/api/v1/cases/" + caseId + "/resolve", new JsonObject().put("resolution", "found")
                .put("disposition", "answered")).expect(200);
        clock.advance(Duration.ofSeconds(59 * 60 + 30));
        for (String id : calls) {
            if (!"completed".equals(admin.get("/api/v1/interactions/" + id).json().getString("status"))) {
                admin.post("/api/v1/interactions/" + id + "/cancel", new JsonObject().put("abandoned", true)).expect(200);
            }
        }
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
