package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PATCH /api/v1/interactions/{id}}: new attributes (a chatbot found the language, the IVR the intent, a CRM the
 * account) route a waiting interaction again, as TaskRouter re-evaluates an updated task, keeping its place in line.
 * Without it the contact would wait on the route its first attributes gave.
 */
@ExtendWith(TestRedis.class)
class AttributeUpdateIT {
    private static final String RULES = """
            queues:
              english:
                members: '"en" in agent.skills'
                wrapUpSeconds: 0
              spanish:
                members: '"es" in agent.skills'
                wrapUpSeconds: 0
              everyone:
                members: '"en" in agent.skills || "es" in agent.skills'
                wrapUpSeconds: 0
              french-mail:
                members: '"fr" in agent.skills'
                channels: [email]
            workflow: default
            filters:
              - name: spanish
                match: 'attributes.language == "es"'
                steps:
                  - queue: spanish
              - name: french
                match: 'attributes.language == "fr"'
                steps:
                  - queue: french-mail
            default:
              steps:
                - queue: english
                  timeoutSeconds: 1
                - queue: everyone
            """;

    private TestRedis redis;
    private String prefix;
    private Path rules;
    private TestNode node;
    private Api admin;
    private Api ann;
    private Api eva;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        this.redis = redis;
        prefix = redis.newPrefix();
        rules = Rules.folder(temp, RULES);
        node = TestNode.on(redis, prefix).rules(rules).start();
        admin = node.api();
        ann = Agents.create(admin, "ann", new JsonObject().put("en", 8));
        eva = Agents.create(admin, "eva", new JsonObject().put("es", 8));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aWaitingInteractionMovesOntoTheRouteItsNewAttributesGiveKeepingItsPlaceInLine() {
        String id = create("chat");
        JsonObject before = interaction(id);
        assertEquals("english", before.getString("queue"));

        JsonObject updated = patch(admin, id, new JsonObject().put("language", "es")).expect(200).json();
        assertTrue(updated.getBoolean("rerouted"));
        assertEquals("spanish", updated.getString("queue"));
        assertEquals(new JsonArray().add("language"), updated.getJsonArray("changed"));

        JsonObject after = interaction(id);
        assertEquals("spanish", after.getString("filter"));
        assertEquals("queued", after.getString("status"));
        assertEquals(before.getJsonObject("timestamps").getLong("queued"),
                after.getJsonObject("timestamps").getLong("queued"), "its age goes with it");
        assertEquals("es", after.getJsonObject("attributes").getString("language"));
        assertEquals(1, events(after, "rerouted").size());
        assertEquals(new JsonArray().add("language"), events(after, "attributes_updated").get(0).getJsonArray("keys"));
        assertEquals(0, admin.get("/api/v1/queues/english/stats").expect(200).json().getInteger("waiting"));
        assertEquals(1, admin.get("/api/v1/queues/spanish/stats").expect(200).json().getInteger("waiting"));
        String scrape = admin.as("test-supervisor-key").get("/metrics").expect(200).body();
        assertTrue(scrape.contains("switchboard_queue_offered_total{channel=\"chat\",queue=\"spanish\"} 1.0"), scrape);
        assertTrue(scrape.contains("switchboard_queue_transferred_total{channel=\"chat\",queue=\"english\"} 1.0"));

        try (AgentSocket desk = eva.events("eva")) {
            Agents.available(eva, "eva");
            assertEquals(id, desk.await("offer").getString("interaction"));
        }
    }

    @Test
    void aChatOfferOnTheOldRouteIsWithdrawnAndMadeOnTheNewOne() {
        try (AgentSocket annDesk = ann.events("ann"); AgentSocket evaDesk = eva.events("eva")) {
            Agents.available(ann, "ann");
            Agents.available(eva, "eva");
            String id = create("chat");
            assertEquals(id, annDesk.await("offer").getString("interaction"));

            patch(admin, id, new JsonObject().put("language", "es")).expect(200);
            JsonObject canceled = annDesk.await("offer_canceled");
            assertEquals("rerouted", canceled.getString("reason"));
            assertEquals(id, evaDesk.await("offer").getString("interaction"));
            assertEquals("eva", interaction(id).getString("agentId"));
            assertEquals("available", Agents.state(admin, "ann"));
        }
    }

