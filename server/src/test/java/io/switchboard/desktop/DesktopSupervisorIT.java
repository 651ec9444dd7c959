package io.switchboard.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.store.redis.RedisConnection;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Browser;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/** The supervisor console in a real browser: the floor changes live (pushed, not reloaded), actions work. */
@ExtendWith(TestRedis.class)
class DesktopSupervisorIT {
    private TestRedis redis;
    private TestNode node;
    private Api admin;
    private Browser browser;

    @BeforeEach
    void start(TestRedis redis) {
        this.redis = redis;
        browser = Browser.open();
        node = TestNode.on(redis, redis.newPrefix()).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        // either may be missing: Browser.open() skips the test when there is no Chromium
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (node != null) {
                node.close();
            }
        }
    }

    /**
     * Sixty state changes of thirty agents within moments: the console shows every agent's final state, and
     * reads the agents at most twice a second instead of once per event (a busy floor sends several per
     * contact, and every console would otherwise read an agent per event).
     */
    @Test
    void aBurstOfAgentEventsIsReadInAFewRequests() {
        List<Api> agents = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            agents.add(Agents.create(admin, "a" + i, new JsonObject().put("support", 5)));
        }
        browser.get(admin.base() + "/supervisor");
        browser.untilVisible("#login-key").sendKeys("test-supervisor-key", Keys.ENTER);
        browser.untilAttribute("#connection", "data-status", "connected");
        browser.untilAttribute("#agents tr[data-agent=a29]", "data-state", "offline");
        browser.script("performance.setResourceTimingBufferSize(10000); performance.clearResourceTimings()");

        long start = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            Agents.available(agents.get(i), "a" + i);
            agents.get(i).post("/api/v1/agents/a" + i + "/state", new JsonObject().put("state", "away")
                    .put("reason", "break")).expect(200);
        }
        for (int i = 0; i < 30; i++) {
            browser.untilAttribute("#agents tr[data-agent=a" + i + "]", "data-state", "away");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long reads = ((Number) browser.script("return performance.getEntriesByType('resource')"
                + ".filter(e => new URL(e.name).pathname.startsWith('/api/v1/agents')).length")).longValue();
        // at most one read per half second (plus the one a change starts at once), however many events
        assertTrue(reads <= 2 * Math.ceil(seconds) + 2, reads + " agent reads for 60 events in " + seconds + " s");
    }

    /**
     * With live statistics shared for up to a second (the default), the contact that arrives just after the
     * console read the floor still shows: the console reads once more when the events stop.
     */
    @Test
    void theQueueTableCatchesUpWithASharedReading() throws Exception {
        String prefix = redis.newPrefix();
        try (TestNode shared = TestNode.on(redis, prefix).env("SWITCHBOARD_REALTIME_MAX_AGE_MILLIS", "1000").start();
             RedisConnection connection = RedisConnection.connect(redis.uri())) {
            Api staff = shared.api();
            browser.get(staff.base() + "/supervisor");
            browser.untilVisible("#login-key").sendKeys("test-supervisor-key", Keys.ENTER);
            browser.untilAttribute("#connection", "data-status", "connected");
            browser.untilText("#queues tr[data-queue=support] .waiting", "0");
            // another reader (a second console, a scrape) takes a fresh reading just before the contact arrives:
            // the console's read right after the event gets that reading, which does not have it yet
            RedisKeys keys = RedisKeys.of(prefix);
            connection.commands().del(keys.floorNow(), keys.floorNowLock()).get(5, java.util.concurrent.TimeUnit.SECONDS);
            staff.get("/api/v1/stats/realtime").expect(200);
            staff.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201);
            browser.untilText("#queues tr[data-queue=support] .waiting", "1");
        }
    }

    @Test
    void supervisorSeesTheQueueChangeLiveAndSendsAnAgentAway() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        Agents.create(admin, "bob", new JsonObject().put("billing", 8));
        Agents.available(ann, "ann");

        browser.get(admin.base() + "/supervisor");
        browser.untilVisible("#login-key").sendKeys("test-supervisor-key", Keys.ENTER);
        browser.untilAttribute("#connection", "data-status", "connected");
        browser.untilText("#queues tr[data-queue=support] .waiting", "0");
        browser.untilAttribute("#agents tr[data-agent=ann]", "data-state", "available");
        browser.untilAttribute("#agents tr[data-agent=bob]", "data-state", "offline");
        browser.script("window.loadedAt = performance.timeOrigin"); // to prove below that the page did not reload

        // ann takes the first call (reserved, then busy after she accepts); the second one waits
        String first = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("intent", "support"))).expect(201).json().getString("id");
        browser.untilAttribute("#agents tr[data-agent=ann]", "data-state", "reserved");
        String reservation = admin.get("/api/v1/interactions/" + first).json().getString("reservationId");
        ann.post("/api/v1/reservations/" + reservation + "/accept", "{}").expect(200);
        browser.untilAttribute("#agents tr[data-agent=ann]", "data-state", "busy");
        browser.untilText("#agents tr[data-agent=ann] .interactions", first);

        admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("intent", "support"))).expect(201);
        browser.untilText("#queues tr[data-queue=support] .waiting", "1");
        // no event comes while it waits: the longest wait counts on in the page (it stayed at its first reading)
        browser.untilText("#queues tr[data-queue=support] .longest", "0:03");
        assertEquals(browser.script("return performance.timeOrigin"), browser.script("return window.loadedAt"));

        browser.find("#agents tr[data-agent=bob] button[data-set=away]").click();
        browser.untilAttribute("#agents tr[data-agent=bob]", "data-state", "away");
        JsonObject bob = admin.get("/api/v1/agents/bob").expect(200).json();
        assertEquals("away", bob.getString("state"));
        assertEquals("supervisor", bob.getString("reason"));
        browser.screenshot("supervisor");

        // signing ann out ends her session: her token is refused, and she is offline with her call still hers
        browser.find("#agents tr[data-agent=ann] button[data-set=sign-out]").click();
        Await.until("ann's token refused", () -> ann.get("/api/v1/agents/ann").status() == 401);
        assertEquals(first, admin.get("/api/v1/agents/ann").json().getJsonArray("interactions").getString(0));
    }

    /**
     * Two calls wait in support with nobody to take them. The supervisor raises the second above the
     * first, then moves the first to billing, where bob takes it; the waiting table follows by push.
     */
    @Test
    void supervisorReprioritisesAndMovesWaitingInteractions() {
        Api bob = Agents.create(admin, "bob", new JsonObject().put("billing", 8));
        Agents.available(bob, "bob");
        String first = call("support");
        String second = call("support");

        browser.get(admin.base() + "/supervisor");
        browser.untilVisible("#login-key").sendKeys("test-supervisor-key", Keys.ENTER);
        browser.untilAttribute("#connection", "data-status", "connected");
        new Select(browser.find("#waiting-queue")).selectByValue("support");
        browser.until("both waiting in order", d -> waitingRows().equals(List.of(first, second)));
        browser.script("window.loadedAt = performance.timeOrigin");

        // nothing waits yet: the at-risk list (GET /api/v1/sla/at-risk) is empty
        assertEquals(0, admin.get("/api/v1/sla/at-risk").expect(200).json().getJsonArray("timers").size());
        browser.untilText("#at-risk-status", "Nothing at risk.");
        browser.untilText("#breaches-status", "No breaches.");

        browser.click(row(second) + " .raise");
        browser.until("second raised above first", d -> waitingRows().equals(List.of(second, first)));
        double raised = admin.get("/api/v1/interactions/" + second).json().getDouble("priority");
        assertEquals(admin.get("/api/v1/interactions/" + first).json().getDouble("priority") + 10, raised, 1e-9);
        browser.untilText(row(second) + " .priority", String.format(java.util.Locale.ROOT, "%.1f", raised));
        browser.find(row(second) + " .priority-value").clear(); // an emptied box sets nothing (it used to set 0)
        browser.click(row(second) + " .set-priority");
        browser.untilText("#notice", "priority " + second + ": enter a number");
        assertEquals(raised, admin.get("/api/v1/interactions/" + second).json().getDouble("priority"), 1e-9);

        browser.screenshot("supervisor-waiting");
        browser.until("billing chosen", d -> { // once the select has focus, the table waits for it
            new Select(browser.find(row(first) + " .move-to")).selectByValue("billing");
            return true;
        });
        browser.click(row(first) + " .move");
        browser.until("first left support", d -> waitingRows().equals(List.of(second)));
        JsonObject moved = admin.get("/api/v1/interactions/" + first).json();
        assertEquals("billing", moved.getString("queue"));
        assertEquals("bob", moved.getString("agentId"), "the billing agent is offered the moved call");
        browser.untilAttribute("#agents tr[data-agent=bob]", "data-state", "reserved");
        assertEquals(browser.script("return performance.timeOrigin"), browser.script("return window.loadedAt"));

        // and given to an agent by name, picked from the directory read again as the picker opens: offered to
        // ann although she has no support skill
        Api ann = Agents.create(admin, "ann", new JsonObject().put("sales", 8));
        Agents.available(ann, "ann");
        browser.click(row(second) + " .assign-to"); // the row may be redrawn by ann's events until the picker has focus
        browser.until("ann in the picker", d -> "Agent ann (available)".equals(
                browser.text(row(second) + " .assign-to option[value=ann]")));
        new Select(browser.find(row(second) + " .assign-to")).selectByValue("ann");
        browser.find(row(second) + " .assign").click();
        browser.until("nobody waits in support", d -> waitingRows().isEmpty());
        assertEquals("ann", admin.get("/api/v1/interactions/" + second).json().getString("agentId"));
    }

    /**
     * A call waits in support because its caller said "support"; the supervisor sees it is about a bill and
     * corrects the attribute in the waiting line: the workflow routes it to billing, where bob is offered it.
     */
    @Test
    void supervisorCorrectsAnAttributeAndTheWorkflowRoutesTheCallAgain() {
        Api bob = Agents.create(admin, "bob", new JsonObject().put("billing", 8));
        Agents.available(bob, "bob");
        String id = call("support");

        browser.get(admin.base() + "/supervisor");
        browser.untilVisible("#login-key").sendKeys("test-supervisor-key", Keys.ENTER);
        browser.untilAttribute("#connection", "data-status", "connected");
        new Select(browser.find("#waiting-queue")).selectByValue("support");
        browser.until("the call waits", d -> waitingRows().equals(List.of(id)));
        assertEquals("intent=support", browser.text(row(id) + " .context"));
        browser.click(row(id) + " .why");
        browser.untilText("#waiting tr.why-row li[data-agent=bob]",
                "bob: not a member of queue 'support' (\"support\" in agent.skills)");
        browser.screenshot("supervisor-why");

        browser.find(row(id) + " .attribute").sendKeys("intent=billing");
        browser.find(row(id) + " .set-attribute").click();
        browser.until("nobody waits in support", d -> waitingRows().isEmpty());
        JsonObject routed = admin.get("/api/v1/interactions/" + id).json();
        assertEquals("billing", routed.getString("queue"));
        assertEquals("billing", routed.getString("filter"));
        assertEquals("bob", routed.getString("agentId"), "offered to the billing agent");
        browser.until("the supervisor is told", d -> browser.text("#notice").contains("routed again to billing"));
    }

    /** A chat nobody answers: its warning joins the at-risk list by push, then its breach the breaches. */
    @Test
    void supervisorSeesAChatAtRiskThenBreached(@TempDir Path temp) throws IOException {
        TestClock clock = new TestClock();
        node.close();
        node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, Rules.SMALL))
                .sla(Files.writeString(temp.resolve("sla.yaml"), """
                        policies:
                          - name: chat
                            match: 'channel == "chat"'
                            targets: {answer: 60s}
                            escalations:
                              - {at: 0.75, action: warn}
                              - {at: 1.0, action: breach}
                        """)).start();
        admin = node.api();
        browser.get(admin.base() + "/supervisor");
        browser.untilVisible("#login-key").sendKeys("test-supervisor-key", Keys.ENTER);
        browser.untilAttribute("#connection", "data-status", "connected");
        browser.untilText("#breaches-status", "No breaches.");

        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")
                .put("attributes", new JsonObject().put("topic", "support"))).expect(201).json().getString("id");
        clock.advance(Duration.ofSeconds(46)); // past 75 % of 60 s
        String risk = "#at-risk tr[data-id='" + id + "']";
        browser.untilVisible(risk);
        assertEquals("chat answer", browser.text(risk + " td:nth-child(2)"));
        browser.until("due in about 14 s", d -> browser.text(risk + " .due").matches("in 0:1[0-4]"));

        clock.advance(Duration.ofSeconds(15));
        browser.untilVisible("#breaches tr[data-interaction='" + id + "']");
        assertEquals("minor", browser.text("#breaches tr[data-interaction='" + id + "'] .severity"));
        browser.until("no longer at risk once breached", d -> d.findElements(
                org.openqa.selenium.By.cssSelector(risk)).isEmpty());
        assertEquals(1, admin.get("/api/v1/sla/breaches").expect(200).json().getInteger("count"));
        browser.screenshot("supervisor-sla");
    }

    private String call(String intent) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("intent", intent))).expect(201).json().getString("id");
    }

    private static String row(String interaction) {
        return "#waiting tr[data-interaction='" + interaction + "']:not(.why-row)";
    }

    private List<String> waitingRows() {
        return browser.driver().findElements(org.openqa.selenium.By.cssSelector("#waiting tbody tr:not(.why-row)")).stream()
                .map(r -> r.getDomAttribute("data-interaction")).toList();
    }

    @Test
    void aWrongKeyIsRefusedAtLogin() {
        browser.get(admin.base() + "/supervisor/");
        browser.untilVisible("#login-key").sendKeys("not-a-key", Keys.ENTER);
        browser.untilText("#login-error", "Not a supervisor key.");
    }
}
