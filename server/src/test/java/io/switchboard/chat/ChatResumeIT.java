package io.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A customer whose chat socket drops comes back with the chat's token; new chats are rate limited per address. */
@ExtendWith(TestRedis.class)
class ChatResumeIT {

    private static JsonObject form(String email) {
        return new JsonObject().put("type", "start").put("name", "Ada").put("email", email).put("topic", "support")
                .put("language", "en");
    }

    private static JsonObject say(String text) {
        return new JsonObject().put("type", "message").put("text", text);
    }

    /**
     * The socket drops mid-chat; the customer reconnects on the other node with the token: the same chat,
     * the transcript replayed in order, and the agent sees nothing but the customer's next message.
     */
    @Test
    void aDroppedCustomerResumesTheSameChatOnAnyNode(TestRedis redis, @TempDir Path temp) {
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        try (TestNode nodeA = TestNode.on(redis, prefix).rules(rules).start();
             TestNode nodeB = TestNode.on(redis, prefix).rules(rules).start()) {
            Api ann = Agents.create(nodeA.api(), "ann", new JsonObject().put("support", 5));
            try (AgentSocket desk = ann.events("ann")) {
                AgentSocket first = nodeA.api().chat();
                first.send(form("ada@example.com"));
                JsonObject started = first.await("started");
                String id = started.getString("interaction");
                Agents.available(ann, "ann");
                ann.post("/api/v1/reservations/" + desk.await("offer").getString("reservation") + "/accept", "{}")
                        .expect(200);
                first.await("agent_joined");
                first.send(say("my order is late"));
                assertEquals("my order is late", desk.await("chat_message").getString("text"));
                ann.post("/api/v1/interactions/" + id + "/messages", new JsonObject().put("text", "let me look")).expect(200);
                first.await("chat_message");
                first.abort(); // the network drops: no close frame, no leave

                try (AgentSocket again = nodeB.api().chat()) {
                    again.send(new JsonObject().put("type", "resume").put("token", started.getString("token")));
                    JsonObject resumed = again.await("resumed");
                    assertEquals(id, resumed.getString("interaction"));
                    assertEquals("assigned", resumed.getString("status"));
                    List<String> replay = List.of(again.await("chat_message").getString("text"),
                            again.await("chat_message").getString("text"));
                    assertEquals(List.of("my order is late", "let me look"), replay);

                    again.send(say("still there?"));
                    JsonObject next = desk.await("chat_message");
                    assertEquals("customer", next.getString("from"), "the agent was not told the customer left");
                    assertEquals("still there?", next.getString("text"));
                    ann.post("/api/v1/interactions/" + id + "/messages", new JsonObject().put("text", "yes")).expect(200);
                    assertEquals("yes", again.await("chat_message").getString("text"));
                    assertEquals("assigned", nodeA.api().get("/api/v1/interactions/" + id).json().getString("status"));
                }
            }
        }
    }