    /** Its caller is already being put through to the agent's phone: the offer stands until it is answered or not. */
    @Test
    void aRingingCallKeepsItsOfferAndTakesTheNewRouteIfItComesBack() {
        try (AgentSocket annDesk = ann.events("ann"); AgentSocket evaDesk = eva.events("eva")) {
            Agents.available(ann, "ann");
            Agents.available(eva, "eva");
            String id = create("voice");
            String reservation = annDesk.await("offer").getString("reservation");

            JsonObject updated = patch(admin, id, new JsonObject().put("language", "es")).expect(200).json();
            assertFalse(updated.getBoolean("rerouted"));
            assertTrue(updated.getBoolean("pending"));
            assertEquals("reserved", interaction(id).getString("status"));
            assertEquals("ann", interaction(id).getString("agentId"));

            ann.post("/api/v1/reservations/" + reservation + "/reject", new JsonObject()).expect(200);
            assertEquals(id, evaDesk.await("offer").getString("interaction"));
            JsonObject after = interaction(id);
            assertEquals("spanish", after.getString("queue"));
            assertEquals("spanish", after.getString("filter"));
        }
    }

    /** Spanish, then English again while the phone rang: the call comes back onto the route it was on. */
    @Test
    void aRingingCallsPendingRouteIsDroppedWhenTheAttributesGoBack() {
        try (AgentSocket annDesk = ann.events("ann")) {
            Agents.available(ann, "ann");
            String id = create("voice");
            String reservation = annDesk.await("offer").getString("reservation");
            assertTrue(patch(admin, id, new JsonObject().put("language", "es")).expect(200).json().getBoolean("pending"));
            patch(admin, id, new JsonObject().put("language", "en")).expect(200);

            ann.post("/api/v1/reservations/" + reservation + "/reject", new JsonObject()).expect(200);
            JsonObject after = interaction(id);
            assertEquals("english", after.getString("queue"));
            assertEquals(List.of(), events(after, "rerouted"));
        }
    }

    /** The new attributes match a filter whose queue serves no chat: the rules' fault, told, and the route kept. */
    @Test
    void attributesThatHaveNoRouteAreKeptWithoutMovingTheContact() {
        String id = create("chat");
        JsonObject updated = patch(admin, id, new JsonObject().put("language", "fr")).expect(200).json();
        assertFalse(updated.getBoolean("rerouted"));
        assertTrue(updated.getString("rerouteProblem").contains("serves chat"), updated.encode());
        JsonObject after = interaction(id);
        assertEquals("english", after.getString("queue"));
        assertEquals("fr", after.getJsonObject("attributes").getString("language"));
    }

    @Test
    void anUpdateThatKeepsTheRouteKeepsTheStepItEscalatedTo() {
        String id = create("chat");
        Await.until("the english step timed out", Duration.ofSeconds(10), () -> interaction(id).getInteger("step") == 1);

        JsonObject updated = patch(admin, id, new JsonObject().put("intent", "billing")).expect(200).json();
        assertFalse(updated.getBoolean("rerouted"));
        JsonObject after = interaction(id);
        assertEquals(1, after.getInteger("step"));
        assertEquals("everyone", after.getString("queue"));
        assertEquals(List.of(), events(after, "rerouted"));
        assertEquals("billing", after.getJsonObject("attributes").getString("intent"));
    }

    @Test
    void theAgentHoldingAnInteractionAddsAttributesWithoutMovingIt() {
        try (AgentSocket annDesk = ann.events("ann")) {
            Agents.available(ann, "ann");
            String id = create("chat");
            ann.post("/api/v1/reservations/" + annDesk.await("offer").getString("reservation") + "/accept",
                    new JsonObject()).expect(200);

            patch(eva, id, new JsonObject().put("account", "A-1")).expect(403);
            JsonObject updated = patch(ann, id, new JsonObject().put("account", "A-1").put("language", "es"))
                    .expect(200).json();
            assertFalse(updated.getBoolean("rerouted"));
            assertEquals(new JsonArray().add("account").add("language"),
                    annDesk.await("attributes_updated").getJsonArray("keys"));
            JsonObject after = interaction(id);
            assertEquals("assigned", after.getString("status"));
            assertEquals("english", after.getString("queue"));
            assertEquals("ann", events(after, "attributes_updated").get(0).getString("by"));

            patch(admin, id, new JsonObject().put("account", null)).expect(200);
            assertNull(interaction(id).getJsonObject("attributes").getValue("account"), "null removes an attribute");

            admin.post("/api/v1/interactions/" + id + "/complete", new JsonObject().put("disposition", "resolved"))
                    .expect(200);
            patch(ann, id, new JsonObject().put("account", "A-2")).expect(409);
        }
    }

