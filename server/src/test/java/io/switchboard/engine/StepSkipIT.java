package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step's {@code skipIf}: passed over as the interaction enters it, so that nobody waits out a step's timeout where
 * nobody is signed in ({@code no_logged_in_agents}) or, where asked, where nobody is free now
 * ({@code no_available_agents}). Each case would wait at the experts' step for a minute without it.
 */
@ExtendWith(TestRedis.class)
class StepSkipIT {
    private static final String RULES = """
            queues:
              experts:
                members: '"expert" in agent.skills'
                wrapUpSeconds: 0
              support:
                members: '"support" in agent.skills'
                wrapUpSeconds: 0
            workflow: default
            preferredAgent:
              attribute: preferredAgentId
              timeoutSeconds: 60
              skipIf: no_logged_in_agents
            filters:
              - name: experts-when-staffed
                match: 'attributes.route == "staffed"'
                steps:
                  - queue: experts
                    timeoutSeconds: 60
                    skipIf: no_logged_in_agents
                  - queue: support
              - name: experts-when-free
                match: 'attributes.route == "free"'
                steps:
                  - queue: experts
                    timeoutSeconds: 60
                    skipIf: no_available_agents
                  - queue: support
              - name: experts-always
                match: 'attributes.route == "plain"'
                steps:
                  - queue: experts
                    timeoutSeconds: 60
                  - queue: support
            default:
              steps:
                - queue: support
            """;