    /**
     * The node that holds the customers' sockets stops: one customer had dropped already (the grace running), the
     * other was still connected. The other node ends both once their time is up: the waiting one abandoned, the
     * one with an agent wrapped up, so nobody waits for a customer who is gone and the agent's capacity comes back.
     */
    @Test
    void chatsEndOnAnotherNodeWhenTheNodeHoldingTheirCustomersStops(TestRedis redis, @TempDir Path temp) {
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        try (TestNode nodeB = TestNode.on(redis, prefix).rules(rules).env("SWITCHBOARD_CHAT_RESUME_SECONDS", "2")
                .start()) {
            Api admin = nodeB.api();
            Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
            String waiting;
            String chatting;
            try (TestNode nodeA = TestNode.on(redis, prefix).rules(rules).env("SWITCHBOARD_CHAT_RESUME_SECONDS", "2")
                    .start(); AgentSocket desk = ann.events("ann")) {
                AgentSocket withAgent = nodeA.api().chat();
                withAgent.send(form("ada@example.com"));
                chatting = withAgent.await("started").getString("interaction");
                Agents.available(ann, "ann");
                ann.post("/api/v1/reservations/" + desk.await("offer").getString("reservation") + "/accept", "{}")
                        .expect(200);
                withAgent.await("agent_joined");
                ann.post("/api/v1/agents/ann/state", new JsonObject().put("state", "away")).expect(200);
                AgentSocket inLine = nodeA.api().chat();
                inLine.send(form("bo@example.com"));
                waiting = inLine.await("started").getString("interaction");
                inLine.await("queued");
                inLine.abort(); // dropped: its grace runs on node A, which then stops
            }
            Await.until("the waiting chat abandoned", java.time.Duration.ofSeconds(15),
                    () -> "abandoned".equals(admin.get("/api/v1/interactions/" + waiting).json().getString("status")));
            Await.until("the agent's chat ended", java.time.Duration.ofSeconds(15), () -> !"assigned".equals(
                    admin.get("/api/v1/interactions/" + chatting).json().getString("status")));
            String status = admin.get("/api/v1/interactions/" + chatting).json().getString("status");
            assertTrue(List.of("wrapping", "completed").contains(status), "the agent wraps up: " + status);
            // counted by the sweeping node once the end is written, a moment after the status reads so
            Await.until("counted once each, by the node that ended them", () -> {
                String metrics = admin.get("/metrics").body();
                return metrics.contains("switchboard_chats_ended_total{outcome=\"customer_left\",queue=\"support\"} 1.0")
                        && metrics.contains("switchboard_chats_ended_total{outcome=\"abandoned\",queue=\"support\"} 1.0");
            });
        }
    }

    @Test
    void aBadTokenGetsAClearErrorAndTheConnectionStaysUsable(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).start();
             AgentSocket customer = node.api().chat()) {
            customer.send(new JsonObject().put("type", "resume").put("token", "chs_forged"));
            JsonObject error = customer.await("error");
            assertEquals("not_found", error.getString("code"));
            assertEquals("unknown or expired chat token: start a new chat", error.getString("message"));
            customer.send(new JsonObject().put("type", "resume"));
            assertEquals("bad_request", customer.await("error").getString("code"));
            customer.send(form("bo@example.com"));
            customer.await("started");
        }
    }

    /** Not resumed within the grace period, a waiting chat is abandoned as before. */
    @Test
    void aDropNotResumedInTimeIsAnAbandon(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_CHAT_RESUME_SECONDS", "1").start()) {
            AgentSocket customer = node.api().chat();
            customer.send(form("cy@example.com"));
            JsonObject started = customer.await("started");
            String id = started.getString("interaction");
            customer.abort();
            assertEquals("queued", node.api().get("/api/v1/interactions/" + id).json().getString("status"),
                    "kept during the grace period");
            Await.until("abandoned after the grace period", () -> "abandoned".equals(
                    node.api().get("/api/v1/interactions/" + id).json().getString("status")));
        }
    }

    @Test
    void newChatsFromOneAddressAreRateLimited(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_CHAT_RATE_LIMIT", "2").start();
             AgentSocket one = node.api().chat(); AgentSocket two = node.api().chat();
             AgentSocket three = node.api().chat()) {
            one.send(form("d1@example.com"));
            one.await("started");
            two.send(form("d2@example.com"));
            two.await("started");
            three.send(form("d3@example.com"));
            JsonObject error = three.await("error");
            assertEquals("rate_limited", error.getString("code"));
            assertEquals("too many new chats from your address: try again in a minute", error.getString("message"));
            assertEquals(2, node.api().get("/api/v1/stats/realtime").array().stream().map(JsonObject.class::cast)
                    .filter(q -> "support".equals(q.getString("queue"))).findFirst().orElseThrow()
                    .getJsonObject("today").getLong("offered"), "the refused chat never entered a queue");
        }
    }
}
