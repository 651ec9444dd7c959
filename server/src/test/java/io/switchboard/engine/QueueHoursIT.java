package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.store.redis.RedisConnection;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Browser;
import io.switchboard.testing.OfficeHours;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue's hours of operation: outside them a step with {@code skipIf: closed} is passed over (follow the sun: the
 * London queue closed, New York takes the contact), the queue's statistics and Prometheus say it is closed and when
 * it opens, and the chat customer is told. The node's clock is moved by hand across London's 08:00 opening.
 */
@ExtendWith(TestRedis.class)
class QueueHoursIT {
    private static final String RULES = """
            queues:
              london:
                members: '"support" in agent.skills'
                hours: office
                wrapUpSeconds: 0
              newyork:
                members: '"support" in agent.skills'
                wrapUpSeconds: 0
            workflow: default
            filters:
              - name: london-only
                match: 'attributes.route == "london" || channel == "chat" || channel == "callback"'
                steps:
                  - queue: london
            default:
              steps:
                - queue: london
                  timeoutSeconds: 60
                  skipIf: closed
                - queue: newyork
            """;
    private TestRedis redis;
    private String prefix;
    private TestClock clock;
    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        this.redis = redis;
        prefix = redis.newPrefix();
        clock = new TestClock(OfficeHours.MONDAY_0759);
        node = TestNode.on(redis, prefix).rules(Rules.folder(temp, RULES)).sla(OfficeHours.slaFile(temp)).clock(clock)
                .env("SWITCHBOARD_CHAT_POSITION_MILLIS", "200").start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aClosedQueueIsPassedOverUntilItOpens() throws Exception {
        JsonObject london = admin.get("/api/v1/queues/london/stats").expect(200).json();
        assertEquals(false, london.getBoolean("open"));
        assertEquals("office", london.getString("hours"));
        assertEquals(OfficeHours.MONDAY_0800.toEpochMilli(), london.getLong("nextChange"));
        JsonObject newyork = admin.get("/api/v1/queues/newyork/stats").expect(200).json();
        assertEquals(true, newyork.getBoolean("open"));
        assertNull(newyork.getValue("hours"));
        assertNull(newyork.getValue("nextChange"), "always open: nothing changes");
        awaitClosed(true);
        JsonArray steps = admin.post("/api/v1/routing/explain", new JsonObject().put("channel", "voice")).expect(200)
                .json().getJsonArray("steps");
        assertEquals(false, steps.getJsonObject(0).getBoolean("queueOpen"), "the dry run says London is closed");
        assertEquals(true, steps.getJsonObject(1).getBoolean("queueOpen"));

        JsonObject early = create(new JsonObject());
        assertEquals("newyork", early.getString("queue"), "London is closed: New York takes it");
        JsonObject skip = history(early, "step_skipped");
        assertEquals("london", skip.getString("queue"));
        assertEquals("closed", skip.getString("reason"));
        assertEquals("london", create(new JsonObject().put("route", "london")).getString("queue"),
                "the last step of a route is never passed over: it waits for the opening");

        Await.until("Prometheus says London is closed", () -> admin.get("/metrics").body()
                .contains("switchboard_queue_open{queue=\"london\"} 0.0"));

        clock.advance(Duration.ofMinutes(1));
        awaitClosed(false);
        assertEquals(true, admin.get("/api/v1/queues/london/stats").expect(200).json().getBoolean("open"));
        assertEquals(Instant.parse("2026-12-07T18:00:00Z").toEpochMilli(),
                admin.get("/api/v1/queues/london/stats").expect(200).json().getLong("nextChange"), "closes at 18:00");
        JsonObject open = create(new JsonObject());
        assertEquals("london", open.getString("queue"));
        assertEquals(0, open.getJsonArray("history").stream().map(JsonObject.class::cast)
                .filter(e -> "step_skipped".equals(e.getString("type"))).count());
        assertEquals("queued", get(early).getString("status"));
        assertEquals("newyork", get(early).getString("queue"), "a contact stays where it was sent when London opens");
    }

