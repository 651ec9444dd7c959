package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Explanations;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's queuePriority (Amazon Connect's routing-profile priority, app_queue's penalty): each case is set up so
 * that without it, the other contact or the other agent would be chosen (the older contact, the longest idle agent).
 */
@ExtendWith(TestRedis.class)
class QueuePriorityIT {
    private static final String RULES = """
            queues:
              billing:
                members: '"billing" in agent.skills'
                wrapUpSeconds: 0
              support:
                members: '"support" in agent.skills'
                wrapUpSeconds: 0
            workflow: default
            filters:
              - match: 'attributes.intent == "billing"'
                steps:
                  - queue: billing
            default:
              steps:
                - queue: support
            """;

    private final TestClock clock = new TestClock();
    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, RULES)).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void anAgentFreeingUpTakesItsFirstPriorityQueueBeforeAnOlderContactOfItsSecond() {
        Api ann = agent("ann", new JsonObject().put("billing", 5).put("support", 5), new JsonObject().put("support", 2));
        assertEquals(new JsonObject().put("support", 2),
                admin.get("/api/v1/agents/ann").json().getJsonObject("queuePriority"));
        String support = create(new JsonObject());
        clock.advance(Duration.ofSeconds(30));
        String billing = create(new JsonObject().put("intent", "billing"));

        Agents.available(ann, "ann");
        assertEquals("ann", agentOf(billing), "billing is ann's priority 1, though support waited longer");
        assertEquals("queued", status(support));
        assertEquals(1, admin.get("/api/v1/queues/support/stats").expect(200).json().getJsonObject("agents")
                .getInteger("reserved"), "a member at priority 2 is still one of the queue's agents (staffing, wait)");
    }

    @Test
    void aQueuesContactGoesToAnAgentWithItAtABetterPriorityThoughAnotherWasIdleLonger() {
        Api ann = agent("ann", new JsonObject().put("support", 5), new JsonObject().put("support", 2));
        Api bob = agent("bob", new JsonObject().put("support", 5), new JsonObject());
        Agents.available(ann, "ann");
        clock.advance(Duration.ofSeconds(60));
        Agents.available(bob, "bob");

        assertEquals("eligible now, at queue priority 2 (after free agents at a better one)",
                Explanations.reason(admin, new JsonObject().put("channel", "voice"), "ann"));
        assertEquals("bob", agentOf(create(new JsonObject())), "ann was idle a minute longer, at priority 2");
        assertEquals("ann", agentOf(create(new JsonObject())), "bob taken: priority 2 is next");
    }

    @Test
    void aPriorityOutOfRangeIsRefused() {
        String message = admin.put("/api/v1/agents/ann", new JsonObject().put("pin", "1234")
                .put("queuePriority", new JsonObject().put("support", 0))).expect(400).json().getString("message");
        assertTrue(message.contains("queuePriority.support must be 1-9, was 0"), message);
        assertTrue(admin.put("/api/v1/agents/ann", new JsonObject().put("pin", "1234").put("queuePriority", "first"))
                .expect(400).json().getString("message").contains("'queuePriority' must be a JSON object"));
        admin.get("/api/v1/agents/ann").expect(404);
        admin.put("/api/v1/agents/ann", new JsonObject().put("pin", "1234").putNull("queuePriority")
                .putNull("crossChannel")).expect(200);
    }

    private Api agent(String id, JsonObject skills, JsonObject queuePriority) {
        admin.put("/api/v1/agents/" + id, new JsonObject().put("skills", skills).put("pin", "1234")
                .put("queuePriority", queuePriority)).expect(200);
        return Agents.login(admin, id);
    }

    private String create(JsonObject attributes) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                .put("attributes", attributes)).expect(201).json().getString("id");
    }

    private String agentOf(String id) {
        return admin.get("/api/v1/interactions/" + id).expect(200).json().getString("agentId");
    }

    private String status(String id) {
        return admin.get("/api/v1/interactions/" + id).expect(200).json().getString("status");
    }
}
