package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Browser;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * "I will call you back tomorrow at ten": the agent holding a call schedules a callback for its customer, kept in
 * Redis until it is due, then made as a callback interaction offered to that agent first (the workflow's preferred
 * agent), queued from the time it was due. The node's clock is moved by hand.
 */
@ExtendWith(TestRedis.class)
class ScheduledCallbackIT {
    private TestClock clock;
    private String prefix;
    private Path rules;
    private TestNode node;
    private Api admin;
    private Api ann;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        clock = new TestClock(Instant.parse("2026-12-07T16:00:00Z"));
        prefix = redis.newPrefix();
        rules = Rules.folder(temp, Rules.SMALL);
        node = TestNode.on(redis, prefix).rules(rules).clock(clock).start();
        admin = node.api();
        ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
        Agents.create(admin, "bob", new JsonObject().put("support", 5));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void anAgentsPromisedCallbackIsMadeWhenDueAndOfferedToThatAgentFirst() {
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-7").put("name", "Grace")).expect(201);
        String call = heldByAnn(new JsonObject().put("callerId", "15551234567").put("language", "en"), "c-7");
        long tomorrowTen = Instant.parse("2026-12-08T10:00:00Z").toEpochMilli();
        JsonObject scheduled = ann.post("/api/v1/interactions/" + call + "/callbacks", new JsonObject()
                .put("at", "2026-12-08T10:00:00Z").put("note", "send the quote")).expect(201).json();
        assertEquals(tomorrowTen, scheduled.getLong("dueAt"));
        assertEquals("ann", scheduled.getString("scheduledBy"));
        JsonObject attributes = scheduled.getJsonObject("attributes");
        assertEquals("15551234567", attributes.getString("callbackNumber"), "the caller's number");
        assertEquals("ann", attributes.getString("preferredAgentId"), "kept for ann first");
        assertEquals(call, attributes.getString("followUpOf"));
        assertEquals("en", attributes.getString("language"));
        assertEquals("send the quote", attributes.getString("note"));
        String id = scheduled.getString("id");
        assertEquals(1, ann.get("/api/v1/callbacks/scheduled").expect(200).json().getInteger("count"));
        assertEquals(0, admin.get("/api/v1/callbacks/scheduled?agentId=bob").expect(200).json().getInteger("count"));
        assertEquals(id, admin.get("/api/v1/callbacks/scheduled?customerId=c-7").expect(200).json()
                .getJsonArray("callbacks").getJsonObject(0).getString("id"), "read from the customer's own index");
        assertEquals(0, admin.get("/api/v1/callbacks/scheduled?customerId=c-7&agentId=bob").expect(200).json()
                .getInteger("count"));
        assertEquals(0, admin.get("/api/v1/callbacks/scheduled?customerId=c-8").expect(200).json().getInteger("count"));
        admin.get("/api/v1/interactions/" + id).expect(404);
        assertEquals(id, admin.get("/api/v1/customers/c-7").expect(200).json().getJsonArray("scheduledCallbacks")
                .getJsonObject(0).getString("id"), "the customer's 360 view shows the promise");
        Api bob = Agents.login(admin, "bob");
        Agents.available(bob, "bob"); // idle longer than ann: without the promise, the callback would be his
        ann.post("/api/v1/interactions/" + call + "/complete", new JsonObject().put("disposition", "resolved")).expect(200);

        try (AgentSocket desk = ann.events("ann")) {
            clock.advance(Duration.ofHours(18).plusSeconds(1));
            JsonObject offer = desk.await("offer");
            assertEquals(id, offer.getString("interaction"), "ann is offered the callback she promised");
        }
        JsonObject made = admin.get("/api/v1/interactions/" + id).expect(200).json();
        assertEquals("callback", made.getString("channel"));
        assertEquals(tomorrowTen, made.getJsonObject("timestamps").getLong("queued"), "waiting from ten, not from now");
        // the node takes it off the schedule once the contact is created, a moment after the offer went out
        Await.until("made: no longer a promise", () -> admin.get("/api/v1/callbacks/scheduled").expect(200).json()
                .getInteger("count") == 0 && admin.get("/api/v1/customers/c-7").expect(200).json()
                .getJsonArray("scheduledCallbacks").isEmpty());
    }

    @Test
    void callbacksAreCheckedAndCanBeCanceled() {
        String call = heldByAnn(new JsonObject().put("callerId", "15551234567"), null);
        String path = "/api/v1/interactions/" + call + "/callbacks";
        assertTrue(ann.post(path, new JsonObject().put("at", "2026-12-07T15:00:00Z")).expect(400).body().contains("future"));
        ann.post(path, new JsonObject().put("at", "tomorrow")).expect(400);
        ann.post(path, new JsonObject().put("at", "2026-12-08T10:00:00Z").put("toMe", "yes")).expect(400);
        ann.post(path, new JsonObject().put("at", "2026-12-08T10:00:00Z").put("number", "call me")).expect(400);
        Api bob = Agents.login(admin, "bob");
        bob.post(path, new JsonObject().put("at", "2026-12-08T10:00:00Z")).expect(403);

        String chat = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json()
                .getString("id");
        assertTrue(admin.post("/api/v1/interactions/" + chat + "/callbacks", new JsonObject()
                .put("at", "2026-12-08T10:00:00Z").put("toMe", false)).expect(400).body().contains("give 'number'"),
                "a chat has no number to call back: one must be given");
        JsonObject byStaff = admin.post("/api/v1/interactions/" + chat + "/callbacks", new JsonObject()
                .put("at", "2026-12-08T10:00:00Z").put("toMe", false).put("number", "+4420700000")).expect(201).json();
        assertEquals(null, byStaff.getJsonObject("attributes").getString("preferredAgentId"), "whoever is free");
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-8").put("name", "Ada")
                .put("phones", new io.vertx.core.json.JsonArray().add("+44 (20) 700-001"))).expect(201);
        String known = admin.post("/api/v1/interactions", new JsonObject().put("channel", "email").put("customerId", "c-8"))
                .expect(201).json().getString("id");
        JsonObject toCustomer = admin.post("/api/v1/interactions/" + known + "/callbacks", new JsonObject()
                .put("at", "2026-12-09T10:00:00Z").put("toMe", false)).expect(201).json();
        assertEquals("+4420700001", toCustomer.getJsonObject("attributes").getString("callbackNumber"),
                "no number on the contact: the customer's phone, as Asterisk dials it");
        assertEquals(1, admin.get("/api/v1/customers/c-8").expect(200).json().getJsonArray("scheduledCallbacks").size());
        admin.delete("/api/v1/callbacks/scheduled/" + toCustomer.getString("id")).expect(200);
        assertTrue(admin.get("/api/v1/customers/c-8").expect(200).json().getJsonArray("scheduledCallbacks").isEmpty(),
                "canceled: no longer a promise");

