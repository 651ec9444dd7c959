package io.switchboard.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.simulator.CallSpec;
import io.switchboard.simulator.CallerScript;
import io.switchboard.simulator.SimulatedAsterisk;
import io.switchboard.simulator.SimulatedCall;
import io.switchboard.simulator.pbx.PhoneBehavior;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Browser;
import io.switchboard.testing.Repo;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestPbx;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * The desktop's call controls on a real call: a simulated Asterisk (AMI and FastAGI) rings the agent's phone,
 * and the page drives hold and the warm transfer through the server, showing what the call is doing.
 */
@ExtendWith(TestRedis.class)
class DesktopCallIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private SimulatedAsterisk asterisk;
    private TestNode node;
    private Api admin;
    private Browser browser;

    private TestNode.Builder wired;

    @BeforeEach
    void start(TestRedis redis) {
        browser = Browser.open();
        asterisk = TestPbx.start(Duration.ofMillis(300));
        wired = TestPbx.wire(TestNode.on(redis, redis.newPrefix()).rules(Repo.root().resolve("routing-rules")), asterisk);
        node = wired.start();
        admin = node.api();
        Await.until("AMI connected", WAIT, () -> admin.get("/metrics").body()
                .contains("switchboard_ami_connected{asterisk=\"pbx1\"} 1.0"));
    }

    @AfterEach
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (node != null) {
                node.close();
            }
            if (asterisk != null) {
                asterisk.close();
            }
        }
    }

    /**
     * Amy holds and resumes her caller (one button, showing what the call is doing), consults Bob and cancels,
     * then consults him again and completes the transfer: the caller is Bob's, and Amy's card is gone.
     */
    @Test
    void anAgentHoldsConsultsAndHandsTheCallerOverFromTheDesktop() throws Exception {
        asterisk.agentPhone("131", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        asterisk.agentPhone("132", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        agent("amy", "131");
        Api bob = agent("bob", "132");
        bob.post("/api/v1/agents/bob/state", new JsonObject().put("state", "away")).expect(200); // amy's caller
        browser.logInAgent(admin.base(), "amy");
        SimulatedCall caller = asterisk.placeCall(CallSpec.create().from("15551230090", "Ann Caller")
                .context("switchboard-inbound").dialing("8000").script(CallerScript.create().press("2"))
                .patience(Duration.ofMinutes(10)));
        browser.untilAttribute("#work-list .card", "data-status", "assigned");
        String card = "#work-list .card";
        assertEquals(0, count(card + " .unhold"), "not on hold: no Resume");

        browser.click(card + " .hold");
        browser.untilVisible(card + " .unhold");
        assertEquals(0, count(card + " .hold"), "on hold: no Hold");
        browser.click(card + " .unhold");
        browser.untilVisible(card + " .hold");
        assertEquals(0, count(card + " .unhold"));

        Agents.available(bob, "bob");
        browser.click(card + " .transfer-target");
        browser.until("bob listed", d -> !d.findElements(By.cssSelector(
                card + " .transfer-target option[value='agent:bob']")).isEmpty());
        new Select(browser.find(card + " .transfer-target")).selectByValue("agent:bob");
        browser.click(card + " .consult");
        browser.untilText(card + " .consulting span", "Consulting bob");
        assertEquals("busy", Agents.state(admin, "bob"), "bob is on the phone with amy");
        browser.click(card + " .cancel-consult");
        browser.untilVisible(card + " .do-transfer");
        Await.until("bob free again", WAIT, () -> "available".equals(Agents.state(admin, "bob")));

        new Select(browser.find(card + " .transfer-target")).selectByValue("agent:bob");
        browser.click(card + " .consult");
        browser.untilVisible(card + " .complete-consult");
        browser.click(card + " .complete-consult");
        browser.untilText("#work-list .empty", "Nothing assigned.");
        Await.until("bob has the caller", WAIT, () -> "busy".equals(Agents.state(admin, "bob"))
                && admin.get("/api/v1/agents/bob").json().getJsonArray("interactions").size() == 1);
        assertTrue(!caller.isEnded(), "the caller is still on the line");
    }

    /**
     * A call rings the agent's phone: the offer says to answer there and has no Accept; the API refuses one (409), so
     * the call is never taken as talking while the phone rings.
     */
    @Test
    void aCallIsAnsweredOnThePhoneNotFromTheOffer() throws Exception {
        asterisk.agentPhone("138", PhoneBehavior.neverAnswers());
        Api amy = agent("amy", "138");
        browser.logInAgent(admin.base(), "amy");
        asterisk.placeCall(CallSpec.create().from("15551230091", "Bo Caller").context("switchboard-inbound")
                .dialing("8000").script(CallerScript.create().press("2")).patience(Duration.ofMinutes(10)));
        browser.untilVisible("#offer-phone");
        assertTrue(!browser.find("#accept").isDisplayed() && !browser.find("#reject").isDisplayed(),
                "no Accept or Reject for a ringing phone");
        String reservation = admin.get("/api/v1/agents/amy").json().getString("reservation");
        assertEquals("conflict", amy.post("/api/v1/reservations/" + reservation + "/accept", "{}").expect(409).json()
                .getString("error"));
        String id = reservation.substring(0, reservation.lastIndexOf('.'));
        assertTrue(!"assigned".equals(admin.get("/api/v1/interactions/" + id).json().getString("status")),
                "not taken as talking while the phone rings (or rang out)");
    }

    /** With recording on, the card of a call says it records; the agent pauses it for card details and resumes. */
    @Test
    void anAgentPausesTheRecordingWhileTheCustomerGivesCardDetails() throws Exception {
        node.close();
        node = wired.env("SWITCHBOARD_RECORDING_ENABLED", "true").start();
        admin = node.api();
        Await.until("AMI connected", WAIT, () -> admin.get("/metrics").body()
                .contains("switchboard_ami_connected{asterisk=\"pbx1\"} 1.0"));
        asterisk.agentPhone("136", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        agent("amy", "136");
        browser.logInAgent(admin.base(), "amy");
        asterisk.placeCall(CallSpec.create().from("15551230092", "Ann Caller").context("switchboard-inbound")
                .dialing("8000").script(CallerScript.create().press("2")).patience(Duration.ofMinutes(10)));
        String card = "#work-list .card[data-status=assigned]";
        browser.untilVisible(card + " .pause-recording");
        assertTrue(browser.find(card + " .recording").getAttribute("title").endsWith(".wav"));
        browser.click(card + " .pause-recording");
        browser.untilVisible(card + " .resume-recording");
        asterisk.events().await(e -> "MixMonitorMute".equals(e.name()) && "1".equals(e.get("State")), WAIT);
        browser.screenshot("agent-recording-paused");
        browser.click(card + " .resume-recording");
        browser.untilVisible(card + " .pause-recording");
        asterisk.events().await(e -> "MixMonitorMute".equals(e.name()) && "0".equals(e.get("State")), WAIT);
    }

    /**
     * The supervisor console joins Amy's call: with its phone typed once (kept in the browser), Whisper rings it,
     * the row shows who is on the call once ChanSpy starts, and Stop hangs the supervisor's phone up.
     */
    @Test
    void aSupervisorWhispersToAnAgentFromTheConsole() throws Exception {
        asterisk.agentPhone("135", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        asterisk.agentPhone("901", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        agent("amy", "135");
        browser.get(admin.base() + "/supervisor");
        browser.untilVisible("#login-key").sendKeys("test-supervisor-key", Keys.ENTER);
        browser.untilAttribute("#connection", "data-status", "connected");
        String row = "#agents tr[data-agent=amy]";
        browser.untilAttribute(row, "data-state", "available");
        assertEquals(0, count(row + " button[data-monitor]"), "not on a call: nothing to join");

        asterisk.placeCall(CallSpec.create().from("15551230091", "Ann Caller").context("switchboard-inbound")
                .dialing("8000").script(CallerScript.create().press("2")).patience(Duration.ofMinutes(10)));
        browser.untilAttribute(row, "data-state", "busy");
        browser.untilVisible(row + " button[data-monitor=whisper]");
        browser.find("#my-phone").sendKeys("Local/901@agents", Keys.TAB);
        browser.click(row + " button[data-monitor=whisper]");
        browser.untilText(row + " .monitor[data-mode=whisper] .who", "whisper (supervisor)");
        assertEquals("Local/901@agents", browser.script("return localStorage.getItem('switchboard.supervisor.phone')"));
        var spy = asterisk.events().await(e -> "ChanSpyStart".equals(e.name()), WAIT);
        assertTrue(spy.get("SpyerChannel").startsWith("Local/901@agents-"), spy.get("SpyerChannel"));
        browser.screenshot("supervisor-whisper");

        browser.click(row + " .stop-monitor");
        browser.until("the monitoring gone from the row", d -> d.findElements(By.cssSelector(row + " .monitor")).isEmpty());
        asterisk.events().await(e -> "Hangup".equals(e.name()) && spy.get("SpyerChannel").equals(e.get("Channel")), WAIT);
        assertEquals("busy", Agents.state(admin, "amy"), "amy is still on her call");
    }

    /** Bob never answers amy's consultation: her card is back to the call, and she is told why. */
    @Test
    void aConsultationNobodyAnswersPutsTheCardBackAndSaysWhy() throws Exception {
        asterisk.agentPhone("133", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        asterisk.agentPhone("134", PhoneBehavior.neverAnswers());
        agent("amy", "133");
        Api bob = agent("bob", "134");
        bob.post("/api/v1/agents/bob/state", new JsonObject().put("state", "away")).expect(200); // amy's caller
        browser.logInAgent(admin.base(), "amy");
        asterisk.placeCall(CallSpec.create().from("15551230094", "Ann Caller").context("switchboard-inbound")
                .dialing("8000").script(CallerScript.create().press("2")).patience(Duration.ofMinutes(10)));
        browser.untilAttribute("#work-list .card", "data-status", "assigned");
        String card = "#work-list .card";
        Agents.available(bob, "bob");
        browser.click(card + " .transfer-target");
        browser.until("bob listed", d -> !d.findElements(By.cssSelector(
                card + " .transfer-target option[value='agent:bob']")).isEmpty());
        new Select(browser.find(card + " .transfer-target")).selectByValue("agent:bob");
        browser.click(card + " .consult"); // unanswered, it ends in 1.5 s (15 simulated): too soon to look at

        browser.untilText("#notice", "bob did not answer: you are back with your caller");
        browser.untilVisible(card + " .do-transfer");
        assertEquals(0, count(card + " .consulting"));
        assertEquals("available", Agents.state(admin, "bob"));
    }

    /**
     * Amy works a customer's email and calls them from the customer panel: the call out is her contact, that customer's
     * (its card has no hold or transfer); her hang-up from the desktop ends it into wrap-up, and completing it frees
     * her voice line.
     */
    @Test
    void anAgentCallsTheCustomerOfHerEmailFromTheCustomerPanel() throws Exception {
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-77").put("name", "Cy Back")
                .put("phones", new JsonArray().add("+15557777")))
                .expect(201);
        asterisk.agentPhone("137", PhoneBehavior.answersAfter(Duration.ZERO, Duration.ofMinutes(10)));
        Api amy = agent("amy", "137");
        browser.logInAgent(admin.base(), "amy");
        admin.post("/api/v1/interactions", new JsonObject().put("channel", "email").put("customerId", "c-77"))
                .expect(201);
        Await.until("the email offered", WAIT, () -> admin.get("/api/v1/agents/amy").json().getString("reservation") != null);
        amy.post("/api/v1/reservations/" + admin.get("/api/v1/agents/amy").json().getString("reservation") + "/accept",
                "{}").expect(200);
        browser.click("#customer-details .dial-customer[data-number='+15557777']");
        browser.until("dialing", d -> {
            String notice = browser.text("#notice");
            if (notice.startsWith("dial +")) {
                throw new AssertionError(notice);
            }
            return notice.equals("dialing +15557777: answer on your phone");
        });
        browser.untilText("#work-list .card .call-out", "Call out to +15557777"); // connected: amy answered
        String out = browser.until("the call out's card", d -> d.findElements(By.cssSelector("#work-list .card"))
                .stream().filter(c -> !c.findElements(By.cssSelector(".call-out")).isEmpty()).findFirst()
                .map(c -> c.getDomAttribute("data-interaction")).orElse(null));
        String outCard = "#work-list .card[data-interaction='" + out + "']";
        assertEquals(0, count(outCard + " .hold") + count(outCard + " .do-transfer"), "a call out is not held or moved");
        JsonObject call = admin.get("/api/v1/interactions/" + out).json();
        assertEquals(List.of("c-77", "outbound", "voice"), List.of(call.getString("customerId"),
                call.getString("direction"), call.getString("channel")));
        browser.screenshot("agent-call-out");

        // amy hangs up from the desktop: Asterisk ends her channel, and the call goes to wrap-up
        browser.click(outCard + " .hangup");
        browser.untilAttribute(outCard, "data-status", "wrapping");
        browser.find(outCard + " form.wrapup button[type=submit]").click();
        browser.until("the card gone", d -> count(outCard) == 0);
        assertEquals("completed", admin.get("/api/v1/interactions/" + out).json().getString("status"));
        assertEquals(0, admin.get("/api/v1/agents/amy").json().getJsonObject("load").getInteger("voice"));
    }

    /** A phone Asterisk cannot reach: the desktop says the call out was canceled, and why; no card stays behind. */
    @Test
    void aCallOutThatCannotReachTheAgentsPhoneIsShownCanceled() throws Exception {
        // the simulator rings Local phones only: any other endpoint fails at once, as an unregistered one does
        admin.put("/api/v1/agents/amy", new JsonObject().put("skills", new JsonObject().put("support", 9))
                .put("pin", "1234").put("endpoint", "PJSIP/amy")).expect(200);
        Agents.available(Agents.login(admin, "amy"), "amy");
        browser.logInAgent(admin.base(), "amy");
        browser.find("#dial-number").sendKeys("+15558888", Keys.ENTER);
        browser.untilText("#notice", "call out canceled: the agent's phone did not answer");
        browser.until("no card left", d -> count("#work-list .card") == 0);
        assertTrue(admin.get("/api/v1/agents/amy").json().getJsonArray("interactions").isEmpty(), "amy holds nothing");
    }

    /**
     * A callback the agent accepts on the desktop rings her phone; she was away from it, so the desktop says the
     * callback was not dialled, and she calls again from the card: her phone, then the customer.
     */
    @Test
    void anAgentCallsACallbackAgainFromTheCard() throws Exception {
        node.close();
        node = wired.env("SWITCHBOARD_DIAL_RING_SECONDS", "20").start(); // rings 2 s here
        admin = node.api();
        Await.until("AMI connected", WAIT, () -> admin.get("/metrics").body()
                .contains("switchboard_ami_connected{asterisk=\"pbx1\"} 1.0"));
        asterisk.placeCall(CallSpec.create().from("15551230093", "Cy Caller").context("switchboard-inbound")
                .dialing("8000").script(CallerScript.create().press("5")).patience(Duration.ofMinutes(10)))
                .awaitEnded(WAIT);
        asterisk.agentPhone("139", PhoneBehavior.neverAnswers());
        agent("amy", "139");
        browser.logInAgent(admin.base(), "amy");
        browser.untilVisible("#accept").click();
        browser.untilAttribute("#work-list .card", "data-status", "assigned");
        browser.until("told it was not dialled", d -> d.getPageSource().contains(
                "callback to 15551230093 not dialled: your phone did not answer"));
        asterisk.agentPhone("139", PhoneBehavior.answersAfter(Duration.ofSeconds(10), Duration.ofSeconds(20)));
        browser.untilText("#work-list .card .redial", "Call 15551230093 again");
        browser.click("#work-list .card .redial");
        Await.until("the customer dialled", WAIT, () -> customerDialled("15551230093") == 1);
    }

    private int customerDialled(String number) {
        return asterisk.events().matching(e -> "DialBegin".equals(e.name())
                && String.valueOf(e.get("DestChannel")).startsWith("Local/" + number + "@customers")).size();
    }

    private Api agent(String id, String extension) {
        admin.put("/api/v1/agents/" + id, new JsonObject().put("skills", new JsonObject().put("support", 9))
                .put("pin", "1234").put("endpoint", "Local/" + extension + "@agents")).expect(200);
        Api agent = Agents.login(admin, id);
        Agents.available(agent, id);
        return agent;
    }

    private int count(String css) {
        return browser.driver().findElements(By.cssSelector(css)).size();
    }
}
