package io.switchboard.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The supervisor's actions on waiting interactions over plain HTTP: the waiting list, priority, move. */
@ExtendWith(TestRedis.class)
class SupervisorApiIT {
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

    private String call(String intent) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("intent", intent))).expect(201).json().getString("id");
    }

    private List<String> waiting(String queue) {
        return admin.get("/api/v1/queues/" + queue + "/waiting").expect(200).array().stream()
                .map(i -> ((JsonObject) i).getString("id")).toList();
    }

    @Test
    void aSupervisorReordersAndMovesWaitingInteractions() {
        String first = call("support");
        String second = call("support");
        String third = call("support");
        assertEquals(List.of(first, second, third), waiting("support"), "same priority: first come, first served");
        JsonArray line = admin.get("/api/v1/queues/support/waiting?limit=2").expect(200).array();
        assertEquals(2, line.size());
        assertEquals(2, line.getJsonObject(1).getInteger("position"));
        assertEquals("voice", line.getJsonObject(1).getString("channel"));
        assertEquals("support", line.getJsonObject(1).getJsonObject("attributes").getString("intent"));

        double before = admin.get("/api/v1/interactions/" + third).json().getDouble("priority");
        admin.post("/api/v1/interactions/" + third + "/priority", new JsonObject().put("raise", 40)).expect(200);
        assertEquals(before + 40, admin.get("/api/v1/interactions/" + third).json().getDouble("priority"), 1e-9);
        assertEquals(List.of(third, first, second), waiting("support"));
        admin.post("/api/v1/interactions/" + third + "/priority", new JsonObject().put("priority", -5)).expect(200);
        assertEquals(-5.0, admin.get("/api/v1/interactions/" + third).json().getDouble("priority"), 1e-9);
        assertEquals(List.of(first, second, third), waiting("support"));

        // moved to billing, the first call is offered to the billing agent; support keeps the other two
        Api bob = Agents.create(admin, "bob", new JsonObject().put("billing", 8));
        try (AgentSocket desk = bob.events("bob")) {
            Agents.available(bob, "bob");
            admin.post("/api/v1/interactions/" + first + "/transfer", new JsonObject().put("queue", "billing"))
                    .expect(200);
            assertEquals(first, desk.await("offer").getString("interaction"));
        }
        assertEquals(List.of(second, third), waiting("support"));
        JsonObject moved = admin.get("/api/v1/interactions/" + first).json();
        assertEquals("billing", moved.getString("queue"));
        assertEquals("reserved", moved.getString("status"));
    }

    @Test
    void agentsMayNotAndBadInputIsRefused() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("billing", 8));
        String waiting = call("support");
        ann.get("/api/v1/queues/support/waiting").expect(403);
        ann.post("/api/v1/interactions/" + waiting + "/priority", new JsonObject().put("raise", 5)).expect(403);
        ann.post("/api/v1/interactions/" + waiting + "/transfer", new JsonObject().put("queue", "billing")).expect(403);
        assertEquals("support", admin.get("/api/v1/interactions/" + waiting).json().getString("queue"));

        admin.get("/api/v1/queues/nope/waiting").expect(404);
        admin.get("/api/v1/queues/support/waiting?limit=0").expect(400);
        admin.post("/api/v1/interactions/" + waiting + "/priority", new JsonObject()).expect(400);
        admin.post("/api/v1/interactions/" + waiting + "/priority", new JsonObject().put("raise", 5).put("priority", 1))
                .expect(400);
        admin.post("/api/v1/interactions/" + waiting + "/priority", new JsonObject().put("priority", "high")).expect(400);
        admin.post("/api/v1/interactions/" + waiting + "/priority", new JsonObject().put("raise", 5000)).expect(400);
        admin.post("/api/v1/interactions/nope/priority", new JsonObject().put("raise", 5)).expect(404);
    }

    /** A console reads only the agents it saw change: those that exist, in id order; a bounded list. */
    @Test
    void agentsCanBeReadByIds() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        Agents.create(admin, "bob", new JsonObject().put("billing", 8));
        Agents.create(admin, "cy", new JsonObject().put("billing", 8));
        Agents.available(ann, "ann");

        JsonArray two = admin.get("/api/v1/agents?ids=cy,ann,nobody,ann").expect(200).array();
        assertEquals(List.of("ann", "cy"), two.stream().map(a -> ((JsonObject) a).getString("id")).toList());
        assertEquals("available", two.getJsonObject(0).getString("state"));
        assertEquals(3, admin.get("/api/v1/agents").expect(200).array().size());
        String tooMany = String.join(",", java.util.stream.IntStream.range(0, 201).mapToObj(i -> "a" + i).toList());
        assertEquals("bad_request", admin.get("/api/v1/agents?ids=" + tooMany).expect(400).json().getString("error"));
        ann.get("/api/v1/agents?ids=ann").expect(403);
    }
}
