package io.switchboard.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** The whole life of an interaction through HTTP and the agent's WebSocket, with the shipped rules. */
@ExtendWith(TestRedis.class)
class InteractionLifecycleIT {
    private TestNode node;
    private Api admin;
    private TestRedis redis;
    private String prefix;

    @BeforeEach
    void start(TestRedis redis) {
        this.redis = redis;
        prefix = redis.newPrefix();
        node = TestNode.on(redis, prefix).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void offerAcceptWrapUpCompleteAndAvailableAgain() {
        Api agent = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        try (AgentSocket events = agent.events("ann")) {
            Agents.available(agent, "ann");
            // the agent's creation (offline) may still be on its way through pub/sub: wait for "available"
            events.await(e -> "state_changed".equals(e.getString("type")) && "available".equals(e.getString("state")),
                    "state_changed to available", java.time.Duration.ofSeconds(5));

            JsonObject created = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                    .put("attributes", new JsonObject().put("intent", "support"))).expect(201).json();
            String id = created.getString("id");
            assertEquals("support", created.getString("queue"));

            JsonObject offer = events.await("offer");
            assertEquals(id, offer.getString("interaction"));
            assertEquals("voice", offer.getString("channel"));
            assertEquals(15_000, offer.getLong("timeoutMs"));
            assertEquals("reserved", Agents.state(admin, "ann"));

            agent.post("/api/v1/reservations/" + offer.getString("reservation") + "/accept", "{}").expect(200);
            assertEquals(id, events.await("assigned").getString("interaction"));
            assertEquals("assigned", admin.get("/api/v1/interactions/" + id).expect(200).json().getString("status"));
            assertEquals("busy", Agents.state(admin, "ann"));

            assertEquals("wrapping", agent.post("/api/v1/interactions/" + id + "/wrapup", "{}").expect(200)
                    .json().getString("status"));
            assertEquals("wrap_up", Agents.state(admin, "ann"));

            agent.post("/api/v1/interactions/" + id + "/complete",
                    new JsonObject().put("disposition", "resolved").put("notes", "reset password")).expect(200);
            events.await(m -> "state_changed".equals(m.getString("type")) && "available".equals(m.getString("state")),
                    "available again", java.time.Duration.ofSeconds(5));

            JsonObject done = admin.get("/api/v1/interactions/" + id).expect(200).json();
            assertEquals("completed", done.getString("status"));
            assertEquals("resolved", done.getString("disposition"));
            assertEquals("ann", done.getString("agentId"));
            JsonObject ts = done.getJsonObject("timestamps");
            for (String t : List.of("created", "queued", "offered", "answered", "ended", "completed")) {
                assertNotNull(ts.getLong(t), t);
            }
            assertEquals(List.of("queued", "reserved", "assigned", "wrapping", "completed"), statuses(done));
            assertEquals(0, admin.get("/api/v1/queues/support/stats").json().getLong("waiting"));
        }
    }

