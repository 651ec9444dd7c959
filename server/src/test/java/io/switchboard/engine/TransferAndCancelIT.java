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
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestRedis.class)
class TransferAndCancelIT {
    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void anAbandonedCallLeavesTheLineAndAnOfferIsWithdrawn() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        String first = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).json().getString("id");
        String second = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).json().getString("id");
        assertEquals(2, admin.get("/api/v1/queues/support/stats").json().getLong("waiting"));

        admin.post("/api/v1/interactions/" + first + "/cancel", new JsonObject().put("abandoned", true)
                .put("reason", "caller hung up")).expect(200);
        JsonObject abandoned = admin.get("/api/v1/interactions/" + first).json();
        assertEquals("abandoned", abandoned.getString("status"));
        assertEquals("caller hung up", abandoned.getString("reason"));
        assertEquals(1, admin.get("/api/v1/queues/support/stats").json().getLong("waiting"));
        assertEquals(1, admin.get("/api/v1/interactions/" + second).json().getInteger("position"));

        try (AgentSocket events = sam.events("sam")) {
            Agents.available(sam, "sam");
            assertEquals(second, events.await("offer").getString("interaction"));
            admin.post("/api/v1/interactions/" + second + "/cancel", "{}").expect(200);
            assertEquals("canceled", events.await("offer_canceled").getString("reason"));
        }
        assertEquals("available", Agents.state(admin, "sam"));
        assertEquals(0, admin.get("/api/v1/agents/sam").json().getJsonObject("load").getInteger("voice"));
        admin.post("/api/v1/interactions/" + second + "/cancel", "{}").expect(409);
    }

    /**
     * Sam transfers a chat to the queue, it comes back to sam (with chat room left, sam is the queue's longest idle), and
     * sam transfers it again: two wrap-ups, each giving back its own capacity. Once both are over sam holds nothing.
     */
    @Test
    void theSameContactTransferredTwiceBySameAgentLeaksNoCapacity(TestRedis redis, @TempDir Path temp) {
        io.switchboard.testing.TestClock clock = new io.switchboard.testing.TestClock();
        String rules = Rules.SMALL.replaceFirst("wrapUpSeconds: 0", "wrapUpSeconds: 15");
        try (TestNode wrapping = TestNode.on(redis, redis.newPrefix()).clock(clock)
                .rules(Rules.folder(temp.resolve("twice"), rules)).start()) {
            Api staff = wrapping.api();
            Api sam = Agents.create(staff, "sam", new JsonObject().put("support", 9));
            Agents.available(sam, "sam");
            String id = staff.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).json().getString("id");
            for (int round = 0; round < 2; round++) {
                // after the first transfer sam is offered it again once its skip (10 s) is over
                Await.until("offered to sam", () -> "sam".equals(staff.get("/api/v1/interactions/" + id).json()
                        .getString("agentId")));
                JsonObject offered = staff.get("/api/v1/interactions/" + id).json();
                sam.post("/api/v1/reservations/" + offered.getString("reservationId") + "/accept", "{}").expect(200);
                clock.advance(java.time.Duration.ofSeconds(5));
                sam.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "support")).expect(200);
                clock.advance(java.time.Duration.ofSeconds(11));
            }
            sam.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away")).expect(200);
            clock.advance(java.time.Duration.ofSeconds(20)); // both wrap-ups over
            Await.until("sam holds nothing", () -> staff.get("/api/v1/agents/sam").json().getJsonObject("load")
                    .getInteger("chat", 0) == 0);
            assertEquals("away", Agents.state(staff, "sam"), "no wrap-up left over");
        }
    }

    /**
     * An agent who transfers a contact to a queue it serves too is not offered it straight back (it passed it on, and
     * the customer would wait through its offer timeout); once the skip is over (10 s, as after a refusal) it may be, if
     * it is still the only one free.
     */
    @Test
    void theTransferringAgentIsNotOfferedTheContactStraightBack(TestRedis redis, @TempDir Path temp) {
        io.switchboard.testing.TestClock clock = new io.switchboard.testing.TestClock();
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).clock(clock)
                .rules(Rules.folder(temp.resolve("back"), Rules.SMALL)).start()) {
            Api staff = node.api();
            Api sam = Agents.create(staff, "sam", new JsonObject().put("support", 9));
            Agents.available(sam, "sam");
            String id = staff.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).json().getString("id");
            String rsv = staff.get("/api/v1/interactions/" + id).json().getString("reservationId");
            sam.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
            sam.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "support")).expect(200);
            Await.holds("waiting, not offered back to sam", java.time.Duration.ofMillis(500),
                    () -> "queued".equals(staff.get("/api/v1/interactions/" + id).json().getString("status")));
            clock.advance(java.time.Duration.ofSeconds(11));
            Await.until("offered to sam once the skip is over", () -> "sam".equals(
                    staff.get("/api/v1/interactions/" + id).json().getString("agentId")));
        }
    }

    /**
     * The agent named by a transfer refuses it: the contact goes on to the queue's line, where the transferring agent
     * (free, and serving that queue too) is still skipped for the rest of its 10 s, not offered it back at once.
     */
    @Test
    void aNamedAgentsRefusalDoesNotSendTheContactBackToTheTransferrer(TestRedis redis, @TempDir Path temp) {
        io.switchboard.testing.TestClock clock = new io.switchboard.testing.TestClock();
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).clock(clock)
                .rules(Rules.folder(temp.resolve("named"), Rules.SMALL)).start()) {
            Api staff = node.api();
            Api sam = Agents.create(staff, "sam", new JsonObject().put("support", 9));
            Api luis = Agents.create(staff, "luis", new JsonObject().put("support", 3));
            Agents.available(sam, "sam");
            String id = staff.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).json().getString("id");
            sam.post("/api/v1/reservations/" + staff.get("/api/v1/interactions/" + id).json().getString("reservationId")
                    + "/accept", "{}").expect(200);
            Agents.available(luis, "luis");
            sam.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("agentId", "luis")).expect(200);
            JsonObject offered = staff.get("/api/v1/interactions/" + id).json();
            assertEquals("luis", offered.getString("agentId"));
            luis.post("/api/v1/reservations/" + offered.getString("reservationId") + "/reject", "{}").expect(200);
            clock.advance(java.time.Duration.ofSeconds(1)); // the queue's step, after the named agent's refusal
            Await.holds("waiting in support, offered to neither", java.time.Duration.ofMillis(500),
                    () -> "queued".equals(staff.get("/api/v1/interactions/" + id).json().getString("status")));
            clock.advance(java.time.Duration.ofSeconds(11));
            Await.until("offered again once the skips are over", () -> "reserved".equals(
                    staff.get("/api/v1/interactions/" + id).json().getString("status")));
        }
    }

    /**
     * A contact transferred to another queue has waited there since the transfer: its talk time and its wait in the
     * first queue are not the new queue's longest wait (a two-minute call set off the longest-wait alert at once).
     */
    @Test
    void aTransferredContactsWaitInItsNewQueueStartsAtTheTransfer(TestRedis redis, @TempDir Path temp) {
        io.switchboard.testing.TestClock clock = new io.switchboard.testing.TestClock();
        try (TestNode timed = timed(redis, temp.resolve("since"), clock)) {
            Api staff = timed.api();
            Api sam = Agents.create(staff, "sam", new JsonObject().put("support", 9));
            String id = staff.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).json().getString("id");
            clock.advance(java.time.Duration.ofSeconds(30)); // waits in support
            Agents.available(sam, "sam");
            sam.post("/api/v1/reservations/" + staff.get("/api/v1/interactions/" + id).json().getString("reservationId")
                    + "/accept", "{}").expect(200);
            clock.advance(java.time.Duration.ofSeconds(120)); // talks
            sam.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "spanish")).expect(200);
            clock.advance(java.time.Duration.ofSeconds(2));
            JsonObject spanish = staff.get("/api/v1/queues/spanish/stats").expect(200).json();
            assertEquals(1, spanish.getInteger("waiting"));
            assertEquals(2.0, spanish.getDouble("longestWaitSeconds"), 0.001, spanish.encode());
        }
    }

    /**
     * A contact that waited and is now offered still waits in its queue's figures until it is answered (it used to
     * vanish from "waiting" and "longest wait" while an agent's phone rang, for 15 s per try); refused, it waits on;
     * answered or canceled, it is gone from them.
     */
    @Test
    void aContactStillWaitsInTheQueuesFiguresWhileItIsOffered(TestRedis redis, @TempDir Path temp) {
        io.switchboard.testing.TestClock clock = new io.switchboard.testing.TestClock();
        try (TestNode timed = timed(redis, temp.resolve("offered"), clock)) {
            Api staff = timed.api();
            Api sam = Agents.create(staff, "sam", new JsonObject().put("support", 9));
            String first = staff.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).json().getString("id");
            clock.advance(java.time.Duration.ofSeconds(1)); // the first is the older: offered first
            String second = staff.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).json().getString("id");
            clock.advance(java.time.Duration.ofSeconds(29));
            Agents.available(sam, "sam"); // offered the first (capacity: one offer at a time)
            assertEquals("reserved", staff.get("/api/v1/interactions/" + first).json().getString("status"));
            clock.advance(java.time.Duration.ofSeconds(5));
            JsonObject support = staff.get("/api/v1/queues/support/stats").json();
            assertEquals(2, support.getInteger("waiting"), support.encode());
            assertEquals(35.0, support.getDouble("longestWaitSeconds"), 0.001, support.encode());

            String offer = staff.get("/api/v1/interactions/" + first).json().getString("reservationId");
            sam.post("/api/v1/reservations/" + offer + "/reject", "{}").expect(200); // offered the second now
            assertEquals(2, staff.get("/api/v1/queues/support/stats").json().getInteger("waiting"), "refused: waits on");
            offer = staff.get("/api/v1/interactions/" + second).json().getString("reservationId");
            sam.post("/api/v1/reservations/" + offer + "/accept", "{}").expect(200);
            assertEquals(1, staff.get("/api/v1/queues/support/stats").json().getInteger("waiting"), "answered: gone");
            staff.post("/api/v1/interactions/" + first + "/cancel", "{}").expect(200);
            support = staff.get("/api/v1/queues/support/stats").json();
            assertEquals(List.of(0, 0.0), List.of(support.getInteger("waiting"), support.getDouble("longestWaitSeconds")),
                    support.encode());
        }
    }

    /** A node of the small rules on a test clock. */
    private static TestNode timed(TestRedis redis, Path rules, io.switchboard.testing.TestClock clock) {
        return TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(rules, Rules.SMALL)).start();
    }

    /** An agent wrapping up one chat still takes another (chat capacity 3): the dry run says so, as routing does. */
    @Test
    void anAgentWrappingUpAChatIsEligibleForTheNext(TestRedis redis, @TempDir Path temp) {
        String rules = Rules.SMALL.replaceFirst("wrapUpSeconds: 0", "wrapUpSeconds: 60");
        try (TestNode wrapping = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp.resolve("w"), rules))
                .start()) {
            Api staff = wrapping.api();
            Api sam = Agents.create(staff, "sam", new JsonObject().put("support", 9));
            Agents.available(sam, "sam");
            String id = staff.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).json().getString("id");
            sam.post("/api/v1/reservations/" + staff.get("/api/v1/interactions/" + id).json().getString("reservationId")
                    + "/accept", "{}").expect(200);
            sam.post("/api/v1/interactions/" + id + "/wrapup", "{}").expect(200);
            assertEquals("wrap_up", Agents.state(staff, "sam"));
            assertEquals("eligible now", io.switchboard.testing.Explanations.reason(staff,
                    new JsonObject().put("channel", "chat"), "sam"));
            String next = staff.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).json().getString("id");
            assertEquals("sam", staff.get("/api/v1/interactions/" + next).json().getString("agentId"), "as routing does");
        }
    }

    /** A transfer ends the agent's part of the contact: it wraps up for its queue's wrap-up time, as after any call. */
    @Test
    void theTransferringAgentWrapsUpBeforeTheNextContact(TestRedis redis, @TempDir Path temp) {
        io.switchboard.testing.TestClock clock = new io.switchboard.testing.TestClock();
        String rules = Rules.SMALL.replaceFirst("wrapUpSeconds: 0", "wrapUpSeconds: 30"); // support wraps up 30 s
        try (TestNode wrapping = TestNode.on(redis, redis.newPrefix()).clock(clock)
                .rules(Rules.folder(temp.resolve("wrap"), rules)).start()) {
            Api staff = wrapping.api();
            Api sam = Agents.create(staff, "sam", new JsonObject().put("support", 9));
            Agents.create(staff, "eva", new JsonObject().put("spanish", 9));
            Agents.available(sam, "sam");
            String id = staff.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).json().getString("id");
            try (AgentSocket samEvents = sam.events("sam")) {
                sam.post("/api/v1/reservations/" + staff.get("/api/v1/interactions/" + id).json()
                        .getString("reservationId") + "/accept", "{}").expect(200);
                sam.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "spanish")).expect(200);
                assertEquals("wrap_up", Agents.state(staff, "sam"));
                JsonObject agent = staff.get("/api/v1/agents/sam").json();
                assertEquals(1, agent.getJsonObject("load").getInteger("voice"), "no call for sam while wrapping up");
                assertEquals(0, agent.getJsonArray("interactions").size(), "the contact is no longer sam's");
                String next = staff.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).json()
                        .getString("id");
                assertEquals("queued", staff.get("/api/v1/interactions/" + next).json().getString("status"));

                clock.advance(java.time.Duration.ofSeconds(31));
                assertEquals(next, samEvents.await("offer").getString("interaction"), "free again after the wrap-up");
            }
        }
    }

    @Test
    void transferToAQueueAndToANamedAgent() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        Api eva = Agents.create(admin, "eva", new JsonObject().put("spanish", 9));
        Api luis = Agents.create(admin, "luis", new JsonObject().put("spanish", 6).put("support", 3));
        Agents.available(sam, "sam");
        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).json().getString("id");
        accept(sam, id);

        try (AgentSocket evaEvents = eva.events("eva")) {
            Agents.available(eva, "eva");
            sam.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "spanish")).expect(200);
            assertEquals(id, evaEvents.await("offer").getString("interaction"));
        }
        assertEquals("available", Agents.state(admin, "sam"), "no wrap-up time in this queue: the transferring agent is free at once");
        accept(eva, id);

        Agents.available(luis, "luis");
        eva.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("agentId", "luis")).expect(200);
        JsonObject offered = admin.get("/api/v1/interactions/" + id).json();
        assertEquals("luis", offered.getString("agentId"));
        assertEquals("spanish", offered.getString("queue"), "a transfer to an agent is counted in the current queue");
        eva.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "support")).expect(403);
        admin.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "nowhere")).expect(422);
        admin.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("agentId", "nobody")).expect(404);
        // one signed out would have had it for a minute, for nobody; the one it is with already is no transfer
        Agents.create(admin, "olga", new JsonObject().put("spanish", 9));
        assertEquals("agent olga is signed out: transfer to a queue, or to an agent who is signed in", admin.post(
                "/api/v1/interactions/" + id + "/transfer", new JsonObject().put("agentId", "olga")).expect(409).json()
                .getString("message"));
        admin.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("agentId", "luis")).expect(409);
        assertEquals("luis", admin.get("/api/v1/interactions/" + id).json().getString("agentId"), "still offered to luis");
    }

    private void accept(Api agent, String id) {
        String rsv = admin.get("/api/v1/interactions/" + id).json().getString("reservationId");
        agent.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
    }

    /** A queue that serves email only refuses a call's transfer (400, naming why), and the call stays with its agent. */
    @Test
    void aQueueServesOnlyItsChannels(TestRedis redis, @TempDir Path temp) {
        String rules = Rules.SMALL.replaceFirst("queues:\n", "queues:\n  mail:\n    members: '\"support\" in agent.skills'\n"
                + "    channels: [email]\n    wrapUpSeconds: 0\n");
        try (TestNode mailNode = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp.resolve("mail"), rules))
                .start()) {
            Api staff = mailNode.api();
            Api sam = Agents.create(staff, "sam", new JsonObject().put("support", 9));
            Agents.available(sam, "sam");
            String call = staff.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).json()
                    .getString("id");
            sam.post("/api/v1/reservations/" + staff.get("/api/v1/interactions/" + call).json()
                    .getString("reservationId") + "/accept", "{}").expect(200);
            String refused = sam.post("/api/v1/interactions/" + call + "/transfer", new JsonObject().put("queue", "mail"))
                    .expect(400).json().getString("message");
            assertTrue(refused.contains("does not serve voice"), refused);
            assertEquals("assigned", staff.get("/api/v1/interactions/" + call).json().getString("status"),
                    "the refused transfer changed nothing");
            assertEquals(0, staff.get("/api/v1/queues/mail/stats").json().getLong("waiting"));
        }
    }
}