    private TestRedis redis;
    private String prefix;
    private Path rules;
    private TestNode node;
    private Api admin;
    private Api eve;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        this.redis = redis;
        prefix = redis.newPrefix();
        rules = Rules.folder(temp, RULES);
        node = TestNode.on(redis, prefix).rules(rules).start();
        admin = node.api();
        eve = Agents.create(admin, "eve", new JsonObject().put("expert", 9));
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 5), new JsonObject().put("voice", 5));
        Agents.available(sam, "sam");
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aStepWhoseAgentsAreAllOfflineIsPassedOver() {
        assertEquals("no_logged_in_agents", admin.post("/api/v1/routing/explain", new JsonObject()
                .put("channel", "voice").put("attributes", new JsonObject().put("route", "staffed"))).expect(200)
                .json().getJsonArray("steps").getJsonObject(0).getString("skipIf"));
        JsonObject skipped = create(new JsonObject().put("route", "staffed"));
        assertEquals("support", skipped.getString("queue"));
        assertEquals("sam", skipped.getString("agentId"), "offered at once in the next step");
        JsonObject skip = skipped.getJsonArray("history").stream().map(JsonObject.class::cast)
                .filter(e -> "step_skipped".equals(e.getString("type"))).findFirst().orElseThrow();
        assertEquals("experts", skip.getString("queue"));
        assertEquals("no_logged_in_agents", skip.getString("reason"));

        eve.post("/api/v1/agents/eve/state", new JsonObject().put("state", "away").put("reason", "break")).expect(200);
        JsonObject waits = create(new JsonObject().put("route", "staffed"));
        assertEquals("experts", waits.getString("queue"), "an agent away is signed in: the step is kept");
        assertEquals("queued", waits.getString("status"));

        eve.post("/api/v1/agents/eve/state", new JsonObject().put("state", "offline")).expect(200);
        assertEquals("support", create(new JsonObject().put("route", "staffed")).getString("queue"));
    }

    /** Signed in, but for chat only: nobody staffs the experts' calls. */
    @Test
    void anAgentWithoutCapacityOnTheChannelDoesNotStaffIt() {
        admin.put("/api/v1/agents/cid", new JsonObject().put("skills", new JsonObject().put("expert", 9))
                .put("capacity", new JsonObject().put("voice", 0)).put("pin", "1234")).expect(200);
        Agents.available(Agents.login(admin, "cid"), "cid");
        assertEquals("support", create(new JsonObject().put("route", "staffed")).getString("queue"));
    }

    @Test
    void aStepNobodyCanTakeNowIsPassedOverWhenAsked() {
        Agents.available(eve, "eve");
        JsonObject first = create(new JsonObject().put("route", "free"));
        assertEquals("eve", first.getString("agentId"));

        JsonObject second = create(new JsonObject().put("route", "free"));
        assertEquals("support", second.getString("queue"), "eve holds an offer: nobody of the experts is free");
        assertEquals("sam", second.getString("agentId"));
        assertEquals("experts", create(new JsonObject().put("route", "staffed")).getString("queue"),
                "no_logged_in_agents keeps the step while eve is signed in, busy or not");
    }

    @Test
    void aPreferredAgentWhoIsOfflineIsPassedOver() {
        // the dry run says so first, as the real run then does
        assertEquals("every agent of it is signed out (skipIf: no_logged_in_agents)", passedOverNow("eve"));
        assertEquals("sam", create(new JsonObject().put("preferredAgentId", "eve")).getString("agentId"));
        Agents.available(eve, "eve");
        eve.post("/api/v1/agents/eve/state", new JsonObject().put("state", "away").put("reason", "break")).expect(200);
        assertEquals(null, passedOverNow("eve"), "eve is signed in, if away");
        JsonObject waits = create(new JsonObject().put("preferredAgentId", "eve"));
        assertEquals("queued", waits.getString("status"), "eve is signed in: the interaction waits for her");
        assertEquals(0, waits.getInteger("step"));
        String pool = waits.getJsonArray("plan").getJsonObject(0).getString("pool");
        assertTrue(pool.startsWith("@"), "the preferred agent's step: " + pool);
    }

    /**
     * app_queue's leavewhenempty: the experts' last agent signs out while contacts wait for them; those on a step with
     * {@code skipIf: no_logged_in_agents} move on at once instead of waiting out the minute, the others stay.
     */
    @Test
    void contactsWaitingAtAStepLeaveItWhenItsLastAgentSignsOut() {
        eve.post("/api/v1/agents/eve/state", new JsonObject().put("state", "away").put("reason", "break")).expect(200);
        Api sam = Agents.login(admin, "sam");
        sam.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away").put("reason", "break")).expect(200);
        JsonObject skipping = create(new JsonObject().put("route", "staffed"));
        JsonObject preferring = create(new JsonObject().put("preferredAgentId", "eve"));
        JsonObject staying = create(new JsonObject().put("route", "plain"));
        assertEquals("experts", skipping.getString("queue"));
        assertEquals("@eve", preferring.getJsonArray("plan").getJsonObject(preferring.getInteger("step"))
                .getString("pool"), "waits for eve, who is signed in");
        assertEquals("experts", staying.getString("queue"));

        eve.post("/api/v1/agents/eve/state", new JsonObject().put("state", "offline")).expect(200);
        Await.until("the staffed-experts contact moved on", () -> "support".equals(get(skipping).getString("queue")));
        Await.until("the preferred-agent contact moved on", () -> "support".equals(get(preferring).getString("queue")));
        JsonObject skip = get(skipping).getJsonArray("history").stream().map(JsonObject.class::cast)
                .filter(e -> "step_skipped".equals(e.getString("type"))).findFirst().orElseThrow();
        assertEquals("experts", skip.getString("queue"));
        assertEquals("no_logged_in_agents", skip.getString("reason"));
        Await.holds("a step without skipIf keeps its contact", Duration.ofSeconds(1),
                () -> "experts".equals(get(staying).getString("queue")));
    }

    /** A line longer than a sweep's batch, the contacts that stay ahead of those that go: every one is looked at. */
    @Test
    void aLongLineIsDrainedInBatches() {
        eve.post("/api/v1/agents/eve/state", new JsonObject().put("state", "away").put("reason", "break")).expect(200);
        Api sam = Agents.login(admin, "sam");
        sam.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away").put("reason", "break")).expect(200);
        for (int i = 0; i < 120; i++) {
            create(new JsonObject().put("route", "plain"));
        }
        for (int i = 0; i < 130; i++) {
            create(new JsonObject().put("route", "staffed"));
        }
        eve.post("/api/v1/agents/eve/state", new JsonObject().put("state", "offline")).expect(200);
        Await.until("every staffed-experts contact moved on", Duration.ofSeconds(20), () -> waiting("support") == 130);
        assertEquals(120, waiting("experts"));
    }

    private int waiting(String queue) {
        return admin.get("/api/v1/queues/" + queue + "/stats").expect(200).json().getInteger("waiting");
    }

    /** Signed-in sets written by no earlier version: the node that starts on such data rebuilds them for every agent. */
    @Test
    void aNodeStartingOnAgentsIndexedWithoutSignedInSetsRebuildsThem() throws Exception {
        eve.post("/api/v1/agents/eve/state", new JsonObject().put("state", "away").put("reason", "break")).expect(200);
        node.close();
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            RedisKeys keys = RedisKeys.of(prefix);
            connection.commands().del(keys.rulesApplied(), prefix + ":pool:experts:on:voice").get(5, TimeUnit.SECONDS);
        }
        node = TestNode.on(redis, prefix).rules(rules).start();
        admin = node.api();
        assertEquals("experts", create(new JsonObject().put("route", "staffed")).getString("queue"));
    }

    private JsonObject get(JsonObject interaction) {
        return admin.get("/api/v1/interactions/" + interaction.getString("id")).expect(200).json();
    }

    /** Creates a voice interaction with these attributes and returns it as it stands right after. */
    /** The dry run's word on the preferred agent's step (the first) for a call asking for this agent. */
    private String passedOverNow(String preferred) {
        return admin.post("/api/v1/routing/explain", new JsonObject().put("channel", "voice").put("attributes",
                new JsonObject().put("preferredAgentId", preferred))).expect(200).json().getJsonArray("steps")
                .getJsonObject(0).getString("passedOverNow");
    }

    private JsonObject create(JsonObject attributes) {
        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                .put("attributes", attributes)).expect(201).json().getString("id");
        return admin.get("/api/v1/interactions/" + id).expect(200).json();
    }
}