        String id = ann.post(path, new JsonObject().put("at", "2026-12-08T10:00:00Z").putNull("note").putNull("number"))
                .expect(201).json().getString("id"); // nulls are as good as absent
        bob.delete("/api/v1/callbacks/scheduled/" + id).expect(403);
        bob.get("/api/v1/callbacks/scheduled/" + id).expect(403);
        assertEquals("ann", ann.get("/api/v1/callbacks/scheduled/" + id).expect(200).json().getString("scheduledBy"));
        assertEquals(id, ann.delete("/api/v1/callbacks/scheduled/" + id).expect(200).json().getString("id"));
        ann.delete("/api/v1/callbacks/scheduled/" + id).expect(404);
        assertEquals(1, admin.get("/api/v1/callbacks/scheduled").expect(200).json().getInteger("count"), "staff's is left");

        clock.advance(Duration.ofDays(1));
        Await.until("the staff's callback made", () -> admin.get("/api/v1/callbacks/scheduled").expect(200).json()
                .getInteger("count") == 0);
        admin.get("/api/v1/interactions/" + byStaff.getString("id")).expect(200);
        admin.get("/api/v1/interactions/" + id).expect(404);
    }

    /**
     * Two nodes sweep the same Redis: each due callback is made once and told made once. Without the claim both nodes
     * would try each one, and the one that lost would still report it made.
     */
    @Test
    void twoNodesMakeEachDueCallbackOnce(TestRedis redis) {
        try (TestNode other = TestNode.on(redis, prefix).rules(rules).clock(clock).start();
             AgentSocket console = admin.as("test-supervisor-key").supervisorEvents()) {
            String chat = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json()
                    .getString("id");
            java.util.List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Api via = i % 2 == 0 ? admin : other.api();
                ids.add(via.post("/api/v1/interactions/" + chat + "/callbacks", new JsonObject()
                        .put("at", "2026-12-08T10:00:00Z").put("toMe", false).put("number", "+44207000" + (10 + i)))
                        .expect(201).json().getString("id"));
            }
            clock.advance(Duration.ofDays(1));
            Await.until("all made", () -> admin.get("/api/v1/callbacks/scheduled").expect(200).json()
                    .getInteger("count") == 0);
            for (String id : ids) {
                assertEquals("callback", admin.get("/api/v1/interactions/" + id).expect(200).json().getString("channel"));
            }
            Await.until("each told made", () -> made(console) == 20);
            Await.holds("and once only", Duration.ofMillis(500), () -> made(console) == 20);
        }
    }

    private static long made(AgentSocket console) {
        return console.all().stream().filter(m -> "callback_made".equals(m.getString("type"))).count();
    }

    /** The supervisor's console lists the promises as they are made (pushed, not polled) and cancels one. */
    @Test
    void theSupervisorSeesThePromisesAndCancelsOne() {
        String path = "/api/v1/interactions/" + heldByAnn(new JsonObject().put("callerId", "15551234567"), null)
                + "/callbacks";
        String first = ann.post(path, new JsonObject().put("at", "2026-12-08T10:00:00Z").put("note", "the quote"))
                .expect(201).json().getString("id");
        try (Browser browser = Browser.open()) {
            browser.get(admin.base() + "/supervisor");
            browser.untilVisible("#login-key").sendKeys("test-supervisor-key", Keys.ENTER);
            String row = "#callbacks tr[data-callback='" + first + "']";
            browser.untilVisible(row);
            String text = browser.text(row);
            assertTrue(text.contains("15551234567") && text.contains("ann") && text.contains("the quote"), text);

            String second = ann.post(path, new JsonObject().put("at", "2026-12-08T11:00:00Z")).expect(201).json()
                    .getString("id");
            browser.untilVisible("#callbacks tr[data-callback='" + second + "']");
            browser.click(row + " .cancel-callback");
            browser.until("the canceled row gone", d -> d.findElements(By.cssSelector(row)).isEmpty());
            assertEquals(second, admin.get("/api/v1/callbacks/scheduled").expect(200).json().getJsonArray("callbacks")
                    .getJsonObject(0).getString("id"), "the other stays");
        }
    }

    /** A voice interaction with these attributes (and customer), offered to and accepted by ann. */
    private String heldByAnn(JsonObject attributes, String customerId) {
        try (AgentSocket desk = ann.events("ann")) {
            Agents.available(ann, "ann");
            String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                    .put("attributes", attributes).put("customerId", customerId)).expect(201).json().getString("id");
            JsonObject offer = desk.await("offer");
            ann.post("/api/v1/reservations/" + offer.getString("reservation") + "/accept", "{}").expect(200);
            return id;
        }
    }
}