    /** The customer of a chat waiting in a closed queue is told when it opens; after the opening, its place in line. */
    @Test
    void aChatWaitingInAClosedQueueIsToldWhenItOpens() {
        awaitClosed(true);
        assertTrue(admin.get("/api/v1/queues").expect(200).array().stream().map(JsonObject.class::cast)
                .anyMatch(q -> "london".equals(q.getString("queue")) && !q.getBoolean("open")), "GET /queues says so");
        try (AgentSocket customer = admin.chat()) {
            customer.send(new JsonObject().put("type", "start").put("name", "Ada").put("email", "ada@example.com")
                    .put("topic", "support").put("language", "en"));
            customer.await("started");
            JsonObject closed = customer.await("queued");
            assertEquals("london", closed.getString("queue"));
            assertEquals(OfficeHours.MONDAY_0800.toEpochMilli(), closed.getLong("opensAt"));

            clock.advance(Duration.ofMinutes(1));
            JsonObject open = customer.await(f -> "queued".equals(f.getString("type")) && f.getValue("opensAt") == null,
                    "a place in line once London opens", Await.DEFAULT);
            assertEquals(1, open.getInteger("position"));
        }
    }

    /**
     * The supervisor's queue table marks a closed queue and says when it opens; the chat widget tells a customer
     * waiting there the same.
     */
    @Test
    void theSupervisorAndTheChatCustomerSeeWhichQueuesAreClosed() {
        awaitClosed(true);
        try (Browser browser = Browser.open()) {
            browser.get(admin.base() + "/chat/");
            browser.untilVisible("#name").sendKeys("Ada");
            browser.find("#email").sendKeys("ada@example.com", Keys.ENTER);
            browser.until("the closed notice", d -> browser.text("#status").startsWith("We are closed now and open again"));
            assertTrue(browser.text("#status").contains(":00"), browser.text("#status"));

            browser.get(admin.base() + "/supervisor");
            browser.untilVisible("#login-key").sendKeys("test-supervisor-key", Keys.ENTER);
            browser.untilAttribute("#queues tr[data-queue=london]", "data-open", "false");
            String badge = browser.text("#queues tr[data-queue=london] .closed");
            // the browser's zone is the machine's; London's 08:00 is 08:00 UTC in December
            assertTrue(badge.startsWith("closed, opens ") && badge.contains(":00"), badge);
            browser.untilAttribute("#queues tr[data-queue=newyork]", "data-open", "true");
            assertTrue(browser.driver().findElements(By.cssSelector("#queues tr[data-queue=newyork] .closed")).isEmpty());
        }
    }

    private void awaitClosed(boolean closed) {
        Await.until("London " + (closed ? "closed" : "open") + " in Redis", () -> closedInRedis() == closed);
    }

    private boolean closedInRedis() {
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            return connection.commands().sismember(RedisKeys.of(prefix).closedQueues(), "london")
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonObject create(JsonObject attributes) {
        return create(attributes, "voice");
    }

    private JsonObject create(JsonObject attributes, String channel) {
        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", channel)
                .put("attributes", attributes)).expect(201).json().getString("id");
        return admin.get("/api/v1/interactions/" + id).expect(200).json();
    }

    private JsonObject get(JsonObject interaction) {
        return admin.get("/api/v1/interactions/" + interaction.getString("id")).expect(200).json();
    }

    private static JsonObject history(JsonObject interaction, String type) {
        JsonArray history = interaction.getJsonArray("history");
        return history.stream().map(JsonObject.class::cast).filter(e -> type.equals(e.getString("type")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " in " + history));
    }

    /** A callback promised for a time nobody works would ring no one, or wait out the night: refused, with when. */
    @Test
    void aCallbackIsNotPromisedForAnHourItsQueueIsClosed() {
        String call = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("route", "london").put("callerId", "15551234567")))
                .expect(201).json().getString("id");
        String path = "/api/v1/interactions/" + call + "/callbacks";
        String saturday = admin.post(path, new JsonObject().put("at", "2026-12-12T10:00:00Z")).expect(422).body();
        assertTrue(saturday.contains("it opens at 2026-12-14T08:00Z"), saturday);
        admin.post(path, new JsonObject().put("at", "2026-12-07T09:00:00Z")).expect(201);
    }
}
