package io.switchboard.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Chats;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canned responses over HTTP with a real Redis: staff write them (a bad code or an unknown placeholder refused with
 * its reason), everyone reads them, and an agent reads them filled in for the chat it holds.
 */
@ExtendWith(TestRedis.class)
class CannedResponsesIT {
    private static final String GREET = "Hello {customer}, this is {agent}. Your case is {case}.";

    @Test
    void staffWriteThemAndAnAgentGetsThemFilledInForItsChat(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).start()) {
            Api admin = node.api();
            Api supervisor = admin.as("test-supervisor-key");
            Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
            Api bob = Agents.create(admin, "bob", new JsonObject().put("billing", 5));

            supervisor.put("/api/v1/responses/greet", response("Greeting", GREET)).expect(200);
            supervisor.put("/api/v1/responses/bye", response("Goodbye", "Thank you, bye!")).expect(200);
            assertTrue(supervisor.put("/api/v1/responses/Greet!", response("x", "y")).expect(400).body().contains("code"));
            assertTrue(supervisor.put("/api/v1/responses/typo", response("Typo", "Hi {name}")).expect(400).body()
                    .contains("unknown placeholder {name}"));
            assertTrue(supervisor.put("/api/v1/responses/typo", response("Typo", "Hi { customer }")).expect(400).body()
                    .contains("unknown placeholder { customer }"));
            supervisor.put("/api/v1/responses/nul", response("Nul", "Hi\u0000")).expect(400);
            supervisor.put("/api/v1/responses/bidi", response("Evil\u202Etitle", "Hi")).expect(400);
            supervisor.put("/api/v1/responses/long", response("Long", "x".repeat(3501))).expect(400);
            supervisor.put("/api/v1/responses/notitle", new JsonObject().put("text", "x")).expect(400);
            ann.put("/api/v1/responses/mine", response("Mine", "text")).expect(403);

            JsonArray all = ann.get("/api/v1/responses").expect(200).json().getJsonArray("responses");
            assertEquals(2, all.size(), all.encode());
            assertEquals("bye", all.getJsonObject(0).getString("code"), "by code");
            assertEquals(GREET, all.getJsonObject(1).getString("text"), "as written");

            try (AgentSocket customer = admin.as(null).chat()) {
                JsonObject started = Chats.start(customer, "Bo", "bo@example.com");
                String id = Chats.take(ann, "ann");
                JsonArray filled = ann.get("/api/v1/interactions/" + id + "/responses").expect(200).json()
                        .getJsonArray("responses");
                assertEquals("Hello Bo, this is Agent ann. Your case is " + started.getString("caseId") + ".",
                        filled.getJsonObject(1).getString("text"));
                bob.get("/api/v1/interactions/" + id + "/responses").expect(403);
            }

            supervisor.delete("/api/v1/responses/bye").expect(200);
            supervisor.delete("/api/v1/responses/bye").expect(404);
            ann.delete("/api/v1/responses/greet").expect(403);
            assertEquals(1, admin.get("/api/v1/responses").json().getJsonArray("responses").size());
        }
    }

    private static JsonObject response(String title, String text) {
        return new JsonObject().put("title", title).put("text", text);
    }
}
