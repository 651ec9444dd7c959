package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's autoAccept: chats (here) are assigned in the run that offers them, no accept click, as Chatwoot and
 * Zammad assign conversations; the agent goes on to take what else waits, up to its capacity. Emails, not in its
 * list, are still offered.
 */
@ExtendWith(TestRedis.class)
class AutoAcceptIT {
    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) throws IOException {
        node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .sla(Files.writeString(temp.resolve("sla.yaml"), """
                        policies:
                          - name: chat
                            match: 'channel == "chat"'
                            targets: {answer: 60s}
                        """)).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void chatsWaitingAreAllAssignedWhenTheAgentComesAndANewOneAtOnce() {
        admin.put("/api/v1/agents/ann", new JsonObject().put("skills", new JsonObject().put("support", 5))
                .put("pin", "1234").put("capacity", new JsonObject().put("chat", 2))
                .put("crossChannel", new JsonObject().put("chat", "any_channel"))
                .put("autoAccept", new JsonArray().add("chat"))).expect(200);
        assertEquals(new JsonArray().add("chat"), admin.get("/api/v1/agents/ann").json().getJsonArray("autoAccept"));
        Api ann = Agents.login(admin, "ann");
        AgentSocket desk = ann.events("ann");
        String first = create("chat");
        String second = create("chat");
        String third = create("chat");

        Agents.available(ann, "ann");
        assertEquals("assigned", status(first));
        // the agent goes on to the next, up to its chat capacity: in the same script run, but this read found the second
        // still queued in a few full CI runs (never alone, nor in 150 runs under load); the sweep's rematch now offers
        // such a contact within a second (RematchIT), and this says what the state was should it ever fail again
        try {
            Await.until("the second chat taken too", () -> "assigned".equals(status(second)));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; second: " + admin.get("/api/v1/interactions/" + second).body()
                    + "; first: " + admin.get("/api/v1/interactions/" + first).body() + "; agent: "
                    + admin.get("/api/v1/agents/ann").body(), e);
        }
        assertEquals("queued", status(third), "capacity 2");
        JsonObject offer = desk.await("offer");
        assertTrue(offer.getBoolean("autoAccepted"), offer.encode());
        assertEquals(first, desk.await("assigned").getString("interaction"));
        JsonObject history = admin.get("/api/v1/interactions/" + first).json();
        assertEquals(List.of("queued", "reserved", "assigned"), history.getJsonArray("history").stream()
                .map(JsonObject.class::cast).filter(e -> "status".equals(e.getString("type")))
                .map(e -> e.getString("status")).toList());
        assertEquals(0, admin.get("/api/v1/agents/ann").json().getInteger("missedOffers"));
        Await.until("the answer agreement met by the auto-accept", () -> "met".equals(
                admin.get("/api/v1/interactions/" + first).json().getJsonObject("sla").getString("state")));

        ann.post("/api/v1/interactions/" + first + "/complete", new JsonObject().put("disposition", "resolved"))
                .expect(200);
        assertEquals("assigned", status(third), "a freed place takes the next at once");

        String email = create("email");
        assertEquals("reserved", status(email), "email is not in ann's autoAccept: offered, waiting for a click");
    }

    @Test
    void callsCannotBeAutoAccepted() {
        String message = admin.put("/api/v1/agents/ann", new JsonObject().put("pin", "1234")
                .put("autoAccept", new JsonArray().add("voice"))).expect(400).json().getString("message");
        assertTrue(message.contains("a call is accepted by answering it"), message);
    }

    private String create(String channel) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", channel)).expect(201).json()
                .getString("id");
    }

    private String status(String id) {
        return admin.get("/api/v1/interactions/" + id).expect(200).json().getString("status");
    }
}
