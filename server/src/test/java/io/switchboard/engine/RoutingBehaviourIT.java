package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Explanations;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Who gets what, and when: skills, escalation, value, aging, timeouts. Time is moved, not waited. */
@ExtendWith(TestRedis.class)
class RoutingBehaviourIT {
    private final TestClock clock = new TestClock();
    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, Rules.SMALL)).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String create(JsonObject body) {
        return admin.post("/api/v1/interactions", body).expect(201).json().getString("id");
    }

    private JsonObject interaction(String id) {
        return admin.get("/api/v1/interactions/" + id).expect(200).json();
    }

    /** An offer accepted once its deadline passed (swept or not yet) is a timeout all the same: 409, a missed offer. */
    @Test
    void anOfferAcceptedAfterItsDeadlineIsATimeout() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        Agents.available(sam, "sam");
        String id = create(new JsonObject().put("channel", "chat"));
        String reservation = interaction(id).getString("reservationId");
        clock.advance(Duration.ofSeconds(16)); // the offer lasts 15 s
        sam.post("/api/v1/reservations/" + reservation + "/accept", "{}").expect(409);
        Await.until("counted as missed", () -> admin.get("/api/v1/agents/sam").json().getInteger("missedOffers") == 1);
        assertTrue(!"assigned".equals(interaction(id).getString("status")));
    }

    /**
     * A contact transferred to an agent who rejects it is not stuck on that agent: it goes to its queue's line at once
     * (not after the transfer step's minute), where the queue's other agents get it.
     */
    @Test
    void aTransferToAnAgentWhoRejectsGoesToTheQueueAtOnce() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        Api tom = Agents.create(admin, "tom", new JsonObject().put("support", 5));
        Api uma = Agents.create(admin, "uma", new JsonObject().put("support", 5));
        Agents.available(sam, "sam");
        String id = create(new JsonObject().put("channel", "chat"));
        sam.post("/api/v1/reservations/" + interaction(id).getString("reservationId") + "/accept", "{}").expect(200);
        sam.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away")).expect(200);
        Agents.available(tom, "tom");
        sam.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("agentId", "tom")).expect(200);
        assertEquals(0, interaction(id).getInteger("step"), "offered to tom alone");
        Agents.available(uma, "uma");
        tom.post("/api/v1/reservations/" + interaction(id).getString("reservationId") + "/reject", "{}").expect(200);

        Await.until("in the queue's line, the clock not moved", () -> interaction(id).getInteger("step") == 1);
        if ("tom".equals(interaction(id).getString("agentId"))) { // the longest idle of the queue: tom, who refuses again
            tom.post("/api/v1/reservations/" + interaction(id).getString("reservationId") + "/reject", "{}").expect(200);
        }
        Await.until("offered to the queue's uma", () -> "uma".equals(interaction(id).getString("agentId")));
    }

    /**
     * The agent who refused a contact is skipped for it, but only for 10 s: a contact only that agent can take is
     * offered to it again then, not left waiting beside an agent who sits free.
     */
    @Test
    void aContactOnlyTheRefusingAgentCanTakeIsOfferedToItAgain() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        Agents.available(sam, "sam");
        String id = create(new JsonObject().put("channel", "chat"));
        sam.post("/api/v1/reservations/" + interaction(id).getString("reservationId") + "/reject", "{}").expect(200);
        assertEquals("queued", interaction(id).getString("status"), "sam is skipped for now");
        assertEquals("available", Agents.state(admin, "sam"));

        clock.advance(Duration.ofSeconds(11));
        Await.until("offered to sam again", () -> "reserved".equals(interaction(id).getString("status"))
                && "sam".equals(interaction(id).getString("agentId")));
        assertEquals(2, interaction(id).getInteger("offers"));
    }

    @Test
    void skillMismatchWaitsUntilAQualifiedAgentArrives() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        Agents.available(sam, "sam");
        String id = create(new JsonObject().put("channel", "chat").put("attributes", new JsonObject().put("language", "es")));
        JsonObject waiting = interaction(id);
        assertEquals("queued", waiting.getString("status"));
        assertEquals(1, waiting.getInteger("position"));
        assertEquals("available", Agents.state(admin, "sam"), "a support-only agent is not offered a Spanish chat");

        Api eva = Agents.create(admin, "eva", new JsonObject().put("spanish", 9));
        try (AgentSocket events = eva.events("eva")) {
            Agents.available(eva, "eva");
            assertEquals(id, events.await("offer").getString("interaction"));
        }
        assertEquals("eva", interaction(id).getString("agentId"));
    }

    @Test
    void aQueuesStatisticsCountItsMembersOnly() {
        Agents.available(Agents.create(admin, "sam", new JsonObject().put("support", 9)), "sam");
        Api eva = Agents.create(admin, "eva", new JsonObject().put("spanish", 9));
        eva.post("/api/v1/agents/eva/state", new JsonObject().put("state", "away").put("reason", "break")).expect(200);
        Agents.create(admin, "both", new JsonObject().put("spanish", 9).put("support", 9));

        JsonObject support = admin.get("/api/v1/queues/support/stats").expect(200).json().getJsonObject("agents");
        JsonObject spanish = admin.get("/api/v1/queues/spanish/stats").expect(200).json().getJsonObject("agents");
        assertEquals(List.of(1, 0, 1), List.of(support.getInteger("available"), support.getInteger("away"),
                support.getInteger("offline")), support.encode());
        assertEquals(List.of(0, 1, 1), List.of(spanish.getInteger("available"), spanish.getInteger("away"),
                spanish.getInteger("offline")), spanish.encode());
    }

    @Test
    void escalatesToTheNextStepAfterItsTimeout() {
        Api luis = Agents.create(admin, "luis", new JsonObject().put("spanish", 5));
        Agents.available(luis, "luis");
        String id = create(new JsonObject().put("channel", "chat").put("attributes", new JsonObject().put("language", "es")));
        assertEquals(0, interaction(id).getInteger("step"));
        assertEquals("queued", interaction(id).getString("status"), "step 0 wants spanish >= 8");

        try (AgentSocket events = luis.events("luis")) {
            clock.advance(Duration.ofSeconds(31));
            assertEquals(id, events.await("offer").getString("interaction"));
        }
        JsonObject offered = interaction(id);
        assertEquals(1, offered.getInteger("step"));
        assertEquals("reserved", offered.getString("status"));
    }

    @Test
    void goldCustomerOvertakesStandardButAgingEventuallyWins() {
        admin.post("/api/v1/customers", new JsonArray()
                .add(new JsonObject().put("id", "c-std").put("tier", "standard"))
                .add(new JsonObject().put("id", "c-gold").put("tier", "gold"))).expect(201);
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));

        // gold (20 points) arriving 10 s after standard goes first: aging gave standard only 5 points
        String standard = create(new JsonObject().put("channel", "voice").put("customerId", "c-std"));
        clock.advance(Duration.ofSeconds(10));
        String gold = create(new JsonObject().put("channel", "voice").put("customerId", "c-gold"));
        assertEquals(1, interaction(gold).getInteger("position"));
        assertEquals(2, interaction(standard).getInteger("position"));
        Agents.available(sam, "sam");
        assertEquals(gold, reservedBy("sam"));
        admin.post("/api/v1/interactions/" + standard + "/cancel", "{}").expect(200);
        finish(sam, gold);

        // a standard contact that waited 60 s (30 aging points) goes before a new gold one (20 points)
        String oldStandard = create(new JsonObject().put("channel", "voice").put("customerId", "c-std"));
        clock.advance(Duration.ofSeconds(60));
        String newGold = create(new JsonObject().put("channel", "voice").put("customerId", "c-gold"));
        assertEquals(1, interaction(oldStandard).getInteger("position"));
        Agents.available(sam, "sam");
        assertEquals(oldStandard, reservedBy("sam"));
        assertEquals("queued", interaction(newGold).getString("status"));
    }

    private String reservedBy(String agent) {
        String rsv = admin.get("/api/v1/agents/" + agent).json().getString("reservation");
        assertTrue(rsv != null, agent + " has no offer");
        return rsv.substring(0, rsv.lastIndexOf('.'));
    }

    private void finish(Api agent, String id) {
        String rsv = interaction(id).getString("reservationId");
        agent.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
        agent.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away")).expect(200);
        agent.post("/api/v1/interactions/" + id + "/complete", "{}").expect(200);
    }

    @Test
    void offerTimeoutReroutesAndMarksTheAgent(TestRedis redis, @TempDir Path temp) {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        Api tom = Agents.create(admin, "tom", new JsonObject().put("support", 9));
        Agents.available(sam, "sam");
        clock.advance(Duration.ofSeconds(1)); // sam has been idle longer: offered first
        Agents.available(tom, "tom");
        String id = create(new JsonObject().put("channel", "voice"));
        assertEquals("sam", interaction(id).getString("agentId"));

        try (AgentSocket samEvents = sam.events("sam"); AgentSocket tomEvents = tom.events("tom")) {
            clock.advance(Duration.ofSeconds(16));
            assertEquals("timeout", samEvents.await("offer_canceled").getString("reason"));
            assertEquals(id, tomEvents.await("offer").getString("interaction"));
        }
        JsonObject samNow = admin.get("/api/v1/agents/sam").json();
        assertEquals(1, samNow.getInteger("missedOffers"));
        assertEquals("available", samNow.getString("state"), "one miss of the default two");

        // tom misses too; the offer comes back to sam (only the last refuser is skipped); sam misses
        // again: two misses in a row, away(missed)
        clock.advance(Duration.ofSeconds(16));
        Await.until("sam offered again", () -> "reserved".equals(Agents.state(admin, "sam")));
        clock.advance(Duration.ofSeconds(16));
        Await.until("sam away after two misses", () -> "away".equals(Agents.state(admin, "sam")));
        assertEquals("missed", admin.get("/api/v1/agents/sam").json().getString("reason"));
        JsonObject back = interaction(id);
        assertEquals("tom", back.getString("agentId"), "sam is away: tom, who missed only once, gets it again");
        assertEquals(4, back.getInteger("offers"));
        assertEquals(1, admin.get("/api/v1/agents/tom").json().getInteger("missedOffers"));
    }

    /** A JSON number compares as a number in a rule: 150 arrives as an Integer, which CEL alone would not match. */
    @Test
    void aNumericAttributeRoutesByItsValue(TestRedis redis, @TempDir Path temp) {
        String rules = Rules.SMALL.replace("filters:\n", """
                            filters:
                              - name: large-order
                                match: 'attributes.amount >= 100 && attributes.vip == true'
                                steps:
                                  - queue: spanish
                            """);
        try (TestNode numbers = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp.resolve("n"), rules)).start()) {
            Api api = numbers.api();
            assertEquals(List.of("spanish", "support", "support", "spanish"), Stream.of(
                            new JsonObject().put("amount", 150).put("vip", true),
                            new JsonObject().put("amount", 99).put("vip", true),
                            new JsonObject().put("vip", true),
                            new JsonObject().put("amount", 100.5).put("vip", true))
                    .map(attributes -> api.post("/api/v1/interactions", new JsonObject().put("channel", "chat")
                            .put("attributes", attributes)).expect(201).json().getString("queue")).toList());
        }
    }

    @Test
    void wrapUpEndsByItselfAfterTheQueuesWrapUpTime(TestRedis redis, @TempDir Path temp) {
        String rules = Rules.SMALL.replaceFirst("wrapUpSeconds: 0", "wrapUpSeconds: 30"); // the support queue
        try (TestNode wrapping = TestNode.on(redis, redis.newPrefix()).clock(clock)
                .rules(Rules.folder(temp, rules)).start()) {
            Api api = wrapping.api();
            Api sam = Agents.create(api, "sam", new JsonObject().put("support", 9));
            Agents.available(sam, "sam");
            String id = api.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201)
                    .json().getString("id");
            String rsv = api.get("/api/v1/interactions/" + id).json().getString("reservationId");
            sam.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
            sam.post("/api/v1/interactions/" + id + "/wrapup", "{}").expect(200);
            String next = api.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201)
                    .json().getString("id");
            assertEquals("wrap_up", Agents.state(api, "sam"));
            assertEquals("queued", api.get("/api/v1/interactions/" + next).json().getString("status"),
                    "no offer during wrap-up");
            clock.advance(Duration.ofSeconds(31));
            Await.until("wrap-up ended and the next call offered",
                    () -> "reserved".equals(api.get("/api/v1/interactions/" + next).json().getString("status")));
            JsonObject done = api.get("/api/v1/interactions/" + id).json();
            assertEquals("completed", done.getString("status"));
            assertEquals("wrap_up_timeout", done.getString("disposition"));
        }
    }

    @Test
    void preferredAgentFirstThenTheQueue() {
        Agents.create(admin, "sam", new JsonObject().put("support", 9));
        Api tom = Agents.create(admin, "tom", new JsonObject().put("support", 9));
        Agents.available(tom, "tom");
        String id = create(new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("preferredAgentId", "sam")));
        assertEquals("queued", interaction(id).getString("status"), "waits for sam although tom is free");
        clock.advance(Duration.ofSeconds(11));
        Await.until("fallback to tom", () -> "tom".equals(interaction(id).getString("agentId")));
        assertEquals("offline", Agents.state(admin, "sam"));
    }

    @Test
    void preferredAgentGetsItWhenFreeNowOrOnceFree() {
        Api tom = Agents.create(admin, "tom", new JsonObject().put("support", 9));
        Agents.available(tom, "tom");
        clock.advance(Duration.ofSeconds(5));
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        Agents.available(sam, "sam");
        // tom has been idle longer, but the contact asks for sam, who is free: sam at once
        String first = create(new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("preferredAgentId", "sam")));
        assertEquals("sam", interaction(first).getString("agentId"));
        assertEquals("reserved", interaction(first).getString("status"));
        // sam busy with that offer: the next one for sam waits, and goes to sam once sam is free again
        String second = create(new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("preferredAgentId", "sam")));
        assertEquals("queued", interaction(second).getString("status"));
        String reservation = admin.get("/api/v1/agents/sam").json().getString("reservation");
        sam.post("/api/v1/reservations/" + reservation + "/accept", new JsonObject()).expect(200);
        sam.post("/api/v1/interactions/" + first + "/complete", new JsonObject().put("disposition", "resolved"))
                .expect(200);
        Await.until("the waiting one offered to sam", () -> "sam".equals(interaction(second).getString("agentId")));
        assertEquals("available", Agents.state(admin, "tom"), "tom was never offered either");
    }

    /**
     * The preferred agent says no: on to the queue's line at once, and to the others there first; the agent who
     * refused it is skipped for the 10 s that any refusal gets, not offered it again as the step changes.
     */
    @Test
    void aPreferredAgentWhoRejectsIsNotOfferedItAgainOnTheNextStep() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        Agents.available(sam, "sam");
        clock.advance(Duration.ofSeconds(5));
        Api tom = Agents.create(admin, "tom", new JsonObject().put("support", 9));
        Agents.available(tom, "tom");
        String id = create(new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("preferredAgentId", "sam")));
        assertEquals("sam", interaction(id).getString("agentId"));
        String reservation = admin.get("/api/v1/agents/sam").json().getString("reservation");
        sam.post("/api/v1/reservations/" + reservation + "/reject", new JsonObject()).expect(200);
        // sam has been idle longest and is free: without the skip the queue's line offered it to sam again
        Await.until("offered to tom", () -> "tom".equals(interaction(id).getString("agentId")));
        assertEquals("available", Agents.state(admin, "sam"));
    }

    @Test
    void explainSaysWhoIsEligibleAndWhyNot() {
        Agents.create(admin, "eva", new JsonObject().put("spanish", 9));
        Api luis = Agents.create(admin, "luis", new JsonObject().put("spanish", 5));
        Agents.create(admin, "sam", new JsonObject().put("support", 9));
        Agents.available(luis, "luis");
        JsonObject explanation = admin.post("/api/v1/routing/explain", new JsonObject().put("channel", "chat")
                .put("attributes", new JsonObject().put("language", "es"))).expect(200).json();
        assertEquals("spanish", explanation.getString("filter"));
        JsonObject step0 = explanation.getJsonArray("steps").getJsonObject(0);
        assertEquals("agent.skills.spanish >= 8", step0.getString("agentExpression"));
        JsonArray agents = step0.getJsonArray("agents");
        assertEquals(Explanations.reason(agents, "eva"), "state is offline");
        assertTrue(Explanations.reason(agents, "luis").startsWith("fails step expression"));
        assertTrue(Explanations.reason(agents, "sam").startsWith("not a member of queue 'spanish'"));
        JsonObject step1 = explanation.getJsonArray("steps").getJsonObject(1);
        assertEquals("eligible now", Explanations.reason(step1.getJsonArray("agents"), "luis"));
        assertFalse(admin.get("/api/v1/queues/spanish/stats").json().getLong("waiting") > 0, "explain is a dry run");
    }
}
