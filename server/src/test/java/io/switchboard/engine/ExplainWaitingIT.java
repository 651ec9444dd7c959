package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/interactions/{id}/explain}: the supervisor's "why is this one still waiting?", answered for the
 * step it waits at with each agent's reason, including those only a live interaction has (it refused it, it is
 * ringing for it).
 */
@ExtendWith(TestRedis.class)
class ExplainWaitingIT {
    private static final String RULES = """
            queues:
              english:
                members: '"en" in agent.skills'
                wrapUpSeconds: 0
            workflow: default
            default:
              steps:
                - queue: english
                  agents: 'agent.skills.en >= 5'
            """;

    private TestNode node;
    private Api admin;
    private Path rules;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) throws Exception {
        rules = Rules.folder(temp, RULES);
        node = TestNode.on(redis, redis.newPrefix()).rules(rules).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void eachAgentSaysWhyItIsNotOfferedTheWaitingContact() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("en", 8));
        ann.post("/api/v1/agents/ann/state", new JsonObject().put("state", "away").put("reason", "lunch")).expect(200);
        Api dan = Agents.create(admin, "dan", new JsonObject().put("en", 8));
        try (AgentSocket desk = dan.events("dan")) {
            Agents.available(dan, "dan");
            admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201);
            dan.post("/api/v1/reservations/" + desk.await("offer").getString("reservation") + "/accept", "{}").expect(200);
            // busy with that chat, with room for two more, but away now: routing offers nothing new
            dan.post("/api/v1/agents/dan/state", new JsonObject().put("state", "away").put("reason", "meeting"))
                    .expect(200);
        }
        Agents.available(Agents.create(admin, "bob", new JsonObject().put("en", 8), new JsonObject().put("chat", 0)), "bob");
        Agents.available(Agents.create(admin, "eva", new JsonObject().put("es", 9)), "eva");
        Agents.available(Agents.create(admin, "tim", new JsonObject().put("en", 3)), "tim");
        Api cid = Agents.create(admin, "cid", new JsonObject().put("en", 7));
        String id;
        try (AgentSocket desk = cid.events("cid")) {
            Agents.available(cid, "cid");
            id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json()
                    .getString("id");
            String reservation = desk.await("offer").getString("reservation");
            assertEquals("offered it now", reasons(explain(id)).get("cid"));
            cid.post("/api/v1/reservations/" + reservation + "/reject", new JsonObject()).expect(200);
        }

        JsonObject explained = explain(id);
        assertEquals("queued", explained.getString("status"));
        assertEquals("english", explained.getString("queue"));
        assertEquals(0, explained.getJsonObject("step").getInteger("step"));
        Map<String, String> reasons = reasons(explained);
        assertEquals("state is away (lunch)", reasons.get("ann"));
        assertEquals("state is busy, and away (meeting) after that: takes no new work", reasons.get("dan"));
        assertEquals("no chat capacity", reasons.get("bob"));
        assertEquals("not a member of queue 'english' (\"en\" in agent.skills)", reasons.get("eva"));
        assertEquals("fails step expression (agent.skills.en >= 5)", reasons.get("tim"));
        assertEquals("refused it last (rejected it or let it ring out): it goes to the others first, and to this agent "
                + "again 10 s after that", reasons.get("cid"));
        assertFalse(explained.getJsonObject("step").getJsonArray("agents").stream().map(JsonObject.class::cast)
                .anyMatch(a -> a.getBoolean("eligible")), "nobody could take it: that is why it waits");

        admin.get("/api/v1/interactions/no-such-one/explain").expect(404);
        admin.post("/api/v1/interactions/" + id + "/cancel", new JsonObject()).expect(200);
        admin.get("/api/v1/interactions/" + id + "/explain").expect(409);
        Agents.login(admin, "ann").get("/api/v1/interactions/" + id + "/explain").expect(403);
    }

    /** The step's narrowing changed under it: the contact waits on its queue's own line now, and the answer says so. */
    @Test
    void aContactWhoseStepNarrowingWasDroppedIsExplainedOnItsQueuesLine() throws Exception {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("en", 8));
        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json()
                .getString("id");
        long loads = admin.get("/api/v1/routing/rules").json().getLong("loads");
        Files.writeString(rules.resolve("rules.yaml"), RULES.replace("agent.skills.en >= 5", "agent.skills.en >= 6"));
        Await.until("the rules reloaded", () -> admin.get("/api/v1/routing/rules").json().getLong("loads") > loads);
        // the routing script moved it to its queue's own line: the explanation says so, not "nobody is offered it"
        JsonObject step = explain(id).getJsonObject("step");
        assertEquals("english", step.getString("pool"));
        assertEquals("state is offline", reasons(explain(id)).get("ann"));
        Agents.available(ann, "ann");
        Await.until("offered to ann", () -> "ann".equals(admin.get("/api/v1/interactions/" + id).json()
                .getString("agentId")));
    }

    private JsonObject explain(String id) {
        return admin.get("/api/v1/interactions/" + id + "/explain").expect(200).json();
    }

    private static Map<String, String> reasons(JsonObject explained) {
        return explained.getJsonObject("step").getJsonArray("agents").stream().map(JsonObject.class::cast)
                .collect(Collectors.toMap(a -> a.getString("agentId"), a -> a.getString("reason")));
    }
}