    @Test
    void aRouteAPersonChoseIsNotOverriddenByAttributes() {
        String id = create("chat");
        admin.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "everyone")).expect(200);
        JsonObject updated = patch(admin, id, new JsonObject().put("language", "es")).expect(200).json();
        assertFalse(updated.getBoolean("rerouted"));
        assertEquals("everyone", interaction(id).getString("queue"));
    }

    /** Two nodes, sixteen concurrent updates of different attributes: none is lost to another's read-modify-write. */
    @Test
    void concurrentUpdatesOnTwoNodesAreAllKept() throws Exception {
        String id = create("email");
        try (TestNode other = TestNode.on(redis, prefix).rules(rules).start();
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Integer>> replies = IntStream.range(0, 16).mapToObj(i -> pool.submit(() ->
                    patch(i % 2 == 0 ? admin : other.api(), id, new JsonObject().put("k" + i, i)).status())).toList();
            for (Future<Integer> reply : replies) {
                assertEquals(200, reply.get());
            }
        }
        JsonObject attributes = interaction(id).getJsonObject("attributes");
        for (int i = 0; i < 16; i++) {
            assertEquals(i, attributes.getInteger("k" + i), "k" + i + " in " + attributes);
        }
    }

    @Test
    void badUpdatesAreRefusedWithAReason() {
        String id = create("chat");
        assertTrue(patch(admin, id, null).expect(400).json().getString("message").contains("attributes"));
        admin.patch("/api/v1/interactions/" + id, new JsonObject().put("attributes", "es")).expect(400);
        assertTrue(patch(admin, id, new JsonObject().put("voice", new JsonObject().put("channel", "PJSIP/x-1")))
                .expect(400).json().getString("message").contains("Asterisk"), "the call's link is the voice channel's");
        patch(admin, "no-such-interaction", new JsonObject().put("language", "es")).expect(404);
        assertTrue(admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice").put("attributes",
                new JsonObject().put("voice", new JsonObject().put("channel", "PJSIP/x-1")))).expect(400).json()
                .getString("message").contains("Asterisk"), "nor may a new interaction claim a call");
        JsonObject unchanged = patch(admin, id, new JsonObject().put("nothing", null)).expect(200).json();
        assertEquals(new JsonArray(), unchanged.getJsonArray("changed"));
        assertEquals(List.of(), events(interaction(id), "attributes_updated"), "nothing changed, nothing recorded");
        // patches merge: each small enough, together over the bound (32 KB of JSON) the last is refused, the rest kept
        patch(admin, id, new JsonObject().put("notes1", "n".repeat(20_000))).expect(200);
        assertTrue(patch(admin, id, new JsonObject().put("notes2", "n".repeat(20_000))).expect(422).json()
                .getString("message").contains("32768"));
        assertEquals(20_000, interaction(id).getJsonObject("attributes").getString("notes1").length());
    }

    private String create(String channel) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", channel)).expect(201).json()
                .getString("id");
    }

    private static Api.Reply patch(Api api, String id, JsonObject attributes) {
        return api.patch("/api/v1/interactions/" + id, new JsonObject().put("attributes", attributes));
    }

    private JsonObject interaction(String id) {
        return admin.get("/api/v1/interactions/" + id).expect(200).json();
    }

    private static List<JsonObject> events(JsonObject interaction, String type) {
        return interaction.getJsonArray("history").stream().map(JsonObject.class::cast)
                .filter(e -> type.equals(e.getString("type"))).toList();
    }
}
