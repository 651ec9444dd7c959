package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.store.redis.RedisConnection;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
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
 * Which of several free agents a step offers to: its {@code order}. Each case is set up so that the default, longest
 * idle, would pick another agent, and the same agents are ranked differently by the steps of other queues they are
 * in, so an agent's rank in one pool cannot leak into another.
 */
@ExtendWith(TestRedis.class)
class AgentOrderingIT {
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
              - name: billing
                match: 'attributes.intent == "billing"'
                steps:
                  - queue: billing
                    order: highest_proficiency:billing
              - name: least-occupied
                match: 'attributes.intent == "balanced"'
                steps:
                  - queue: billing
                    order: least_occupied
              - name: direct
                match: 'has(attributes.preferredAgentId)'
                steps:
                  - queue: support
            preferredAgent:
              attribute: preferredAgentId
              timeoutSeconds: 60
            default:
              steps:
                - queue: support
            """;

    private final TestClock clock = new TestClock();
    private TestRedis redis;
    private String prefix;
    private Path rules;
    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        this.redis = redis;
        prefix = redis.newPrefix();
        rules = Rules.folder(temp, RULES);
        node = TestNode.on(redis, prefix).clock(clock).rules(rules).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    /** Agents made available one second apart, in this order: the first has been idle longest. */
    private void availableInTurn(String... ids) {
        for (String id : ids) {
            Agents.available(Agents.login(admin, id), id);
            clock.advance(Duration.ofSeconds(1));
        }
    }

    private String offeredTo(JsonObject attributes, String channel) {
        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", channel)
                .put("attributes", attributes)).expect(201).json().getString("id");
        return admin.get("/api/v1/interactions/" + id).expect(200).json().getString("agentId");
    }

    @Test
    void highestProficiencyOffersToTheStrongestInTheSkillFirst() {
        Agents.create(admin, "novice", new JsonObject().put("billing", 3).put("support", 9));
        Agents.create(admin, "expert", new JsonObject().put("billing", 9).put("support", 2));
        Agents.create(admin, "middle", new JsonObject().put("billing", 6).put("support", 5));
        Agents.create(admin, "late", new JsonObject().put("billing", 1).put("support", 5));
        availableInTurn("late", "novice", "middle", "expert");

        assertEquals("late", offeredTo(new JsonObject(), "voice"), "support ranks by longest idle");
        assertEquals("expert", offeredTo(new JsonObject().put("intent", "billing"), "voice"));
        assertEquals("middle", offeredTo(new JsonObject().put("intent", "billing"), "voice"),
                "the expert holds an offer: the next strongest, not novice, idle longer");
    }

    /**
     * A node that re-indexes every agent (a new index layout, rules whose membership changed) must keep what the
     * orders rank by: the re-index once dropped every agent's skills, and highest proficiency fell back to idle time.
     */
    @Test
    void theOrderSurvivesAReIndexOfEveryAgent() throws Exception {
        Agents.create(admin, "novice", new JsonObject().put("billing", 3));
        Agents.create(admin, "expert", new JsonObject().put("billing", 9));
        node.close();
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            connection.commands().del(RedisKeys.of(prefix).rulesApplied()).get(5, TimeUnit.SECONDS);
        }
        node = TestNode.on(redis, prefix).clock(clock).rules(rules).start();
        admin = node.api();
        availableInTurn("novice", "expert");

        assertEquals("expert", offeredTo(new JsonObject().put("intent", "billing"), "voice"));
    }

    /**
     * Every candidate is read before it is reserved: an availability entry that no longer holds (as a node of an
     * older version, left running through an upgrade, would leave) never reserves an agent who cannot take the
     * contact, and is dropped.
     */
    @Test
    void anAgentLeftInAnAvailabilityIndexIsNotOffered() throws Exception {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 5));
        Agents.available(sam, "sam");
        sam.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away").put("reason", "break")).expect(200);
        String avail = RedisKeys.of(prefix).poolAvailable("support", "voice");
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            connection.commands().zadd(avail, 1, "sam").get(5, TimeUnit.SECONDS);
            String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201)
                    .json().getString("id");
            assertEquals("queued", admin.get("/api/v1/interactions/" + id).expect(200).json().getString("status"));
            assertEquals("away", Agents.state(admin, "sam"));
            assertNull(connection.commands().zscore(avail, "sam").get(5, TimeUnit.SECONDS), "the entry is dropped");
        }
    }

    @Test
    void leastOccupiedOffersToTheAgentWithTheSmallestShareOfCapacityInUse() {
        JsonObject capacity = new JsonObject().put("voice", 0).put("chat", 4).put("email", 0);
        Api busy = Agents.create(admin, "busy", new JsonObject().put("billing", 5).put("support", 5), capacity);
        Agents.create(admin, "calm", new JsonObject().put("billing", 5).put("support", 5), capacity);
        availableInTurn("busy", "calm");
        String first = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")
                .put("attributes", new JsonObject().put("preferredAgentId", "busy"))).expect(201).json().getString("id");
        JsonObject offered = admin.get("/api/v1/interactions/" + first).expect(200).json();
        assertEquals("busy", offered.getString("agentId"));
        busy.post("/api/v1/reservations/" + offered.getString("reservationId") + "/accept", "{}").expect(200);

        assertEquals("calm", offeredTo(new JsonObject().put("intent", "balanced"), "chat"),
                "busy holds one chat of four, calm none, though busy has been idle longer");
    }
}
