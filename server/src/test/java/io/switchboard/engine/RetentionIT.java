package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.store.redis.RedisConnection;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finished interactions are kept for routing.retentionDays, then Redis drops them: the dataset does not grow
 * with every contact for ever. What is still going on, and what outlives a contact (statistics, the customer),
 * stays.
 */
@ExtendWith(TestRedis.class)
class RetentionIT {
    /** 0.00003 days = 2.6 s. */
    private static final String RETENTION_DAYS = "0.00003";

    @Test
    void aFinishedInteractionAndItsOffersExpireWhileWaitingOnesStay(TestRedis redis, @TempDir Path temp) throws Exception {
        String prefix = redis.newPrefix();
        RedisKeys keys = RedisKeys.of(prefix);
        try (TestNode node = TestNode.on(redis, prefix).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_RETENTION_DAYS", RETENTION_DAYS).start()) {
            Api admin = node.api();
            admin.post("/api/v1/customers", "text/csv", "id,name\ncust-1,Ada\n").expect(201);
            Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
            Agents.available(sam, "sam");
            String handled = create(admin);
            String reservation = admin.get("/api/v1/interactions/" + handled).json().getString("reservationId");
            sam.post("/api/v1/reservations/" + reservation + "/accept", "{}").expect(200);
            String abandoned = create(admin);
            String waiting = create(admin);
            admin.post("/api/v1/interactions/" + abandoned + "/cancel", new JsonObject().put("abandoned", true)).expect(200);
            sam.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away").put("reason", "break")).expect(200);
            sam.post("/api/v1/interactions/" + handled + "/complete", new JsonObject().put("disposition", "resolved"))
                    .expect(200);
            assertEquals("completed", admin.get("/api/v1/interactions/" + handled).json().getString("status"),
                    "readable during the retention period");

            awaitGone(admin, handled);
            awaitGone(admin, abandoned);
            assertEquals("queued", admin.get("/api/v1/interactions/" + waiting).expect(200).json().getString("status"),
                    "a contact still in line never expires");
            assertEquals(List.of(waiting), admin.get("/api/v1/customers/cust-1").json().getJsonArray("interactions")
                    .stream().map(i -> ((JsonObject) i).getString("id")).toList(), "the timeline skips what is gone");
            assertEquals(404, sam.post("/api/v1/reservations/" + reservation + "/accept", "{}").status(),
                    "the closed offer is gone too");
            JsonObject today = admin.get("/api/v1/stats/realtime").expect(200).array().stream().map(JsonObject.class::cast)
                    .filter(q -> "support".equals(q.getString("queue"))).findFirst().orElseThrow().getJsonObject("today");
            assertEquals(List.of(1L, 1L), List.of(today.getLong("completed"), today.getLong("abandoned")),
                    "statistics outlive the contacts");
            try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
                for (String id : List.of(handled, abandoned)) {
                    assertEquals(0, connection.commands().exists(keys.interaction(id), keys.interaction(id) + ":history")
                            .get(5, TimeUnit.SECONDS), "nothing of " + id + " is left in Redis");
                }
                assertEquals(-1, connection.commands().pttl(keys.interaction(waiting)).get(5, TimeUnit.SECONDS));
            }
        }
    }

    private static String create(Api admin) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice").put("customerId", "cust-1"))
                .expect(201).json().getString("id");
    }

    private static void awaitGone(Api admin, String id) {
        Await.until(id + " dropped after the retention period", () -> admin.get("/api/v1/interactions/" + id).status() == 404);
    }
}
