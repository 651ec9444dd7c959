package io.switchboard.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Browser;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Keys;

/** The supervisor console in a real browser: the floor changes live (pushed, not reloaded), actions work. */
@ExtendWith(TestRedis.class)
class DesktopSupervisorIT {
    private TestNode node;
    private Api admin;
    private Browser browser;

    @BeforeEach
    void start(TestRedis redis) {
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
        assertEquals(browser.script("return performance.timeOrigin"), browser.script("return window.loadedAt"));

        browser.find("#agents tr[data-agent=bob] button[data-set=away]").click();
        browser.untilAttribute("#agents tr[data-agent=bob]", "data-state", "away");
        JsonObject bob = admin.get("/api/v1/agents/bob").expect(200).json();
        assertEquals("away", bob.getString("state"));
        assertEquals("supervisor", bob.getString("reason"));
        browser.screenshot("supervisor");
    }

    @Test
    void aWrongKeyIsRefusedAtLogin() {
        browser.get(admin.base() + "/supervisor/");
        browser.untilVisible("#login-key").sendKeys("not-a-key", Keys.ENTER);
        browser.untilText("#login-error", "Not a supervisor key.");
    }
}
