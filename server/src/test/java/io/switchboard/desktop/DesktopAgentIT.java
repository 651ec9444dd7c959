package io.switchboard.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Browser;
import io.switchboard.testing.Chats;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Alert;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/** The agent desktop in a real browser against a real node: login, offer, screen pop, wrap-up, reconnect. */
@ExtendWith(TestRedis.class)
class DesktopAgentIT {
    private TestRedis redis;
    private String prefix;
    private TestNode node;
    private Api admin;
    private Browser browser;

    @BeforeEach
    void start(TestRedis redis) {
        this.redis = redis;
        prefix = redis.newPrefix();
        browser = Browser.open();
        node = TestNode.on(redis, prefix).start();
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
    void agentTakesAnOfferFromLoginToAvailableAgain() {
        Agents.create(admin, "ann", new JsonObject().put("support", 8));
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-42").put("name", "Grace Hopper")
                .put("tier", "gold").put("lifetimeValue", 12000).put("phones", new JsonArray().add("+15550100")))
                .expect(201);
        String openCase = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "c-42").put("subject", "Router keeps rebooting")).expect(201).json().getString("id");
        browser.logInAgent(admin.base(), "ann");
        browser.untilAttribute("#state", "data-state", "offline");

        browser.find("body").sendKeys("v"); // the Available shortcut
        browser.untilAttribute("#state", "data-state", "available");
        assertEquals("available", Agents.state(admin, "ann"));

        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice").put("customerId", "c-42")
                .put("attributes", new JsonObject().put("intent", "support").put("language", "en")))
                .expect(201).json().getString("id");
        browser.untilVisible("#offer");
        assertEquals("voice for support", browser.text("#offer-channel"));
        assertEquals("c-42", browser.text("#offer-customer"));
        assertTrue(browser.text("#offer-details").contains("gold"));
        assertTrue(browser.text("#offer-details").contains("intent"));
        // what a CRM lookup adds while the phone rings reaches the open offer (PATCH /interactions/{id})
        admin.patch("/api/v1/interactions/" + id, new JsonObject().put("attributes", new JsonObject()
                .put("account", "A-7"))).expect(200);
        browser.until("the offer shows the new attribute", d -> browser.text("#offer-details").contains("A-7"));
        browser.until("a countdown", d -> browser.text("#offer-countdown").matches("\\d+ s"));
        browser.untilText("#customer-name", "Grace Hopper"); // the screen pop before accepting
        browser.untilAttribute("#state", "data-state", "reserved");
        browser.screenshot("agent-offer");

        browser.find("body").sendKeys("a"); // accept
        browser.untilAttribute("#work-list .card", "data-status", "assigned");
        browser.untilAttribute("#state", "data-state", "busy");
        assertEquals("assigned", admin.get("/api/v1/interactions/" + id).json().getString("status"));
        browser.untilText("#customer-name", "Grace Hopper");
        assertTrue(browser.text("#customer-card").contains("+15550100"));
        // the 360° view: the open case and the contacts, this call among them
        browser.untilText("#customer-cases li[data-case='" + openCase + "']",
                openCase + " Router keeps rebooting (new)");
        String thisContact = browser.text("#customer-contacts li[data-interaction='" + id + "']");
        assertTrue(thisContact.contains("voice support this contact"), thisContact);

        browser.find("#work-list .card .end").click();
        browser.untilAttribute("#work-list .card", "data-status", "wrapping");
        browser.untilAttribute("#state", "data-state", "wrap_up");
        new Select(browser.find("select[name=disposition]")).selectByValue("sale");
        browser.find("input[name=amount]").sendKeys("49.90");
        browser.find("textarea[name=notes]").sendKeys("upgraded to the yearly plan");
        assertTrue(browser.text("#work-list .card .context").contains("A-7"));
        admin.patch("/api/v1/interactions/" + id, new JsonObject().put("attributes", new JsonObject()
                .put("account", "A-8"))).expect(200);
        browser.until("the card's context shows the new attribute",
                d -> browser.text("#work-list .card .context").contains("A-8"));
        // and the agent adds what it learnt, on the contact for good
        browser.find("#work-list .card .add-attribute input").sendKeys("reason=upgrade", Keys.ENTER);
        browser.until("the agent's attribute on the card", d -> browser.text("#work-list .card .context")
                .contains("upgrade"));
        assertEquals("upgrade", admin.get("/api/v1/interactions/" + id).expect(200).json()
                .getJsonObject("attributes").getString("reason"));
        // "I will call you back tomorrow": the customer's phone, kept for ann (the picker's value set as typed)
        long due = ((Number) browser.script("""
                const d = new Date(Date.now() + 86400000), p = (n) => String(n).padStart(2, '0');
                const v = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
                document.querySelector('#work-list .card .schedule-callback input[name=at]').value = v;
                return new Date(v).getTime();""")).longValue();
        browser.find("#work-list .card .schedule-callback button[type=submit]").click();
        browser.until("the callback scheduled", d -> admin.get("/api/v1/callbacks/scheduled").json()
                .getInteger("count") == 1);
        JsonObject promised = admin.get("/api/v1/callbacks/scheduled").json().getJsonArray("callbacks").getJsonObject(0);
        assertEquals(due, promised.getLong("dueAt"));
        assertEquals("+15550100", promised.getJsonObject("attributes").getString("callbackNumber"));
        assertEquals("ann", promised.getJsonObject("attributes").getString("preferredAgentId"));
        // a network drop mid-form: the desk re-reads everything on reconnecting, the form keeps what was typed
        browser.script("window.switchboard.socket.drop()");
        browser.until("reconnected", d -> "connected".equals(browser.find("#connection").getDomAttribute("data-status"))
                && !"0".equals(browser.find("#connection").getDomAttribute("data-reconnects")));
        browser.untilAttribute("#work-list .card", "data-status", "wrapping");
        assertEquals("upgraded to the yearly plan", browser.find("textarea[name=notes]").getDomProperty("value"));
        assertEquals("49.90", browser.find("input[name=amount]").getDomProperty("value"));
        browser.screenshot("agent-wrapup");
        browser.find("form.wrapup button[type=submit]").click();

        browser.untilAttribute("#state", "data-state", "available");
        browser.untilText("#work-list .empty", "Nothing assigned.");
        JsonObject done = admin.get("/api/v1/interactions/" + id).expect(200).json();
        assertEquals("completed", done.getString("status"));
        assertEquals("sale", done.getString("disposition"));
        assertEquals("upgraded to the yearly plan", done.getString("notes"));
        assertEquals("available", Agents.state(admin, "ann"));
    }

    @Test
    void rejectingPutsTheOfferBackAndTheDesktopCalmsDown() {
        Agents.create(admin, "ann", new JsonObject().put("support", 8));
        browser.logInAgent(admin.base(), "ann");
        browser.find("#go-available").click();
        browser.untilAttribute("#state", "data-state", "available");
        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("intent", "support"))).expect(201).json().getString("id");
        browser.untilVisible("#offer");
        browser.untilText("#customer-card .empty", "Unknown customer (none identified).");

        // a reload mid-offer (the token is kept for the tab) rebuilds the offer from the server
        browser.driver().navigate().refresh();
        browser.untilAttribute("#connection", "data-status", "connected");
        browser.untilAttribute("#offer", "data-reservation",
                admin.get("/api/v1/interactions/" + id).json().getString("reservationId"));
        browser.until("countdown restored", d -> browser.text("#offer-countdown").matches("1?\\d s"));
        browser.find("body").sendKeys("r");
        browser.until("offer panel hidden", d -> !browser.find("#offer").isDisplayed());
        browser.untilAttribute("#state", "data-state", "available");
        assertEquals("queued", admin.get("/api/v1/interactions/" + id).json().getString("status"));
    }

    @Test
    void agentDrivesTheCallAndTransfersItToAColleagueFromThePicker() {
        Api bob = Agents.create(admin, "bob", new JsonObject().put("billing", 8));
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        browser.logInAgent(admin.base(), "ann");
        browser.find("#go-available").click();
        browser.untilAttribute("#state", "data-state", "available");
        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("intent", "support"))).expect(201).json().getString("id");
        browser.untilVisible("#accept").click();
        browser.untilAttribute("#work-list .card", "data-status", "assigned");

        // call controls show what the server answers (here no voice channel runs: its error, not a silent click)
        for (String action : new String[] {"hangup", "hold"}) {
            Api.Reply direct = ann.post("/api/v1/interactions/" + id + "/" + action, "{}");
            browser.click("#work-list .card ." + action);
            browser.untilText("#notice", action + " " + id + ": "
                    + (direct.status() < 300 ? "done" : direct.json().getString("message")));
        }
        Api.Reply dial = ann.post("/api/v1/agents/ann/dial", new JsonObject().put("number", "+15550199"));
        browser.find("#dial-number").sendKeys("+15550199", Keys.ENTER);
        browser.untilText("#notice", dial.status() < 300 ? "dialing +15550199: answer on your phone"
                : "dial +15550199: " + dial.json().getString("message"));

        // the picker lists queues and colleagues with their state, re-read when it is opened
        Agents.available(bob, "bob");
        browser.click("#work-list .card .transfer-target");
        browser.until("bob shown available", d -> "Agent bob (available)".equals(
                browser.text("#work-list .card .transfer-target option[value='agent:bob']")));
        assertEquals(0, browser.driver().findElements(org.openqa.selenium.By.cssSelector(
                "#work-list .card .transfer-target option[value='agent:ann']")).size(), "not oneself");
        browser.screenshot("agent-voice");
        new Select(browser.find("#work-list .card .transfer-target")).selectByValue("agent:bob");
        browser.find("#work-list .card .do-transfer").click();

        browser.untilText("#work-list .empty", "Nothing assigned.");
        JsonObject offered = admin.get("/api/v1/interactions/" + id).json();
        assertEquals("reserved", offered.getString("status"), offered.encode());
        assertEquals("bob", offered.getString("agentId"));
        // ann wraps up after the transfer, as after any call, and the page shows it
        browser.untilAttribute("#state", "data-state", "wrap_up");
    }

    /**
     * The server's clock is two hours behind the browser's (a desk PC's clock is often off): the time
     * in state is measured against the server's clock, learnt from the events' times, so it starts at 0:00.
     */
    @Test
    void timeInStateIsMeasuredAgainstTheServersClock() {
        node.close();
        node = TestNode.on(redis, prefix).clock(InstantSource.offset(InstantSource.system(), Duration.ofHours(-2)))
                .start();
        admin = node.api();
        Agents.create(admin, "ann", new JsonObject().put("support", 8));
        browser.logInAgent(admin.base(), "ann");
        browser.find("#go-available").click();
        browser.untilAttribute("#state", "data-state", "available");
        browser.until("time in state shown", d -> !browser.text("#state-time").isEmpty());
        String shown = browser.text("#state-time");
        assertTrue(shown.matches("0:0\\d"), "a fresh state, not two hours old: " + shown);
    }

    /**
     * Log out ends the session on the server: the agent is offline and the page's token no longer works. A supervisor
     * signing the agent out closes a page logged in again, which says why.
     */
    @Test
    void logOutSignsTheAgentOutAndASupervisorsSignOutClosesThePage() {
        Agents.create(admin, "ann", new JsonObject().put("support", 8));
        browser.logInAgent(admin.base(), "ann");
        browser.find("#go-available").click();
        browser.untilAttribute("#state", "data-state", "available");
        String token = (String) browser.script("return JSON.parse(sessionStorage.getItem('switchboard.agent')).token");

        browser.click("#logout");
        browser.untilVisible("#login");
        Await.until("signed out on the server", () -> "offline".equals(Agents.state(admin, "ann")));
        admin.as(token).get("/api/v1/agents/ann").expect(401);

        browser.logInAgent(admin.base(), "ann");
        browser.untilAttribute("#connection", "data-status", "connected");
        admin.post("/api/v1/agents/ann/sign-out", "{}").expect(200);
        browser.untilVisible("#login");
        browser.untilText("#login-error", "A supervisor signed you out.");
    }

    /**
     * What the agent did not do is still told: an offer withdrawn (the customer left) says so instead of vanishing, and
     * away chosen during a contact shows as what comes after it.
     */
    @Test
    void anOfferWithdrawnAndAwayAfterTheContactAreShown() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        browser.logInAgent(admin.base(), "ann");
        browser.find("#go-available").click();
        browser.untilAttribute("#state", "data-state", "available");
        String first = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json()
                .getString("id");
        browser.untilVisible("#offer");
        admin.post("/api/v1/interactions/" + first + "/cancel", "{}").expect(200);
        browser.untilText("#notice", "The offer was withdrawn: the customer left or a supervisor ended it.");

        String second = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json()
                .getString("id");
        ann.post("/api/v1/reservations/" + browser.until("the second offer", d -> admin.get("/api/v1/agents/ann")
                .json().getString("reservation")) + "/accept", "{}").expect(200);
        browser.untilAttribute("#state", "data-state", "busy");
        new Select(browser.find("#away-reason")).selectByValue("lunch");
        browser.find("#go-away").click();
        browser.untilText("#state", "busy, then away (lunch)");
        // a supervisor's change while the agent is busy reaches the desk too (the state stays busy: no state_changed)
        admin.post("/api/v1/agents/ann/state", new JsonObject().put("state", "away").put("reason", "training"))
                .expect(200);
        browser.untilText("#state", "busy, then away (training)");
        ann.post("/api/v1/interactions/" + second + "/complete", new JsonObject().put("disposition", "resolved"))
                .expect(200);
        browser.untilText("#state", "away (training)");
    }

    /**
     * Two chats of one customer on one case, both in wrap-up: resolving the case in the first form, then choosing
     * "resolved" in the second (drawn before) completes the second too, instead of failing on a case resolved already.
     */
    @Test
    void twoWrapUpsOnOneCaseBothComplete() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-7").put("name", "Ada")).expect(201);
        String caseId = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "c-7").put("subject", "Parcel")).expect(201).json().getString("id");
        browser.logInAgent(admin.base(), "ann");
        List<String> chats = new ArrayList<>();
        try (AgentSocket desk = ann.events("ann")) {
            Agents.available(ann, "ann");
            for (int n = 0; n < 2; n++) {
                String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")
                        .put("customerId", "c-7")).expect(201).json().getString("id");
                admin.post("/api/v1/cases/" + caseId + "/interactions", new JsonObject().put("interactionId", id))
                        .expect(200);
                ann.post("/api/v1/reservations/" + desk.await("offer").getString("reservation") + "/accept", "{}")
                        .expect(200);
                ann.post("/api/v1/interactions/" + id + "/wrapup", "{}").expect(200);
                chats.add(id);
            }
        }
        for (String id : chats) {
            String card = "#work-list .card[data-interaction='" + id + "']";
            browser.untilVisible(card + " select[name=caseStatus]");
        }
        for (String id : chats) {
            String card = "#work-list .card[data-interaction='" + id + "']";
            new Select(browser.find(card + " select[name=caseStatus]")).selectByValue("resolved");
            browser.find(card + " input[name=resolution]").sendKeys("Sent again");
            browser.find(card + " form.wrapup button[type=submit]").click();
            Await.until("completed", () -> "completed".equals(
                    admin.get("/api/v1/interactions/" + id).json().getString("status")));
        }
        assertEquals("resolved", admin.get("/api/v1/cases/" + caseId).json().getString("status"));
    }

    /** Logging out with a chat in hand asks first, and the chat then goes back to its queue for a colleague. */
    @Test
    void logOutWithAChatInHandAsksFirst() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        browser.logInAgent(admin.base(), "ann");
        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json()
                .getString("id");
        assertEquals(id, Chats.take(ann, "ann"));
        browser.untilVisible("#work-list > .card");

        browser.click("#logout");
        Alert asked = browser.until("asked first", d -> d.switchTo().alert()); // NoAlertPresent: not yet
        assertTrue(asked.getText().startsWith("You hold 1 contact. Log out anyway?"), asked.getText());
        asked.dismiss();
        assertEquals("busy", Agents.state(admin, "ann"), "still signed in, the chat hers");

        browser.click("#logout");
        browser.until("asked again", d -> d.switchTo().alert()).accept();
        browser.untilVisible("#login");
        Await.until("the chat back in its line", () -> "queued".equals(
                admin.get("/api/v1/interactions/" + id).json().getString("status")));
    }

    /**
     * The node serving the page goes away; meanwhile another node changes the agent's state and offers
     * it an interaction. The desktop misses those events, reconnects by itself to the restarted node and
     * shows the server's state and the open offer, not what it saw last.
     */
    @Test
    void afterTheNodeRestartsTheDesktopShowsTheTrueState() {
        Agents.create(admin, "ann", new JsonObject().put("support", 8));
        browser.logInAgent(admin.base(), "ann");
        browser.find("#go-available").click();
        browser.untilAttribute("#state", "data-state", "available");

        int port = node.port();
        node.close();
        browser.untilAttribute("#connection", "data-status", "reconnecting");
        try (TestNode other = TestNode.on(redis, prefix).start()) {
            Api otherAdmin = other.api();
            otherAdmin.post("/api/v1/agents/ann/state", new JsonObject().put("state", "away").put("reason", "meeting"))
                    .expect(200);
            node = TestNode.on(redis, prefix).env("SWITCHBOARD_HTTP_PORT", Integer.toString(port)).start();
            browser.untilAttribute("#connection", "data-status", "connected");
            browser.untilAttribute("#state", "data-state", "away");
            assertEquals("away (meeting)", browser.text("#state"));
            assertTrue(Integer.parseInt(browser.find("#connection").getDomAttribute("data-reconnects")) >= 1);

            // and a drop from the page's side (a flaky network) while an offer is open: it comes back
            otherAdmin.post("/api/v1/agents/ann/state", new JsonObject().put("state", "available")).expect(200);
            browser.untilAttribute("#state", "data-state", "available");
            otherAdmin.post("/api/v1/customers", new JsonObject().put("id", "c-gold").put("name", "Gold")
                    .put("tier", "gold")).expect(201);
            browser.script("window.switchboard.socket.drop()");
            String id = otherAdmin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                    .put("customerId", "c-gold").put("attributes", new JsonObject().put("intent", "support")))
                    .expect(201).json().getString("id");
            browser.untilAttribute("#connection", "data-status", "connected");
            browser.untilVisible("#offer");
            browser.until("countdown restored", d -> browser.text("#offer-countdown").matches("\\d+ s"));
            browser.untilText("#offer .tier", "gold"); // restored from the interaction, as the offer event had it
            assertEquals(id, admin.get("/api/v1/interactions/" + id).json().getString("id"));
            browser.screenshot("agent-reconnected");
        }
    }
}