    /**
     * Log out ends the session on the server, not only in the page: the token stops working on every node, the desk
     * still connected is told and closed, the agent is offline. A new PIN ends every session opened with the old one;
     * a profile saved with the same PIN ends none.
     */
    @Test
    void signingOutEndsTheSessionOnEveryNode() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        Agents.available(ann, "ann");
        try (TestNode other = TestNode.on(redis, prefix).start(); AgentSocket desk = ann.events("ann");
             AgentSocket watched = admin.events("ann")) {
            Api annOnOther = other.api().as(ann.token());
            annOnOther.get("/api/v1/agents/ann").expect(200);

            JsonObject out = annOnOther.post("/api/v1/agents/ann/sign-out", "{}").expect(200).json();
            assertEquals("offline", out.getString("state"));
            JsonObject told = desk.await("signed_out");
            assertEquals("signed_out", told.getString("reason"));
            assertEquals(1008, desk.awaitClosedByServer());
            ann.get("/api/v1/agents/ann").expect(401);
            annOnOther.get("/api/v1/agents/ann").expect(401);
            assertEquals("this session was signed out; log in again",
                    ann.post("/api/v1/agents/ann/state", new JsonObject().put("state", "available")).expect(401)
                            .json().getString("message"));
            // the supervisor watching the agent's events stays: its key is not the agent's session
            watched.await("signed_out");
            admin.post("/api/v1/agents/ann/state", new JsonObject().put("state", "away")).expect(200);
            watched.await(m -> "state_changed".equals(m.getString("type")) && "away".equals(m.getString("state")),
                    "the watch goes on", java.time.Duration.ofSeconds(5));

            Api again = Agents.login(admin, "ann");
            again.get("/api/v1/agents/ann").expect(200);
            other.api().as(again.token()).get("/api/v1/agents/ann").expect(200);
            admin.put("/api/v1/agents/ann", new JsonObject().put("skills", new JsonObject().put("support", 9))
                    .put("pin", "1234")).expect(200);
            again.get("/api/v1/agents/ann").expect(200); // same PIN: the session goes on
            Agents.available(again, "ann");

            admin.put("/api/v1/agents/ann", new JsonObject().put("skills", new JsonObject().put("support", 9))
                    .put("pin", "98765")).expect(200);
            again.get("/api/v1/agents/ann").expect(401);
            assertEquals("offline", Agents.state(admin, "ann"), "no offers for a desk that is gone");
            admin.as(null).post("/api/v1/auth/agent", new JsonObject().put("agentId", "ann").put("pin", "98765"))
                    .expect(200);
            Agents.create(admin, "bob", new JsonObject().put("support", 8))
                    .post("/api/v1/agents/ann/sign-out", "{}").expect(403);
        }
    }

    @Test
    void agentsActOnlyOnThemselves() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        Agents.create(admin, "bob", new JsonObject().put("support", 8));
        ann.post("/api/v1/agents/bob/state", new JsonObject().put("state", "available")).expect(403);
        ann.get("/api/v1/agents/bob").expect(403);
        ann.get("/api/v1/agents").expect(403);
        ann.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(403);

        Api bob = Agents.login(admin, "bob");
        Agents.available(bob, "bob");
        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201)
                .json().getString("id");
        String reservation = admin.get("/api/v1/interactions/" + id).json().getString("reservationId");
        ann.post("/api/v1/reservations/" + reservation + "/accept", "{}").expect(403);
        ann.get("/api/v1/interactions/" + id).expect(403);
        bob.post("/api/v1/reservations/" + reservation + "/accept", "{}").expect(200);
        bob.post("/api/v1/reservations/" + reservation + "/accept", "{}").expect(409);
        bob.get("/api/v1/interactions/" + id).expect(200);
    }

    /**
     * A PIN is not guessed: after 10 failed logins of one agent in 15 minutes even the right PIN waits (429), and another
     * agent logs in from the same address meanwhile; right logins count nothing.
     */
    @Test
    void failedLoginsOfAnAgentAreLimited() {
        Agents.create(admin, "ann", new JsonObject().put("support", 5));
        for (int i = 0; i < 12; i++) {
            Agents.login(admin, "ann"); // a floor logging in over and over is never limited
        }
        for (int i = 0; i < HttpApi.LOGIN_FAILURES_PER_AGENT - 1; i++) {
            admin.as(null).post("/api/v1/auth/agent", new JsonObject().put("agentId", "ann").put("pin", "0000"))
                    .expect(401);
        }
        Agents.login(admin, "ann");
        admin.as(null).post("/api/v1/auth/agent", new JsonObject().put("agentId", "ann").put("pin", "0001")).expect(401);
        Api.Reply lockedOut = admin.as(null).post("/api/v1/auth/agent", new JsonObject().put("agentId", "ann")
                .put("pin", "1234")).expect(429);
        assertEquals("too_many_requests", lockedOut.json().getString("error"));
        assertEquals("900", lockedOut.header("Retry-After"), "the lock's window, for clients that back off");
        for (int i = 0; i < HttpApi.LOGIN_FAILURES_PER_CLIENT; i++) { // ann's desk retrying: refused, no guess made
            admin.as(null).post("/api/v1/auth/agent", new JsonObject().put("agentId", "ann").put("pin", "1234"))
                    .expect(429);
        }
        Agents.create(admin, "bob", new JsonObject().put("support", 5)); // logs bob in: the address is not locked
    }

    /** The per-agent counter is a Redis key named by the id: an id no agent could have writes none (1 MB each...). */
    @Test
    void aLoginWithAnIdNoAgentCouldHaveWritesNothing() throws Exception {
        String huge = "x".repeat(100_000);
        admin.as(null).post("/api/v1/auth/agent", new JsonObject().put("agentId", huge).put("pin", "0000")).expect(401);
        admin.as(null).post("/api/v1/auth/agent", new JsonObject().put("agentId", "ann").put("pin", "0".repeat(100)))
                .expect(401);
        try (var connection = io.switchboard.store.redis.RedisConnection.connect(redis.uri())) {
            var keys = io.switchboard.store.redis.RedisKeys.of(prefix);
            assertEquals(0L, connection.commands().exists(keys.rateLimit("login-agent", huge), keys.rateLimit(
                    "login-agent", "ann")).toCompletableFuture().join());
        }
    }

    @Test
    void badRequestsGetClearJsonErrors() {
        JsonObject noToken = admin.as(null).get("/api/v1/agents").expect(401).json();
        assertEquals("unauthorized", noToken.getString("error"));
        admin.as("wrong").get("/api/v1/agents").expect(401);
        admin.as(null).get("/api/v1/agents?access_token=" + TestNode.ADMIN_KEY).expect(401); // a WebSocket's way only
        admin.as(null).post("/api/v1/auth/agent", new JsonObject().put("agentId", "nobody").put("pin", "0000"))
                .expect(401);

        assertEquals("bad_request", admin.postRaw("/api/v1/interactions", "{not json").expect(400).json().getString("error"));
        assertTrue(admin.post("/api/v1/interactions", new JsonObject().put("channel", "fax")).expect(400)
                .json().getString("message").contains("channel"));
        admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat").put("workflow", "nope")).expect(422);
        admin.put("/api/v1/agents/x", new JsonObject().put("skills", new JsonObject().put("support", 11))).expect(400);
        admin.put("/api/v1/agents/bad%20id", new JsonObject()).expect(400);
        admin.get("/api/v1/interactions/does-not-exist").expect(404);
        admin.post("/api/v1/reservations/nope/accept", new JsonObject().put("agentId", "x")).expect(404);
        admin.get("/api/v1/queues/nope/stats").expect(404);
        admin.get("/api/v1/nothing-here").expect(404);

        // over the attributes' own bound (32 KB of JSON), under the body's: created neither way
        admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")
                .put("attributes", new JsonObject().put("x", "a".repeat(40_000)))).expect(422);
        String big = "{\"channel\":\"chat\",\"attributes\":{\"x\":\"" + "a".repeat(1_100_000) + "\"}}";
        assertEquals("payload_too_large", admin.postRaw("/api/v1/interactions", big).expect(413).json().getString("error"));

        // nothing above changed state: the queue is still empty and no agent exists
        assertEquals(0, admin.get("/api/v1/queues/support/stats").json().getLong("waiting"));
        assertEquals(0, admin.get("/api/v1/agents").expect(200).array().size());
    }

    @Test
    void healthAndMetricsAndOpenApi() {
        assertEquals("UP", admin.as(null).get("/health/live").expect(200).json().getString("status"));
        assertEquals("UP", admin.as(null).get("/health/ready").expect(200).json().getString("redis"));
        assertTrue(admin.as(null).get("/api/v1/openapi.yaml").expect(200).body().startsWith("openapi: 3"));
        admin.as(null).get("/metrics").expect(401);
        admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201);
        String scrape = admin.as("test-supervisor-key").get("/metrics").expect(200).body();
        assertTrue(scrape.contains("switchboard_queue_offered_total{channel=\"chat\",queue=\"support\"} 1.0"),
                scrape);
    }

    private static List<String> statuses(JsonObject interaction) {
        JsonArray history = interaction.getJsonArray("history");
        return history.stream().map(JsonObject.class::cast).filter(e -> "status".equals(e.getString("type")))
                .map(e -> e.getString("status")).toList();
    }

    /** stats.perAgentSeries: series labelled by agent appear in /metrics only where configured. */
    @Test
    void perAgentSeriesOnlyWhereConfigured(TestRedis redis) {
        try (TestNode perAgent = TestNode.on(redis, redis.newPrefix()).env("SWITCHBOARD_PER_AGENT_SERIES", "true")
                .start()) {
            for (TestNode each : List.of(node, perAgent)) {
                Api staff = each.api();
                Api ann = Agents.create(staff, "ann", new JsonObject().put("support", 8));
                try (AgentSocket events = ann.events("ann")) {
                    Agents.available(ann, "ann");
                    String id = staff.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                            .put("attributes", new JsonObject().put("intent", "support"))).expect(201).json()
                            .getString("id");
                    ann.post("/api/v1/reservations/" + events.await("offer").getString("reservation") + "/accept", "{}")
                            .expect(200);
                    ann.post("/api/v1/interactions/" + id + "/complete", new JsonObject().put("disposition", "resolved"))
                            .expect(200);
                }
            }
            String plain = node.api().get("/metrics").expect(200).body();
            assertTrue(plain.contains("switchboard_contacts_handled_total"), "the contact is counted");
            assertTrue(!plain.contains("agent=\"ann\""), "no series names an agent by default");
            String scrape = perAgent.api().get("/metrics").expect(200).body();
            assertTrue(scrape.contains("switchboard_agent_contacts_handled_total{agent=\"ann\"} 1"), scrape);
            assertTrue(scrape.contains("switchboard_agent_handle_seconds_count{agent=\"ann\"} 1"), scrape);
        }
    }
}
