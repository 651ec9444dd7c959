package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /api/v1/interactions}: the floor's live interactions, filtered as TaskRouter lists tasks. */
@ExtendWith(TestRedis.class)
class LiveInteractionsIT {
    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis) {
        node = TestNode.on(redis, redis.newPrefix()).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void theFloorsInteractionsAreFoundByStatusQueueAgentChannelAndExpression() {
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-9").put("name", "Grace").put("tier", "gold"))
                .expect(201);
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8), new JsonObject().put("chat", 1));
        Agents.create(admin, "bob", new JsonObject().put("billing", 8));
        String handled;
        try (AgentSocket desk = ann.events("ann")) {
            Agents.available(ann, "ann");
            handled = create("chat", new JsonObject().put("intent", "support"), null);
            ann.post("/api/v1/reservations/" + desk.await("offer").getString("reservation") + "/accept",
                    new JsonObject()).expect(200);
        }
        String spanish = create("chat", new JsonObject().put("intent", "support").put("language", "es"), "c-9");
        String call = create("voice", new JsonObject().put("intent", "billing"), null);

        assertEquals(Set.of(handled, spanish, call), Set.copyOf(ids("")), "whatever the status");
        List<Long> queued = admin.get("/api/v1/interactions").expect(200).json().getJsonArray("interactions").stream()
                .map(JsonObject.class::cast).map(j -> j.getLong("queuedAt")).toList();
        assertEquals(queued.stream().sorted().toList(), queued, "oldest first");
        assertEquals(Set.of(spanish, call), Set.copyOf(ids("status=queued")));
        assertEquals(List.of(call), ids("queue=billing"));
        assertEquals(List.of(handled), ids("agentId=ann"));
        assertEquals(List.of(call), ids("channel=VOICE"));
        assertEquals(Set.of(handled, spanish), Set.copyOf(ids("status=" + encode("assigned, queued")
                + "&channel=chat&queue=")));
        assertEquals(List.of(spanish), ids("where=" + encode("attributes.language == \"es\"")));
        assertEquals(List.of(spanish), ids("where=" + encode("customer.tier == \"gold\"")));
        JsonObject first = admin.get("/api/v1/interactions?limit=1").expect(200).json();
        assertEquals(1, first.getInteger("count"));
        assertTrue(first.getBoolean("truncated"));
        assertFalse(admin.get("/api/v1/interactions").expect(200).json().getBoolean("truncated"));

        admin.post("/api/v1/interactions/" + handled + "/complete", new JsonObject().put("disposition", "resolved"))
                .expect(200);
        assertEquals(Set.of(spanish, call), Set.copyOf(ids("")), "a finished one is history, not the floor");

        assertTrue(admin.get("/api/v1/interactions?where=" + encode("attributes.language ==")).expect(400).json()
                .getString("message").contains("invalid expression"));
        admin.get("/api/v1/interactions?status=completed").expect(400);
        admin.get("/api/v1/interactions?channel=fax").expect(400);
        admin.get("/api/v1/interactions?limit=0").expect(400);
        ann.get("/api/v1/interactions").expect(403);
    }

    private String create(String channel, JsonObject attributes, String customerId) {
        JsonObject body = new JsonObject().put("channel", channel).put("attributes", attributes);
        if (customerId != null) {
            body.put("customerId", customerId);
        }
        return admin.post("/api/v1/interactions", body).expect(201).json().getString("id");
    }

    private List<String> ids(String query) {
        return admin.get("/api/v1/interactions?" + query).expect(200).json().getJsonArray("interactions").stream()
                .map(JsonObject.class::cast).map(j -> j.getString("id")).toList();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
