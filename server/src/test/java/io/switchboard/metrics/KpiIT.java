package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A known day on one queue: 10 offered, 8 answered of which 6 within the 20 s threshold, 2 abandoned
 * after 30 s. With the default formula (short abandons excluded) the service level is 6 / 10 = 60 %,
 * the abandon rate 20 %, the ASA (6 x 10 s + 2 x 30 s) / 8 = 15 s; scrape and API must say so.
 */
@ExtendWith(TestRedis.class)
class KpiIT {

    @Test
    void metricsAndStatisticsAgreeWithTheTraffic(TestRedis redis, @TempDir Path temp) {
        TestClock clock = new TestClock();
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, Rules.SMALL))
                .start()) {
            Api admin = node.api();
            // every queue's series from 0 before its first contact: one that appeared at 1 hid that contact from
            // increase() (the wallboard's and the alerts' first abandon after a restart)
            String before = admin.get("/metrics").expect(200).body();
            for (String series : List.of("switchboard_queue_abandoned_total{channel=\"chat\",queue=\"spanish\"}",
                    "switchboard_queue_offered_total{channel=\"callback\",queue=\"support\"}",
                    "switchboard_service_level_counted_total{channel=\"email\",queue=\"support\"}",
                    "switchboard_queue_wait_seconds_count{channel=\"voice\",queue=\"support\"}",
                    "switchboard_revenue_currency_total{channel=\"email\",queue=\"spanish\"}",
                    "switchboard_channel_cost_total{channel=\"voice\",queue=\"support\"}",
                    "switchboard_channel_cost_total{channel=\"voice\",queue=\"outbound\"}",
                    "switchboard_csat_score_count{channel=\"chat\",queue=\"spanish\"}",
                    "switchboard_ivr_calls_total{outcome=\"contained_case_status\"}",
                    "switchboard_ivr_recontacts_total{outcome=\"contained_hours\"}",
                    "switchboard_hold_seconds_count{queue=\"support\"}")) {
                assertEquals(0.0, value(before, series), series);
            }
            Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ids.add(admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201)
                        .json().getString("id"));
            }
            clock.advance(Duration.ofSeconds(10));
            answer(admin, sam, 6);
            clock.advance(Duration.ofSeconds(20));
            answer(admin, sam, 2);
            for (String id : ids) {
                if ("queued".equals(admin.get("/api/v1/interactions/" + id).json().getString("status"))) {
                    admin.post("/api/v1/interactions/" + id + "/cancel", new JsonObject().put("abandoned", true)).expect(200);
                }
            }

            String scrape = admin.get("/metrics").expect(200).body();
            String tags = "{channel=\"voice\",queue=\"support\"}";
            assertEquals(10.0, value(scrape, "switchboard_queue_offered_total" + tags));
            assertEquals(8.0, value(scrape, "switchboard_queue_answered_total" + tags));
            assertEquals(2.0, value(scrape, "switchboard_queue_abandoned_total" + tags));
            assertEquals(6.0, value(scrape, "switchboard_service_level_met_total" + tags));
            assertEquals(10.0, value(scrape, "switchboard_service_level_counted_total" + tags));
            assertEquals(6.0, value(scrape, "switchboard_queue_wait_seconds_bucket{channel=\"voice\",queue=\"support\",le=\"20.0\"}"));
            assertEquals(8.0, value(scrape, "switchboard_queue_wait_seconds_count" + tags));
            assertEquals(120.0, value(scrape, "switchboard_queue_wait_seconds_sum" + tags));
            assertEquals(8.0, value(scrape, "switchboard_contacts_handled_total" + tags));

            JsonObject support = admin.get("/api/v1/stats/realtime").expect(200).array().stream()
                    .map(JsonObject.class::cast).filter(q -> "support".equals(q.getString("queue"))).findFirst().orElseThrow();
            JsonObject today = support.getJsonObject("today");
            assertEquals(10, today.getLong("offered"));
            assertEquals(8, today.getLong("answered"));
            assertEquals(0.6, today.getDouble("serviceLevel"), 1e-9);
            assertEquals(0.2, today.getDouble("abandonRate"), 1e-9);
            assertEquals(15.0, today.getDouble("asaSeconds"), 1e-9);
            assertEquals(0.6, support.getJsonObject("serviceLevel").getDouble("last60m"), 1e-9);
            assertEquals("answered_of_offered_excluding_short", support.getString("serviceLevelFormula"));

            JsonObject cumulative = admin.get("/api/v1/stats/cumulative?from=" + (clock.millis() - 3_600_000)
                    + "&to=" + (clock.millis() + 1)).expect(200).json();
            JsonObject supportTotals = cumulative.getJsonArray("queues").stream().map(JsonObject.class::cast)
                    .filter(q -> "support".equals(q.getString("queue"))).findFirst().orElseThrow();
            assertEquals(0.6, supportTotals.getDouble("serviceLevel"), 1e-9);
            JsonObject samTotals = cumulative.getJsonArray("agents").getJsonObject(0);
            assertEquals(8, samTotals.getLong("handled"));
            assertTrue(samTotals.getJsonObject("stateSeconds").getDouble("away") >= 20.0, samTotals.encode());
            admin.get("/api/v1/stats/cumulative?from=yesterday").expect(400);

            Await.until("floor gauges", () -> admin.get("/metrics").body()
                    .contains("switchboard_queue_agents{queue=\"support\",state=\"away\"} 1.0"));
        }
    }

    /** The agent takes {@code count} calls at the current time, then steps away. */
    private static void answer(Api admin, Api sam, int count) {
        Agents.available(sam, "sam");
        for (int i = 0; i < count; i++) {
            String rsv = admin.get("/api/v1/agents/sam").json().getString("reservation");
            String id = rsv.substring(0, rsv.lastIndexOf('.'));
            sam.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
            sam.post("/api/v1/interactions/" + id + "/complete", "{}").expect(200);
        }
        sam.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away")).expect(200);
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no series " + series + " in\n" + scrape));
    }
}
