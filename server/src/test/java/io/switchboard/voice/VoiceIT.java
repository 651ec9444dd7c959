package io.switchboard.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.simulator.CallSpec;
import io.switchboard.simulator.CallerScript;
import io.switchboard.simulator.SimulatedAsterisk;
import io.switchboard.simulator.SimulatedCall;
import io.switchboard.simulator.pbx.CallerInput;
import io.switchboard.simulator.pbx.PhoneBehavior;
import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.OfficeHours;
import io.switchboard.testing.Repo;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestPbx;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.RedirectAction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls through a simulated Asterisk that speaks real AMI and FastAGI over real sockets, with the
 * shipped dialplan snippet, IVR flow and routing rules. The simulator runs its clock 10x faster.
 */
@ExtendWith(TestRedis.class)
class VoiceIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private SimulatedAsterisk asterisk;
    private TestRedis redis;
    private String prefix;
    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis) {
        this.redis = redis;
        this.prefix = redis.newPrefix();
        asterisk = TestPbx.start(Duration.ofMillis(300));
        use(node().start());
    }

    /** Makes {@code started} the test's node, once its AMI link is up (for a test that needs other settings). */
    private void use(TestNode started) {
        node = started;
        admin = node.api();
        Await.until("AMI connected", WAIT, () -> admin.get("/metrics").body()
                .contains("switchboard_ami_connected{asterisk=\"pbx1\"} 1.0"));
    }

    /** A node on the test's Redis prefix and simulator, taking the simulator's calls (its FastAGI). */
    private TestNode.Builder node() {
        return configured(TestPbx.wire(TestNode.on(redis, prefix).rules(Repo.root().resolve("routing-rules")), asterisk));
    }

    /** A second node on the same Redis and Asterisk (AMI only): the calls' FastAGI stays with the first. */
    private TestNode.Builder secondNode() {
        return configured(TestPbx.amiOnly(TestNode.on(redis, prefix).rules(Repo.root().resolve("routing-rules")), asterisk));
    }

    private static TestNode.Builder configured(TestNode.Builder node) {
        return node
                // announcements every 20 s (2 s of test time) and callbacks offered above 2 minutes' wait
                .env("SWITCHBOARD_EWT_ANNOUNCE_SECONDS", "20").env("SWITCHBOARD_CALLBACK_OFFER_SECONDS", "120")
                .env("SWITCHBOARD_CALL_OWNER_TTL_SECONDS", "3");
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        asterisk.close();
    }

    private SimulatedCall call(String number, CallerScript script) {
        return asterisk.placeCall(CallSpec.create().from(number, "Ann Caller").context("switchboard-inbound")
                .dialing("8000").script(script).patience(Duration.ofMinutes(10)));
    }

    @Test
    void selfServiceIsContainedUntilTheCallerRingsBack() throws Exception {
        SimulatedCall first = call("15551230001", CallerScript.create().press("4"));
        first.awaitEnded(WAIT);
        Await.until("contained", () -> metric("switchboard_ivr_calls_total{outcome=\"contained_hours\"}") == 1.0);
        assertEquals(0, admin.get("/api/v1/queues/support/stats").json().getLong("waiting"));

        SimulatedCall second = call("15551230001", CallerScript.create().press("2"));
        Await.until("queued", () -> admin.get("/api/v1/queues/support/stats").json().getLong("waiting") == 1);
        assertEquals(1.0, metric("switchboard_ivr_recontacts_total{outcome=\"contained_hours\"}"),
                "the caller rang back: the first call was not really contained");
        Await.until("the interaction id handed to the dialplan", WAIT,
                () -> second.agiTranscript().format().contains("SET VARIABLE \"SB_INTERACTION\""));
    }

    /** A caller who presses 7 (no such option) and then 1 during "invalid option" is put through to billing. */
    @Test
    void aKeyPressedDuringTheInvalidOptionPromptIsTheCallersChoice() throws Exception {
        SimulatedCall caller = call("15551230009", CallerScript.create().press("7").press("1", Duration.ofMillis(100)));
        Await.until("waiting in billing", WAIT, () -> admin.get("/api/v1/queues/billing/stats").json()
                .getLong("waiting") == 1);
        assertTrue(caller.agiTranscript().format().contains("switchboard/invalid-option"), "the key cut the prompt");
        caller.hangUp();
    }

    /**
     * Every queue of the caller's route is closed (London's office opens at 08:00 and it is 07:59): the caller hears
     * so, then when it opens, in London's time, and may take a callback, made at the opening (no agent signed in
     * late rings the customer before); one who does not hears goodbye.
     */
    @Test
    void aCallerOutsideTheQueuesHoursHearsTheOpeningAndMayTakeACallback(@TempDir Path temp) throws Exception {
        node.close();
        TestClock clock = new TestClock(OfficeHours.MONDAY_0759);
        use(node().rules(Rules.folder(temp, """
                queues:
                  billing: {members: '"billing" in agent.skills', hours: office}
                  support: {members: '"support" in agent.skills'}
                workflow: default
                filters:
                  - match: 'attributes.intent == "billing"'
                    steps: [{queue: billing}]
                default: {steps: [{queue: support}]}
                """)).sla(OfficeHours.slaFile(temp)).clock(clock).start());

        // the menu: billing; the closed prompt (it listens, as every prompt does): nothing; the callback offer: 1
        SimulatedCall taker = call("15551239001", CallerScript.create().press("1").silence().press("1"));
        taker.awaitEnded(WAIT);
        String heard = taker.agiText();
        assertTrue(heard.contains("STREAM FILE \"switchboard/closed\""), heard);
        long opens = OfficeHours.MONDAY_0800.getEpochSecond();
        assertTrue(heard.contains("SAY DATETIME " + opens + " \"\" \"Q 'digits/at' IMp\" \"Europe/London\""), heard);
        assertTrue(heard.contains("GET DATA \"switchboard/closed-callback\""), heard);
        SimulatedCall decliner = call("15551239002", CallerScript.create().press("1").silence().silence());
        decliner.awaitEnded(WAIT);
        assertTrue(decliner.agiText().contains("STREAM FILE \"vm-goodbye\""), decliner.agiText());
        Await.until("counted as closed", () -> metric("switchboard_ivr_calls_total{outcome=\"closed\"}") == 1.0);
        assertEquals(0, admin.get("/api/v1/queues/billing/stats").json().getLong("waiting"),
                "the callback is not in line before the opening");

        clock.advance(Duration.ofMinutes(1));
        Await.until("the callback waits in billing from 08:00", WAIT,
                () -> admin.get("/api/v1/queues/billing/stats").json().getLong("waiting") == 1);
        JsonObject callback = admin.get("/api/v1/interactions?queue=billing").expect(200).json()
                .getJsonArray("interactions").getJsonObject(0);
        assertEquals("callback", callback.getString("channel"));
        assertEquals(true, callback.getJsonObject("attributes").getBoolean("afterHours"));
        assertEquals("15551239001", callback.getJsonObject("attributes").getString("callbackNumber"));
        assertEquals("main>1>closed>1", callback.getJsonObject("attributes").getString("ivrPath"));
        assertEquals(OfficeHours.MONDAY_0800.toEpochMilli(), callback.getLong("queuedAt"), "waits from the opening");

        SimulatedCall support = call("15551239003", CallerScript.create().press("2"));
        Await.until("support is open: the caller waits for an agent", WAIT,
                () -> admin.get("/api/v1/queues/support/stats").json().getLong("waiting") == 1);
        support.hangUp();
    }

    /** Rules that give a call no queue (none serves voice): the caller hears goodbye, not hold music for ever. */
    @Test
    void aCallRoutingCannotTakeEndsWithGoodbye(@TempDir Path temp) throws Exception {
        node.close();
        use(node().rules(Rules.folder(temp, """
                queues:
                  support: {members: '"support" in agent.skills', channels: [chat, email]}
                workflow: default
                default: {steps: [{queue: support}]}
                """)).start());
        SimulatedCall caller = call("15551230011", CallerScript.create().press("2"));
        caller.awaitEnded(WAIT);
        String transcript = caller.agiTranscript().format();
        assertTrue(transcript.contains("vm-goodbye") && transcript.contains("HANGUP"), transcript);
        Await.until("counted", () -> metric("switchboard_voice_ivr_failures_total") == 1.0);
        assertEquals(0, admin.get("/api/v1/interactions").expect(200).json().getJsonArray("interactions").size(),
                "nothing waits for the caller who left");
    }

    /** A FastAGI session names its own channel: from a host voice.agiAllowedHosts does not name, it is hung up. */
    @Test
    void aFastAgiSessionFromAHostNotAllowedIsRefused() throws Exception {
        node.close();
        // only a host elsewhere is allowed (TEST-NET); the simulator's sessions come from here
        use(node().env("SWITCHBOARD_AGI_ALLOWED_HOSTS", "192.0.2.1").start());
        SimulatedCall caller = call("15551230012", CallerScript.create().press("2"));
        caller.awaitEnded(WAIT); // hung up, not left to the hold line's music for ever
        assertEquals(1.0, metric("switchboard_agi_refused_sessions_total"));
        assertEquals(0, admin.get("/api/v1/interactions").expect(200).json().getJsonArray("interactions").size());
        assertEquals(0.0, metric("switchboard_ivr_calls_total{outcome=\"agent\"}"), "no IVR ran for it");
    }

    @Test
    void aCallerHearsTheirCaseStatusWithoutAnAgent() throws Exception {
        admin.post("/api/v1/customers", new JsonObject().put("id", "cust-eve").put("name", "Eve")
                .put("phones", new JsonArray().add("+15551230007"))).expect(201);
        String caseId = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "cust-eve").put("subject", "Router replacement")).expect(201).json().getString("id");
        String digits = caseId.substring(caseId.indexOf('-') + 1);
        SimulatedCall caller = call("15551230007", CallerScript.create().press("3").press(digits));
        caller.awaitEnded(WAIT);
        Await.until("contained", () -> metric("switchboard_ivr_calls_total{outcome=\"contained_case_status\"}") == 1.0);
        String transcript = caller.agiTranscript().format();
        assertTrue(transcript.contains("SAY DIGITS \"" + digits + "\""), transcript);
        assertTrue(transcript.contains("switchboard/case-new"), transcript);
        assertEquals(0, admin.get("/api/v1/queues/support/stats").json().getLong("waiting"));

        // case numbers run in sequence: a caller from another number hears nothing of Eve's case, an agent checks
        SimulatedCall stranger = call("15551230999", CallerScript.create().press("3").press(digits));
        Await.until("the stranger waits for an agent", WAIT,
                () -> admin.get("/api/v1/queues/support/stats").json().getLong("waiting") == 1);
        assertFalse(stranger.agiTranscript().format().contains("switchboard/case-"), stranger.agiTranscript().format());
        assertEquals(1.0, metric("switchboard_ivr_calls_total{outcome=\"contained_case_status\"}"));
        stranger.hangUp();
    }

    @Test
    void aSpanishBillingCallerReachesASpanishBillingAgent() throws Exception {
        asterisk.agentPhone("101", PhoneBehavior.answersAfter(Duration.ofSeconds(2), Duration.ofSeconds(20)));
        asterisk.agentPhone("102", PhoneBehavior.answersAfter(Duration.ofSeconds(2), Duration.ofSeconds(20)));
        agent("sam", "102", new JsonObject().put("billing", 9));
        agent("eva", "101", new JsonObject().put("billing", 8).put("spanish", 9));

        SimulatedCall caller = call("15551230002", CallerScript.create().press("9").press("1"));
        Await.until("eva talking", WAIT, () -> "busy".equals(Agents.state(admin, "eva")));
        JsonObject interaction = onlyInteraction("eva");
        assertEquals("billing", interaction.getJsonObject("attributes").getString("intent"));
        assertEquals("es", interaction.getJsonObject("attributes").getString("language"));
        assertEquals("main>9>spanish>1", interaction.getJsonObject("attributes").getString("ivrPath"));
        assertEquals("spanish-billing", interaction.getString("filter"));
        assertEquals("assigned", interaction.getString("status"));
        assertEquals("available", Agents.state(admin, "sam"), "sam speaks no Spanish");

        caller.hangUp();
        Await.until("wrap-up after the call", WAIT, () -> "wrap_up".equals(Agents.state(admin, "eva")));
    }

    @Test
    void ringNoAnswerRequeuesTheCallerAndMarksTheAgent() throws Exception {
        asterisk.agentPhone("103", PhoneBehavior.neverAnswers());
        Api tom = agent("tom", "103", new JsonObject().put("support", 9));
        call("15551230003", CallerScript.create().press("2"));
        Await.until("tom missed the call", Duration.ofSeconds(20), () ->
                admin.get("/api/v1/agents/tom").json().getInteger("missedOffers") == 1);
        tom.post("/api/v1/agents/tom/state", new JsonObject().put("state", "away")).expect(200);

        asterisk.agentPhone("104", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        agent("ann", "104", new JsonObject().put("support", 9));
        Await.until("ann talking to the same caller", WAIT, () -> "busy".equals(Agents.state(admin, "ann")));
        JsonObject interaction = onlyInteraction("ann");
        assertTrue(interaction.getJsonArray("history").encode().contains("\"reason\":\"no_answer\""));
        assertEquals(2, interaction.getInteger("offers"));
    }

    /**
     * The AMI link is down while FastAGI still serves: the call is offered, but the phone cannot be rung. The offer is
     * withdrawn at once and is not the agent's miss (it used to ring out its 15 s and count one, and a floor went
     * away(missed) one agent after another); once the link is back the call rings her.
     */
    @Test
    void anOfferThatCannotRingWhileTheAmiLinkIsDownIsNotTheAgentsMiss() throws Exception {
        asterisk.agentPhone("124", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(300)));
        agent("ivy", "124", new JsonObject().put("support", 9));
        agent("abe", "125", new JsonObject().put("support", 1)); // a second agent: the call must not bounce between them
        asterisk.stopAmi();
        Await.until("AMI down", WAIT, () -> metric("switchboard_ami_connected{asterisk=\"pbx1\"}") == 0.0);
        call("15551230010", CallerScript.create().press("2"));
        Await.until("offered, and withdrawn as not rung", WAIT, () -> admin.get("/api/v1/interactions?queue=support")
                .json().encode().contains("\"status\":\"queued\"")
                && admin.get("/api/v1/interactions/" + admin.get("/api/v1/interactions?queue=support").json()
                        .getJsonArray("interactions").getJsonObject(0).getString("id")).json().getJsonArray("history")
                        .encode().contains("\"reason\":\"not_rung\""));
        JsonObject ivy = admin.get("/api/v1/agents/ivy").json();
        assertEquals(List.of("available", 0), List.of(ivy.getString("state"), ivy.getInteger("missedOffers")), ivy.encode());
        // each agent is tried once, then the call waits for the re-offer (10 s): in a hot loop between the two, the
        // offers would be far past two by the time both refusals are seen
        String id = admin.get("/api/v1/interactions?queue=support").json().getJsonArray("interactions")
                .getJsonObject(0).getString("id");
        Await.until("both agents tried", WAIT, () -> admin.get("/api/v1/interactions/" + id).json()
                .getJsonArray("history").stream().map(JsonObject.class::cast)
                .filter(h -> "not_rung".equals(h.getString("reason"))).count() >= 2);
        JsonObject call = admin.get("/api/v1/interactions/" + id).json();
        assertEquals(2, call.getInteger("offers"), call.encode());
        asterisk.startAmi();
        Await.until("rung once the link is back (after the 10 s skip)", Duration.ofSeconds(30),
                () -> "busy".equals(Agents.state(admin, "ivy")) || "reserved".equals(Agents.state(admin, "abe")));
    }

    /** The caller hangs up while the agent's phone rings (DialEnd CANCEL): abandoned, and no miss of the agent's. */
    @Test
    void aCallerWhoHangsUpWhileThePhoneRingsCostsTheAgentNothing() throws Exception {
        asterisk.agentPhone("117", PhoneBehavior.neverAnswers());
        agent("una", "117", new JsonObject().put("support", 9));
        SimulatedCall caller = call("15551230041", CallerScript.create().press("2"));
        asterisk.events().await(e -> "DialBegin".equals(e.name()) && caller.agiChannel().equals(e.get("Channel")), WAIT);
        caller.hangUp();
        asterisk.events().await(e -> "DialEnd".equals(e.name()) && caller.agiChannel().equals(e.get("Channel"))
                && "CANCEL".equals(e.get("DialStatus")), WAIT);
        Await.until("counted as abandoned", WAIT,
                () -> metric("switchboard_queue_abandoned_total{channel=\"voice\",queue=\"support\"}") == 1.0);
        assertEquals(0, admin.get("/api/v1/agents/una").json().getInteger("missedOffers"));
        assertEquals("available", Agents.state(admin, "una"));
    }

    /**
     * Offers that time out before the phone stops ringing (reservation 1 s here, the ring 1.5 s): each re-offer's
     * Redirect ends the earlier phone's Dial (CANCEL), which is no answer of the agent now offered the call. Every
     * offer ends by its own timeout, none as a ring-no-answer charged to the next agent.
     */
    @Test
    void theEndOfAnEarlierOffersRingIsNotTheNextAgentsMiss() throws Exception {
        node.close();
        use(node().env("SWITCHBOARD_RESERVATION_TIMEOUT_SECONDS", "1").start());
        asterisk.agentPhone("118", PhoneBehavior.neverAnswers());
        asterisk.agentPhone("120", PhoneBehavior.neverAnswers());
        agent("val", "118", new JsonObject().put("support", 9));
        agent("wes", "120", new JsonObject().put("support", 9));
        SimulatedCall caller = call("15551230042", CallerScript.create().press("2"));
        Await.until("the call offered", WAIT, () -> !admin.get("/api/v1/interactions?channel=voice").json()
                .getJsonArray("interactions").isEmpty());
        String id = admin.get("/api/v1/interactions?channel=voice").json().getJsonArray("interactions")
                .getJsonObject(0).getString("id");
        Await.until("offered three times", WAIT,
                () -> admin.get("/api/v1/interactions/" + id).json().getInteger("offers") >= 3);
        caller.hangUp();
        String history = admin.get("/api/v1/interactions/" + id).json().getJsonArray("history").encode();
        assertTrue(!history.contains("no_answer"), history);
    }

    /**
     * The agent goes away while its phone rings for a call: the call goes back in line and the ring stops (the caller
     * back on hold). It rang on: the agent answering then talked to a caller Switchboard showed as waiting, until the
     * next agent's ring took the caller away mid-sentence.
     */
    @Test
    void anAgentWhoGoesAwayWhileItsPhoneRingsStopsTheRing() throws Exception {
        asterisk.agentPhone("126", PhoneBehavior.answersAfter(Duration.ofSeconds(20), Duration.ofSeconds(300)));
        Api ann = agent("ann", "126", new JsonObject().put("support", 9));
        SimulatedCall caller = call("15551230060", CallerScript.create().press("2"));
        asterisk.events().await(e -> "DialBegin".equals(e.name()) && caller.agiChannel().equals(e.get("Channel")), WAIT);
        String id = admin.get("/api/v1/interactions?channel=voice").json().getJsonArray("interactions")
                .getJsonObject(0).getString("id");
        ann.post("/api/v1/agents/ann/state", new JsonObject().put("state", "away")).expect(200);
        assertEquals("queued", admin.get("/api/v1/interactions/" + id).json().getString("status"));
        var ringEnd = asterisk.events().await(e -> "DialEnd".equals(e.name())
                && caller.agiChannel().equals(e.get("Channel")), WAIT);
        assertEquals("CANCEL", ringEnd.get("DialStatus"), "the ring stopped before the phone (2 s into it) answered");
        Await.holds("the caller waits, talking with nobody", Duration.ofSeconds(3),
                () -> !caller.isConnected() && !caller.isEnded());
        assertEquals("queued", admin.get("/api/v1/interactions/" + id).json().getString("status"));
        caller.hangUp();
    }

    /**
     * The agent sends the caller back to the IVR's number from the phone (a blind transfer that keeps the channel and its
     * unique id): the contact the agent was on ends (wrap-up, the agent free again) and the caller's new choice is a
     * contact of its own. The first stayed assigned, its agent busy for good.
     */
    @Test
    void aCallSentBackToTheIvrEndsTheContactItWas() throws Exception {
        OnCall amys = talking("amy", "128", "15551230093");
        SimulatedCall caller = amys.caller();
        ManagerConnection ami = new ManagerConnectionFactory("127.0.0.1", asterisk.amiPort(), "cti", "ctisecret")
                .createManagerConnection();
        ami.login("off");
        try {
            caller.queueInput(CallerInput.press("1"));
            RedirectAction back = new RedirectAction(caller.agiChannel(), "switchboard-inbound", "8000", 1);
            assertEquals("Success", ami.sendAction(back).getResponse());
        } finally {
            ami.logoff();
        }
        Await.until("the first contact wrapped up and amy free", WAIT, () -> !"assigned".equals(
                admin.get("/api/v1/interactions/" + amys.interactionId()).json().getString("status"))
                && !"busy".equals(Agents.state(admin, "amy")));
        Await.until("the caller waits in billing, a contact of its own", WAIT,
                () -> admin.get("/api/v1/queues/billing/stats").json().getLong("waiting") == 1);
        caller.hangUp();
    }

    @Test
    void aCallerWhoHangsUpWhileWaitingIsAbandoned() throws Exception {
        SimulatedCall caller = asterisk.placeCall(CallSpec.create().from("15551230004", "Ann Caller")
                .context("switchboard-inbound").dialing("8000").script(CallerScript.create().press("2"))
                .patience(Duration.ofSeconds(30)));
        Await.until("queued", WAIT, () -> admin.get("/api/v1/queues/support/stats").json().getLong("waiting") == 1);
        caller.awaitEnded(WAIT);
        Await.until("abandoned", WAIT, () -> admin.get("/api/v1/queues/support/stats").json().getLong("waiting") == 0);
        // the metric is counted right after the routing script answers: wait for it, do not race it
        Await.until("counted as abandoned", WAIT,
                () -> metric("switchboard_queue_abandoned_total{channel=\"voice\",queue=\"support\"}") == 1.0);
    }

    /**
     * A FastAGI connection naming no script (not Asterisk, or a dialplan without the script's name) is told NOT_FOUND,
     * as an unknown script is: it used to fail with a NullPointerException logged with its stack for each connection.
     */
    @Test
    void anAgiRequestNamingNoScriptIsAnsweredNotFound() throws Exception {
        try (java.net.Socket agi = new java.net.Socket("127.0.0.1", node.server().agiPort())) {
            agi.setSoTimeout(10_000);
            agi.getOutputStream().write("agi_request: agi://127.0.0.1/\nagi_channel: PJSIP/x-1\nagi_uniqueid: 1.1\n\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            var reply = new java.io.BufferedReader(new java.io.InputStreamReader(agi.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals("SET VARIABLE \"AJ_AGISTATUS\" \"NOT_FOUND\"", reply.readLine());
        }
    }

    /**
     * Two Asterisks configured, the first one down: a call out goes through the one this node hears, rather than being
     * refused because the first is unreachable; with both down it is refused as unavailable (503), the agent free.
     */
    @Test
    void aCallOutGoesThroughAnAsteriskThatIsUp() throws Exception {
        node.close();
        int down;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            down = closed.getLocalPort(); // free once closed: nothing answers there
        }
        use(node().env("SWITCHBOARD_AMI_URLS",
                TestPbx.amiUrl("pbx0", down) + "," + TestPbx.amiUrl("pbx1", asterisk.amiPort())).start());
        asterisk.agentPhone("105", PhoneBehavior.answersAfter(Duration.ZERO, Duration.ofSeconds(60)));
        Api fay = agent("fay", "105", new JsonObject().put("support", 5));

        asterisk.stopAmi();
        Await.until("AMI down", WAIT, () -> metric("switchboard_ami_connected{asterisk=\"pbx1\"}") == 0.0);
        String refused = fay.post("/api/v1/agents/fay/dial", new JsonObject().put("number", "+15551234")).expect(503)
                .json().getString("message");
        assertTrue(refused.startsWith("not dialled: "), refused);
        assertEquals("available", admin.get("/api/v1/agents/fay").json().getString("state"));
        asterisk.startAmi();
        Await.until("AMI up", WAIT, () -> metric("switchboard_ami_connected{asterisk=\"pbx1\"}") == 1.0);

        fay.post("/api/v1/agents/fay/dial", new JsonObject().put("number", "+15551234")).expect(200);
        assertEquals("busy", admin.get("/api/v1/agents/fay").json().getString("state"));
        Await.until("the customer is dialled through pbx1", WAIT, () -> asterisk.events()
                .matching(e -> "DialBegin".equals(e.name()) && String.valueOf(e.get("DestChannel"))
                        .startsWith("Local/15551234@customers")).size() == 1);
    }

    /**
     * Click-to-dial is a contact the agent holds from the start: the customer's (found by the number), timed, keeping
     * routing's offers away while the agent dials, wrapped up when the call ends.
     */
    @Test
    void clickToDialIsAContactTheAgentHoldsUntilTheCallEnds() throws Exception {
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-dial").put("name", "Dee Al")
                .put("phones", new JsonArray().add("+15551234"))).expect(201);
        // answers at once, talks 60 s of simulated time (6 s here), then hangs up
        asterisk.agentPhone("105", PhoneBehavior.answersAfter(Duration.ZERO, Duration.ofSeconds(60)));
        Api fay = agent("fay", "105", new JsonObject().put("support", 5));
        fay.post("/api/v1/agents/fay/dial", new JsonObject().put("number", "\r\nAction: Hangup")).expect(400);
        fay.post("/api/v1/agents/ann/dial", new JsonObject().put("number", "5551234")).expect(403);
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-other").put("name", "Someone Else")).expect(201);
        fay.post("/api/v1/agents/fay/dial", new JsonObject().put("number", "+15551234").put("customerId", "c-other"))
                .expect(403); // naming a customer she does not serve would open their record and cases to her
        JsonObject dialled = fay.post("/api/v1/agents/fay/dial", new JsonObject().put("number", "+15551234"))
                .expect(200).json();
        assertEquals("dialing", dialled.getString("status"));
        String id = dialled.getString("id");
        JsonObject out = admin.get("/api/v1/interactions/" + id).expect(200).json();
        assertEquals(List.of("voice", "outbound", "assigned", "fay", "outbound", "c-dial", "+15551234"),
                List.of(out.getString("channel"), out.getString("direction"), out.getString("status"),
                        out.getString("agentId"), out.getString("queue"), out.getString("customerId"),
                        out.getJsonObject("attributes").getString("number")));
        assertEquals("busy", admin.get("/api/v1/agents/fay").json().getString("state"), "no call is offered meanwhile");
        Await.until("connected when fay answers", WAIT, () -> admin.get("/api/v1/interactions/" + id).json()
                .getJsonObject("timestamps").getValue("connected") != null);
        assertEquals(409, admin.post("/api/v1/interactions/" + id + "/cancel", "{}").status(),
                "a call in progress is ended by its agent, not canceled");
        assertEquals(409, fay.post("/api/v1/agents/fay/dial", new JsonObject().put("number", "+15559876")).status());
        assertEquals(409, fay.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "support"))
                .status(), "a call out stays with its agent");
        Await.until("the customer is dialled from the agent's phone", WAIT, () -> asterisk.events()
                .matching(e -> "DialBegin".equals(e.name()) && String.valueOf(e.get("DestChannel"))
                        .startsWith("Local/15551234@customers")).size() == 1);
        assertTrue(admin.get("/api/v1/customers/c-dial").json().getJsonArray("interactions").encode()
                .contains("\"direction\":\"outbound\""), "in the customer's history");

        Await.until("wrapped up when the call ends", WAIT, () -> !"assigned".equals(
                admin.get("/api/v1/interactions/" + id).json().getString("status")));
        JsonObject ended = admin.get("/api/v1/interactions/" + id).json();
        if ("wrapping".equals(ended.getString("status"))) {
            fay.post("/api/v1/interactions/" + id + "/complete", new JsonObject().put("disposition", "resolved"))
                    .expect(200);
        }
        JsonObject done = admin.get("/api/v1/interactions/" + id).json();
        assertEquals("completed", done.getString("status"));
        long talked = done.getJsonObject("timestamps").getLong("ended") - done.getJsonObject("timestamps").getLong("answered");
        // the simulated customer hangs up after 30 s (3 s here), which ends the agent's leg too
        assertTrue(talked >= 2_500 && talked < 6_000, "the call's length is its talk time: " + talked);
        Await.until("fay free again", WAIT, () -> "available".equals(admin.get("/api/v1/agents/fay").json().getString("state")));
        Await.until("counted under the outbound queue", WAIT,
                () -> metric("switchboard_calls_dialled_total{channel=\"voice\",queue=\"outbound\"}") == 1.0);
        JsonObject stats = admin.get("/api/v1/stats/cumulative").expect(200).json();
        JsonObject outbound = stats.getJsonObject("outbound");
        assertEquals(List.of(1L, 1L, 0L, 1L), List.of(outbound.getLong("dialled"), outbound.getLong("connected"),
                outbound.getLong("canceled"), outbound.getLong("completed")), outbound.encode());
        assertEquals(1L, stats.getJsonObject("floor").getJsonObject("cost").getLong("handled"),
                "a call out is a contact handled");
        assertEquals(stats.getJsonObject("floor").getJsonObject("cost").getDouble("channel"),
                metric("switchboard_channel_cost_total{channel=\"voice\",queue=\"outbound\"}"), 1e-9,
                "the line costs in Prometheus what the statistics API counts");
        assertTrue(metric("switchboard_channel_cost_total{channel=\"voice\",queue=\"outbound\"}") > 0);
    }

    /** The agent's phone never answers its own call out: the contact is canceled and the agent is free again. */
    @Test
    void aCallOutTheAgentNeverAnswersIsCanceled() throws Exception {
        node.close();
        use(node().env("SWITCHBOARD_DIAL_RING_SECONDS", "20").start()); // 2 s here
        asterisk.agentPhone("107", PhoneBehavior.neverAnswers());
        Api hal = agent("hal", "107", new JsonObject().put("support", 5));
        String id = hal.post("/api/v1/agents/hal/dial", new JsonObject().put("number", "+15554321")).expect(200).json()
                .getString("id");
        assertEquals("busy", admin.get("/api/v1/agents/hal").json().getString("state"));
        // while hal's phone rings: not canceled by staff (the phone would ring on), not wrapped up by hal
        assertEquals(409, admin.post("/api/v1/interactions/" + id + "/cancel", "{}").status());
        assertEquals(409, hal.post("/api/v1/interactions/" + id + "/wrapup", "{}").status());
        assertEquals(409, hal.post("/api/v1/interactions/" + id + "/hangup", "{}").status(), "declined on the phone");
        Await.until("canceled when the ring gives up", WAIT, () -> "canceled".equals(
                admin.get("/api/v1/interactions/" + id).json().getString("status")));
        assertEquals("the agent's phone did not answer", admin.get("/api/v1/interactions/" + id).json().getString("reason"));
        Await.until("hal free again", WAIT, () -> "available".equals(admin.get("/api/v1/agents/hal").json().getString("state")));
        JsonObject outbound = admin.get("/api/v1/stats/cumulative").json().getJsonObject("outbound");
        assertEquals(List.of(1L, 0L, 1L, 0L), List.of(outbound.getLong("dialled"), outbound.getLong("connected"),
                outbound.getLong("canceled"), outbound.getLong("completed")), outbound.encode());
        assertEquals(0, asterisk.events().matching(e -> "DialBegin".equals(e.name()) && String.valueOf(e.get("DestChannel"))
                .startsWith("Local/15554321@customers")).size(), "the customer was never dialled");
    }

    @Test
    void aCallbackRequestedInTheIvrRingsTheAgentThenTheCaller() throws Exception {
        // a trunk that sends the number formatted: called back all the same
        SimulatedCall caller = call("+1 (555) 123-0005", CallerScript.create().press("5"));
        caller.awaitEnded(WAIT);
        assertTrue(caller.agiTranscript().format().contains("switchboard/callback-confirmed"),
                "told before the line goes quiet");
        asterisk.agentPhone("106", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        Api gus = agent("gus", "106", new JsonObject().put("support", 7));
        Await.until("the callback offered", WAIT, () -> admin.get("/api/v1/agents/gus").json().getString("reservation") != null);
        String rsv = admin.get("/api/v1/agents/gus").json().getString("reservation");
        gus.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
        JsonObject callback = onlyInteraction("gus");
        assertEquals("callback", callback.getString("channel"));
        assertEquals("+15551230005", callback.getJsonObject("attributes").getString("callbackNumber"));
        JsonObject at = callback.getJsonObject("timestamps");
        // the IVR (menu prompt, key, goodbye) took time: the place in line is from when the call came in
        assertTrue(at.getLong("queued") < at.getLong("created"), at.encode());
        Await.until("the caller is dialled from gus's phone", WAIT, () -> asterisk.events()
                .matching(e -> "DialBegin".equals(e.name()) && String.valueOf(e.get("DestChannel"))
                        .startsWith("Local/15551230005@customers")).size() == 1);
    }

    /**
     * The AMI link is down when the agent accepts the callback: the dial waits as a job in Redis, and once the link is
     * back a sweep dials it, once.
     */
    @Test
    void aCallbackAcceptedWhileTheAmiLinkIsDownIsDialledOnceItIsBack() throws Exception {
        call("15551230007", CallerScript.create().press("5")).awaitEnded(WAIT);
        asterisk.agentPhone("119", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        Api ida = agent("ida", "119", new JsonObject().put("support", 7));
        Await.until("the callback offered", WAIT, () -> admin.get("/api/v1/agents/ida").json().getString("reservation") != null);
        String rsv = admin.get("/api/v1/agents/ida").json().getString("reservation");
        asterisk.stopAmi();
        Await.until("AMI down", WAIT, () -> metric("switchboard_ami_connected{asterisk=\"pbx1\"}") == 0.0);
        ida.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
        asterisk.startAmi();
        Await.until("dialled once the link is back", Duration.ofSeconds(30), () -> customerDialled("15551230007") == 1);
        Await.until("the agent's phone answered", WAIT,
                () -> metric("switchboard_voice_callback_dials_total{outcome=\"answered\"}") == 1.0);
        assertEquals(1.0, metric("switchboard_voice_callback_dials_total{outcome=\"redialled\"}"));
        assertEquals(1, customerDialled("15551230007"), "dialled once");
    }

    /**
     * The agent's phone did not answer the callback's dial: the callback stays hers, and she calls again from the
     * desktop once that dial has ended (while it still rings her phone, a second would ring it twice). Only the
     * callback's agent may. When the conversation ends (the agent's leg hangs up) the callback wraps up.
     */
    @Test
    void theAgentCallsACallbackAgainWhenHerPhoneDidNotAnswer() throws Exception {
        node.close();
        use(node().env("SWITCHBOARD_DIAL_RING_SECONDS", "20").start()); // 2 s here
        call("15551230008", CallerScript.create().press("5")).awaitEnded(WAIT);
        asterisk.agentPhone("120", PhoneBehavior.neverAnswers());
        Api joe = agent("joe", "120", new JsonObject().put("support", 7));
        Await.until("the callback offered", WAIT, () -> admin.get("/api/v1/agents/joe").json().getString("reservation") != null);
        try (AgentSocket desk = joe.events("joe")) {
            joe.post("/api/v1/reservations/" + admin.get("/api/v1/agents/joe").json().getString("reservation")
                    + "/accept", "{}").expect(200);
            String id = onlyInteraction("joe").getString("id");
            Api.Reply ringing = joe.post("/api/v1/interactions/" + id + "/redial", "{}");
            assertEquals(409, ringing.status(), ringing.body());
            // nor moved while her phone rings for it: answered, it would call the customer on top of the next agent
            asterisk.events().await(e -> "Newchannel".equals(e.name())
                    && String.valueOf(e.get("Channel")).startsWith("Local/120@agents"), WAIT);
            Api.Reply moved = joe.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "support"));
            assertEquals(409, moved.status(), moved.body());
            assertTrue(moved.body().contains("phone still rings"), moved.body());
            JsonObject told = desk.await("callback_not_dialled", WAIT);
            assertEquals(List.of(id, "your phone did not answer", "15551230008"), List.of(told.getString("interaction"),
                    told.getString("reason"), told.getString("number")));
            assertEquals(1.0, metric("switchboard_voice_callback_dials_total{outcome=\"not_answered\"}"));
            assertEquals("assigned", admin.get("/api/v1/interactions/" + id).json().getString("status"));

            Api kim = agent("kim", "121", new JsonObject().put("billing", 7));
            assertEquals(403, kim.post("/api/v1/interactions/" + id + "/redial", "{}").status());
            // back at her desk: rings 1 s, talks 2 s
            asterisk.agentPhone("120", PhoneBehavior.answersAfter(Duration.ofSeconds(10), Duration.ofSeconds(20)));
            assertEquals("dialling", joe.post("/api/v1/interactions/" + id + "/redial", "{}").expect(200).json()
                    .getString("status"));
            Await.until("the customer dialled", WAIT, () -> customerDialled("15551230008") == 1);
            Await.until("wrapped up when the call ends", WAIT, () -> "wrapping".equals(
                    admin.get("/api/v1/interactions/" + id).json().getString("status")));
            assertEquals(409, joe.post("/api/v1/interactions/" + id + "/redial", "{}").status(), "over: call back later");
        }
    }

    /**
     * An answered callback moved to another agent: the first agent's leg hanging up ends that agent's part only; the
     * callback stays with the new holder (it used to be wrapped up by that hang-up).
     */
    @Test
    void theFirstAgentsHangUpDoesNotEndACallbackTransferredToAnother() throws Exception {
        call("15551230012", CallerScript.create().press("5")).awaitEnded(WAIT);
        // rings 1 s, talks 3 s
        asterisk.agentPhone("126", PhoneBehavior.answersAfter(Duration.ofSeconds(10), Duration.ofSeconds(30)));
        Api amy = agent("amy", "126", new JsonObject().put("support", 9));
        Await.until("the callback offered", WAIT, () -> admin.get("/api/v1/agents/amy").json().getString("reservation") != null);
        amy.post("/api/v1/reservations/" + admin.get("/api/v1/agents/amy").json().getString("reservation") + "/accept",
                "{}").expect(200);
        String id = onlyInteraction("amy").getString("id");
        Await.until("amy's phone answered", WAIT,
                () -> metric("switchboard_voice_callback_dials_total{outcome=\"answered\"}") == 1.0);
        asterisk.agentPhone("127", PhoneBehavior.neverAnswers());
        Api bo = agent("bo", "127", new JsonObject().put("billing", 9));
        amy.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("agentId", "bo")).expect(200);
        Await.until("offered to bo", WAIT, () -> admin.get("/api/v1/agents/bo").json().getString("reservation") != null);
        bo.post("/api/v1/reservations/" + admin.get("/api/v1/agents/bo").json().getString("reservation") + "/accept",
                "{}").expect(200);
        Await.until("amy's leg hung up", WAIT, () -> !asterisk.events().matching(e -> "Hangup".equals(e.name())
                && String.valueOf(e.get("Channel")).startsWith("Local/126@agents")).isEmpty());
        Await.until("the hang-up seen", WAIT, () -> metric(
                "switchboard_voice_call_events_total{event=\"hangup\",outcome=\"applied\"}") >= 1.0);
        JsonObject callback = admin.get("/api/v1/interactions/" + id).json();
        assertEquals(List.of("assigned", "bo"), List.of(callback.getString("status"), callback.getString("agentId")),
                callback.encode());
    }

    private int customerDialled(String number) {
        return asterisk.events().matching(e -> "DialBegin".equals(e.name())
                && String.valueOf(e.get("DestChannel")).startsWith("Local/" + number + "@customers")).size();
    }

    /**
     * A callback an agent promised for later is the number's waiting one: the customer who calls meanwhile and asks
     * for a callback is told it stands, and no second is made.
     */
    @Test
    void aCallbackPromisedForLaterIsTheOneACallerAskingAgainKeeps() throws Exception {
        String contact = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json()
                .getString("id");
        String later = java.time.Instant.ofEpochMilli(System.currentTimeMillis()).plus(Duration.ofHours(1)).toString();
        admin.post("/api/v1/interactions/" + contact + "/callbacks", new JsonObject().put("at", later)
                .put("number", "+15551230031").put("toMe", false)).expect(201);

        SimulatedCall caller = call("15551230031", CallerScript.create().press("5"));
        caller.awaitEnded(WAIT);
        assertTrue(caller.agiTranscript().format().contains("switchboard/callback-confirmed"), "told it stands");
        assertEquals(1.0, metric("switchboard_voice_callbacks_repeated_total"));
        assertEquals(0, admin.get("/api/v1/interactions?channel=callback").expect(200).json().getJsonArray("interactions")
                .size(), "no second callback now");
    }

    /**
     * A caller whose callback waits asks for one again (callers do, to check on it): told it stands, and no second is
     * made, which two agents would have called; on hold in a later call, they are not offered another.
     */
    @Test
    void aCallerWhoAsksAgainForACallbackKeepsTheOneWaiting() throws Exception {
        call("15551230006", CallerScript.create().press("5")).awaitEnded(WAIT);
        // the same number in international form (another trunk may send it so)
        SimulatedCall again = call("+15551230006", CallerScript.create().press("5"));
        again.awaitEnded(WAIT);
        assertTrue(again.agiTranscript().format().contains("switchboard/callback-confirmed"), "told it stands");
        JsonArray callbacks = admin.get("/api/v1/interactions?channel=callback").expect(200).json()
                .getJsonArray("interactions");
        assertEquals(1, callbacks.size(), callbacks.encode());
        assertEquals(1.0, metric("switchboard_voice_callbacks_repeated_total"));

        // menu: support; then on hold with nobody to answer (the wait unknown): no callback offer comes
        SimulatedCall holding = call("15551230006", CallerScript.create().press("2").silence().silence().silence());
        // the hold line asks its menu after the callback offer it would have made
        Await.until("the hold menu asked", WAIT, () -> holding.agiText().contains("GET DATA \"switchboard/hold-menu\""));
        assertFalse(holding.agiText().contains("switchboard/callback-offer"), holding.agiText());
        holding.hangUp();
    }

    /**
     * A caller whose support callback waits calls again: answered about billing, the callback stands (that need is not
     * served); answered about support, it is canceled, so nobody calls back a customer already served.
     */
    @Test
    void aCallerWhoGetsThroughLiveAboutTheSameNeedNoLongerWaitsForTheirCallback() throws Exception {
        call("15551230009", CallerScript.create().press("5")).awaitEnded(WAIT);
        String callback = admin.get("/api/v1/interactions?channel=callback").expect(200).json()
                .getJsonArray("interactions").getJsonObject(0).getString("id");
        asterisk.agentPhone("122", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(300)));
        agent("lea", "122", new JsonObject().put("billing", 9)); // billing only: the support callback waits on
        call("15551230009", CallerScript.create().press("1"));
        Await.until("lea talking", WAIT, () -> "busy".equals(Agents.state(admin, "lea")));
        // a billing call does not serve a support callback: had it been canceled, max below would never be offered it

        // max refuses the callback (skipped for it 10 s), so the caller's support call reaches him first
        asterisk.agentPhone("123", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(300)));
        Api max = agent("max", "123", new JsonObject().put("support", 7));
        Await.until("the callback offered to max", WAIT, () -> admin.get("/api/v1/agents/max").json().getString("reservation") != null);
        max.post("/api/v1/reservations/" + admin.get("/api/v1/agents/max").json().getString("reservation") + "/reject",
                "{}").expect(200);
        call("15551230009", CallerScript.create().press("2"));
        Await.until("max talking", WAIT, () -> "busy".equals(Agents.state(admin, "max")));
        Await.until("the callback canceled", WAIT, () -> "canceled".equals(
                admin.get("/api/v1/interactions/" + callback).json().getString("status")));
        assertEquals("the caller got through on a later call",
                admin.get("/api/v1/interactions/" + callback).json().getString("reason"));
        assertEquals(1.0, metric("switchboard_voice_callbacks_fulfilled_total"));
    }

    /** An agent whose endpoint Asterisk cannot reach: the Originate fails with no channel, and the call out is canceled. */
    @Test
    void aCallOutToAPhoneAsteriskCannotReachIsCanceledAtOnce() throws Exception {
        // the simulator rings Local phones only: any other channel fails at once, with no channel, as an
        // unregistered PJSIP endpoint does
        admin.put("/api/v1/agents/kim", new JsonObject().put("skills", new JsonObject().put("support", 5))
                .put("pin", "1234").put("endpoint", "PJSIP/kim")).expect(200);
        Api kim = Agents.login(admin, "kim");
        Agents.available(kim, "kim");
        String id = kim.post("/api/v1/agents/kim/dial", new JsonObject().put("number", "+15552222")).expect(200).json()
                .getString("id");
        Await.until("canceled on the failed Originate", WAIT, () -> "canceled".equals(
                admin.get("/api/v1/interactions/" + id).json().getString("status")));
        assertEquals("the agent's phone did not answer", admin.get("/api/v1/interactions/" + id).json().getString("reason"));
        assertEquals("available", admin.get("/api/v1/agents/kim").json().getString("state"));
    }

    /** A call out that cannot even be sent to Asterisk (an agent with no phone): refused, and nothing stays held. */
    @Test
    void aCallOutThatCannotBeDialledLeavesTheAgentFree() throws Exception {
        admin.put("/api/v1/agents/lea", new JsonObject().put("skills", new JsonObject().put("support", 5))
                .put("pin", "1234")).expect(200);
        Api lea = Agents.login(admin, "lea");
        Agents.available(lea, "lea");
        Api.Reply refused = lea.post("/api/v1/agents/lea/dial", new JsonObject().put("number", "+15553333"));
        assertEquals(422, refused.status(), refused.body());
        assertEquals("available", admin.get("/api/v1/agents/lea").json().getString("state"));
        assertTrue(admin.get("/api/v1/agents/lea").json().getJsonArray("interactions").isEmpty());
        assertEquals(1L, admin.get("/api/v1/stats/cumulative").json().getJsonObject("outbound").getLong("canceled"));
    }

    /** With recording on, an agent's call out is recorded from its answer, on the agent's channel, and may be paused. */
    @Test
    void aCallOutIsRecordedOnTheAgentsChannel() throws Exception {
        node.close();
        use(node().env("SWITCHBOARD_RECORDING_ENABLED", "true").start());
        asterisk.agentPhone("109", PhoneBehavior.answersAfter(Duration.ZERO, Duration.ofSeconds(60)));
        Api jay = agent("jay", "109", new JsonObject().put("support", 5));
        String id = jay.post("/api/v1/agents/jay/dial", new JsonObject().put("number", "+15551111")).expect(200).json()
                .getString("id");
        var started = asterisk.events().await(e -> "MixMonitorStart".equals(e.name())
                && String.valueOf(e.get("Channel")).startsWith("Local/109@agents-"), WAIT);
        assertEquals("sbout-" + id, started.get("Uniqueid"));
        Await.until("its state shows it", WAIT, () -> jay.get("/api/v1/interactions/" + id).json()
                .getJsonObject("call", new JsonObject()).containsKey("recording"));
        jay.post("/api/v1/interactions/" + id + "/recording/pause", "{}").expect(200);
        assertEquals(started.get("Channel"), asterisk.events().await(e -> "MixMonitorMute".equals(e.name()), WAIT)
                .get("Channel"));
        // jay hangs up through the API: his channel goes, and the call wraps up
        jay.post("/api/v1/interactions/" + id + "/hangup", "{}").expect(200);
        Await.until("wrapped up after the hang-up", WAIT, () -> !"assigned".equals(
                admin.get("/api/v1/interactions/" + id).json().getString("status")));
        assertEquals(1, asterisk.events().matching(e -> "Hangup".equals(e.name())
                && ("sbout-" + id).equals(e.get("Uniqueid"))).size());
    }

    /**
     * With recording on, a callback is recorded too: on the agent's channel, which Originate gave a uniqueid chosen
     * for the callback (so its OriginateResponse says which callback answered); the agent pauses it like a call's.
     */
    @Test
    void aCallbackIsRecordedOnTheAgentsChannel() throws Exception {
        node.close();
        use(node().env("SWITCHBOARD_RECORDING_ENABLED", "true").start());
        SimulatedCall caller = call("15551230007", CallerScript.create().press("5"));
        caller.awaitEnded(WAIT);
        asterisk.agentPhone("107", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        Api hal = agent("hal", "107", new JsonObject().put("support", 7));
        Await.until("the callback offered", WAIT, () -> admin.get("/api/v1/agents/hal").json().getString("reservation") != null);
        hal.post("/api/v1/reservations/" + admin.get("/api/v1/agents/hal").json().getString("reservation") + "/accept", "{}")
                .expect(200);
        String id = onlyInteraction("hal").getString("id");
        var started = asterisk.events().await(e -> "MixMonitorStart".equals(e.name())
                && String.valueOf(e.get("Channel")).startsWith("Local/107@agents-"), WAIT);
        assertTrue(started.get("Uniqueid").startsWith("sbcb-"), started.get("Uniqueid"));
        Await.until("its state shows it", WAIT, () -> hal.get("/api/v1/interactions/" + id).json()
                .getJsonObject("call", new JsonObject()).containsKey("recording"));
        hal.post("/api/v1/interactions/" + id + "/recording/pause", "{}").expect(200);
        assertEquals(started.get("Channel"), asterisk.events().await(e -> "MixMonitorMute".equals(e.name()), WAIT)
                .get("Channel"));

        // transferred, the callback is dialled again from ida's phone: a recording of its own, not paused
        asterisk.agentPhone("108", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        hal.post("/api/v1/agents/hal/state", new JsonObject().put("state", "away")).expect(200); // after this one
        Api ida = agent("ida", "108", new JsonObject().put("support", 7));
        ida.post("/api/v1/agents/ida/state", new JsonObject().put("state", "away")).expect(200);
        hal.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "support")).expect(200);
        Agents.available(ida, "ida");
        Await.until("offered to ida", WAIT, () -> admin.get("/api/v1/agents/ida").json().getString("reservation") != null);
        ida.post("/api/v1/reservations/" + admin.get("/api/v1/agents/ida").json().getString("reservation") + "/accept",
                "{}").expect(200);
        asterisk.events().await(e -> "MixMonitorStart".equals(e.name())
                && String.valueOf(e.get("Channel")).startsWith("Local/108@agents-"), WAIT);
        Await.until("the state follows ida's leg", WAIT, () -> {
            JsonObject recording = ida.get("/api/v1/interactions/" + id).json().getJsonObject("call", new JsonObject())
                    .getJsonObject("recording", new JsonObject());
            return recording.getString("channel", "").startsWith("Local/108@agents-") && !recording.containsKey("pausedSince");
        });
    }

    @Test
    void aCallThatEndsWhileTheAmiLinkIsDownIsNotForgotten() throws Exception {
        SimulatedCall caller = call("15551230006", CallerScript.create().press("2"));
        Await.until("queued", WAIT, () -> admin.get("/api/v1/queues/support/stats").json().getLong("waiting") == 1);
        asterisk.stopAmi();
        Await.until("AMI down", WAIT, () -> metric("switchboard_ami_connected{asterisk=\"pbx1\"}") == 0.0);
        caller.hangUp();
        caller.awaitEnded(WAIT);
        asterisk.startAmi();
        Await.until("re-synced after the reconnect: abandoned", Duration.ofSeconds(30),
                () -> admin.get("/api/v1/queues/support/stats").json().getLong("waiting") == 0);
        Await.until("counted as abandoned", WAIT,
                () -> metric("switchboard_queue_abandoned_total{channel=\"voice\",queue=\"support\"}") == 1.0);
        assertEquals(1.0, metric("switchboard_ami_reconnects_total{asterisk=\"pbx1\"}"));
    }

    /** The agent's phone is ringing when the link drops and is answered before it is back: assigned on re-sync. */
    @Test
    void aCallAnsweredWhileTheAmiLinkIsDownIsAssignedAfterTheReconnect() throws Exception {
        asterisk.agentPhone("114", PhoneBehavior.answersAfter(Duration.ofSeconds(8), Duration.ofMinutes(10)));
        agent("amy", "114", new JsonObject().put("support", 9));
        SimulatedCall caller = call("15551230040", CallerScript.create().press("2"));
        asterisk.events().await(e -> "DialBegin".equals(e.name()) && caller.agiChannel().equals(e.get("Channel")), WAIT);
        asterisk.stopAmi();
        Await.until("AMI down", WAIT, () -> metric("switchboard_ami_connected{asterisk=\"pbx1\"}") == 0.0);
        asterisk.events().await(e -> "DialEnd".equals(e.name()) && caller.agiChannel().equals(e.get("Channel")), WAIT);
        assertEquals("reserved", offeredStatus("amy"), "the DialEnd was not seen");

        asterisk.startAmi();
        Await.until("re-synced after the reconnect: amy talking", Duration.ofSeconds(30),
                () -> "busy".equals(Agents.state(admin, "amy")));
        assertEquals("assigned", onlyInteraction("amy").getString("status"));
        assertEquals(1.0, metric("switchboard_ami_reconnects_total{asterisk=\"pbx1\"}"));
        assertEquals(0, admin.get("/api/v1/agents/amy").json().getInteger("missedOffers"));
    }

    /** The agent answers its call out while the AMI link is down: the re-sync finds its channel bridged, connected. */
    @Test
    void aCallOutAnsweredWhileTheAmiLinkIsDownIsConnectedAfterTheReconnect() throws Exception {
        asterisk.agentPhone("115", PhoneBehavior.answersAfter(Duration.ofSeconds(20), Duration.ofMinutes(10)));
        Api max = agent("max", "115", new JsonObject().put("support", 5));
        String id = max.post("/api/v1/agents/max/dial", new JsonObject().put("number", "+15554444")).expect(200).json()
                .getString("id");
        asterisk.stopAmi();
        Await.until("AMI down", WAIT, () -> metric("switchboard_ami_connected{asterisk=\"pbx1\"}") == 0.0);
        asterisk.events().await(e -> "DialBegin".equals(e.name()) && String.valueOf(e.get("DestChannel"))
                .startsWith("Local/15554444@customers"), WAIT);
        assertEquals(null, admin.get("/api/v1/interactions/" + id).json().getJsonObject("timestamps").getValue("connected"),
                "the answer was not seen");

        asterisk.startAmi();
        Await.until("connected on re-sync", Duration.ofSeconds(30), () -> admin.get("/api/v1/interactions/" + id).json()
                .getJsonObject("timestamps").getValue("connected") != null);
        assertEquals("assigned", admin.get("/api/v1/interactions/" + id).json().getString("status"));
    }

    /**
     * The agent answers its call out while the AMI link is down and the customer's phone still rings: nothing is
     * bridged yet, but the agent's channel is up, so the re-sync connects the call (the dial timer must not cancel it).
     */
    @Test
    void aCallOutWhoseCustomerStillRingsAfterTheReconnectIsConnected() throws Exception {
        asterisk.agentPhone("116", PhoneBehavior.answersAfter(Duration.ofSeconds(20), Duration.ofMinutes(10)));
        Api mia = agent("mia", "116", new JsonObject().put("support", 5));
        String id = mia.post("/api/v1/agents/mia/dial", new JsonObject().put("number", TestPbx.UNANSWERED)).expect(200)
                .json().getString("id");
        asterisk.stopAmi();
        Await.until("AMI down", WAIT, () -> metric("switchboard_ami_connected{asterisk=\"pbx1\"}") == 0.0);
        asterisk.events().await(e -> "DialBegin".equals(e.name()) && String.valueOf(e.get("DestChannel"))
                .startsWith("Local/" + TestPbx.UNANSWERED + "@customers"), WAIT);

        asterisk.startAmi();
        Await.until("connected on re-sync", Duration.ofSeconds(30), () -> admin.get("/api/v1/interactions/" + id).json()
                .getJsonObject("timestamps").getValue("connected") != null);
        assertTrue(asterisk.channels().stream().noneMatch(c -> !c.bridgeId().isEmpty()),
                "connected while the customer still rings, not once bridged");
        assertEquals("assigned", admin.get("/api/v1/interactions/" + id).json().getString("status"));
    }

    /**
     * Two nodes share one Asterisk; node A ran the caller's IVR, so it owns the call. Both see every AMI
     * event, only A acts on it: the DialEnd and the Hangup are each applied once, and left once by B. A supervisor
     * listening through B is recorded once too.
     */
    @Test
    void withTwoNodesOnOneAsteriskEachEventIsActedOnOnce() throws Exception {
        try (TestNode other = secondNode().start()) {
            Api b = other.api();
            Await.until("node B's AMI connected", WAIT,
                    () -> metric(b, "switchboard_ami_connected{asterisk=\"pbx1\"}") == 1.0);
            asterisk.agentPhone("115", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
            agent("amy", "115", new JsonObject().put("support", 9));
            SimulatedCall caller = call("15551230050", CallerScript.create().press("2"));
            Await.until("amy talking", WAIT, () -> "busy".equals(Agents.state(admin, "amy")));
            // a supervisor on node B listens: both nodes see ChanSpyStart and ChanSpyStop, one records each
            asterisk.agentPhone("902", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
            b.post("/api/v1/agents/amy/monitor", new JsonObject().put("mode", "listen")
                    .put("endpoint", "Local/902@agents")).expect(202);
            Await.until("listening", WAIT, () -> admin.get("/api/v1/monitors").json().getJsonArray("monitors").size() == 1);
            String id = onlyInteraction("amy").getString("id");
            caller.hangUp();
            Await.until("amy in wrap-up", WAIT, () -> "wrap_up".equals(Agents.state(b, "amy")));
            Await.until("the listening over", WAIT, () -> b.get("/api/v1/monitors").json().getJsonArray("monitors").isEmpty());
            String history = admin.get("/api/v1/interactions/" + id).json().getJsonArray("history").encode();
            assertEquals(1, history.split("monitor_started", -1).length - 1, history);
            assertEquals(1, history.split("monitor_ended", -1).length - 1, history);
            String counted = "switchboard_voice_monitors_total{mode=\"listen\"}";
            assertEquals(1.0, metric(counted) + metric(b, counted), "counted by the one node that recorded it");
            Await.until("both nodes saw the hang-up", WAIT, () -> metric(b,
                    "switchboard_voice_call_events_total{event=\"hangup\",outcome=\"not_owner\"}") == 1.0);
            for (String event : new String[] {"dial_end", "hangup"}) {
                String applied = "switchboard_voice_call_events_total{event=\"" + event + "\",outcome=\"applied\"}";
                String left = "switchboard_voice_call_events_total{event=\"" + event + "\",outcome=\"not_owner\"}";
                assertEquals(1.0, metric(applied), "node A, the owner, applied the " + event);
                assertEquals(0.0, metric(b, applied), "node B did not");
                assertEquals(1.0, metric(b, left), "node B left the " + event + " to its owner");
            }
            assertEquals(0.0, metric(b, "switchboard_voice_call_events_total{event=\"dial_end\",outcome=\"applied_as_backup\"}"),
                    "node B's backup found the answer applied by its owner");
        }
    }

    /**
     * The call's owner is killed (its heartbeat still up) while another node's offer rings the agent: the agent's
     * answer, which that node hears, is applied by it a second later, so the call is the agent's; the offer does not
     * time out into a miss and a second ring that would pull the caller out of the conversation.
     */
    @Test
    void anAnswerWhileTheKilledOwnersHeartbeatLivesIsAppliedByAnotherNode() throws Exception {
        try (TestNode other = secondNode().start()) {
            Api b = other.api();
            Await.until("node B's AMI connected", WAIT,
                    () -> metric(b, "switchboard_ami_connected{asterisk=\"pbx1\"}") == 1.0);
            asterisk.agentPhone("116", PhoneBehavior.answersAfter(Duration.ofSeconds(10), Duration.ofMinutes(10)));
            b.put("/api/v1/agents/ivy", new JsonObject().put("skills", new JsonObject().put("support", 9))
                    .put("pin", "1234").put("endpoint", "Local/116@agents")).expect(200);
            Api ivy = Agents.login(b, "ivy");
            SimulatedCall caller = call("15551230053", CallerScript.create().press("2"));
            Await.until("queued", WAIT, () -> b.get("/api/v1/queues/support/stats").json().getLong("waiting") == 1);
            killTheOwner(caller, Duration.ofSeconds(20)); // longer than the ring: only a backup can apply the answer

            Agents.available(ivy, "ivy"); // node B offers and rings her phone, which answers 1 s later
            Await.until("the call is ivy's", WAIT, () -> "busy".equals(Agents.state(b, "ivy")));
            // counted once the accept has committed, which the state read above may see first
            Await.until("applied by node B as the backup", WAIT, () -> metric(b,
                    "switchboard_voice_call_events_total{event=\"dial_end\",outcome=\"applied_as_backup\"}") == 1.0);
            assertEquals(0, b.get("/api/v1/agents/ivy").json().getInteger("missedOffers"));
            assertTrue(caller.isConnected(), "talking with ivy");
        }
    }

    /** The owner of a waiting call stops: the other node takes the call over at its next event. */
    @Test
    void whenTheOwnerStopsAnotherNodeTakesItsCallsOver() throws Exception {
        try (TestNode other = secondNode().start()) {
            Api b = other.api();
            Await.until("node B's AMI connected", WAIT,
                    () -> metric(b, "switchboard_ami_connected{asterisk=\"pbx1\"}") == 1.0);
            SimulatedCall caller = call("15551230051", CallerScript.create().press("2"));
            Await.until("queued", WAIT, () -> b.get("/api/v1/queues/support/stats").json().getLong("waiting") == 1);
            node.close();
            node = null;
            caller.hangUp();
            Await.until("abandoned, by node B", WAIT, () -> metric(b,
                    "switchboard_queue_abandoned_total{channel=\"voice\",queue=\"support\"}") == 1.0);
            assertEquals(0, b.get("/api/v1/queues/support/stats").json().getLong("waiting"));
            assertEquals(1.0, metric(b, "switchboard_voice_call_events_total{event=\"hangup\",outcome=\"applied\"}"));
        }
    }

    /**
     * A node that loses its AMI link says so at once (its heartbeat for that Asterisk goes), so its calls there go over
     * to a node that hears them at their next event, not once the heartbeat's TTL (60 s here) lapses.
     */
    @Test
    void aNodeThatLosesItsAmiLinkGivesUpItsCallsThereAtOnce() throws Exception {
        node.close();
        use(node().env("SWITCHBOARD_CALL_OWNER_TTL_SECONDS", "60").start());
        try (var connection = io.switchboard.store.redis.RedisConnection.connect(redis.uri())) {
            var commands = connection.commands();
            String heartbeats = io.switchboard.store.redis.RedisKeys.of(prefix).prefix() + ":node:*:pbx1";
            Await.until("the node says it hears pbx1", WAIT,
                    () -> !commands.keys(heartbeats).toCompletableFuture().join().isEmpty());
            asterisk.stopAmi();
            Await.until("its heartbeat for pbx1 gone with the link", WAIT,
                    () -> commands.keys(heartbeats).toCompletableFuture().join().isEmpty());
        }
    }

    /** Killed, not stopped: the owner's heartbeat outlives it, and the hang-up another node sees then still counts. */
    @Test
    void aHangUpWhileTheKilledOwnersHeartbeatLivesIsAppliedOnceItLapses() throws Exception {
        try (TestNode other = secondNode().start()) {
            Api b = other.api();
            Await.until("node B's AMI connected", WAIT,
                    () -> metric(b, "switchboard_ami_connected{asterisk=\"pbx1\"}") == 1.0);
            SimulatedCall caller = call("15551230052", CallerScript.create().press("2"));
            Await.until("queued", WAIT, () -> b.get("/api/v1/queues/support/stats").json().getLong("waiting") == 1);
            killTheOwner(caller, Duration.ofSeconds(3)); // the TTL here
            caller.hangUp();
            Await.until("seen by node B, not its call yet", WAIT, () -> metric(b,
                    "switchboard_voice_call_events_total{event=\"hangup\",outcome=\"not_owner\"}") == 1.0);
            Await.until("abandoned by node B once the heartbeat lapsed", WAIT, () -> metric(b,
                    "switchboard_queue_abandoned_total{channel=\"voice\",queue=\"support\"}") == 1.0);
            assertEquals(0, b.get("/api/v1/queues/support/stats").json().getLong("waiting"));
        }
    }

    /**
     * Warm transfer: Amy consults Bob (Atxfer) and cancels (CancelAtxfer: Bob's leg ends, Amy keeps the
     * caller); she consults again and completes by hanging up her leg: Bob is with the caller, the
     * interaction is his (accepted without ringing him again), and he can hold the call.
     */
    @Test
    void aWarmTransferConsultsTheNextAgentThenHandsTheCallerOver() throws Exception {
        asterisk.agentPhone("117", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        asterisk.agentPhone("118", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        Api amy = agent("amy", "117", new JsonObject().put("support", 9));
        SimulatedCall caller = call("15551230060", CallerScript.create().press("2"));
        Await.until("amy talking", WAIT, () -> "busy".equals(Agents.state(admin, "amy")));
        Api bob = agent("bob", "118", new JsonObject().put("support", 9));
        String id = onlyInteraction("amy").getString("id");
        String consult = "/api/v1/interactions/" + id + "/consult";
        amy.post(consult, new JsonObject().put("number", "\r\nAction: Hangup")).expect(400);
        amy.post(consult + "/complete", "{}").expect(409);

        amy.post(consult, new JsonObject().put("agentId", "bob")).expect(200);
        amy.post(consult, new JsonObject().put("agentId", "bob")).expect(409);
        Await.until("bob answered the consultation", WAIT, () -> bobsLegs(e -> "DialEnd".equals(e.name())
                && "ANSWER".equals(e.get("DialStatus"))) == 1);
        amy.post(consult + "/cancel", "{}").expect(200);
        Await.until("bob's consultation leg hung up", WAIT, () -> bobsLegs(e -> "Hangup".equals(e.name())) >= 1);
        assertEquals("amy", admin.get("/api/v1/interactions/" + id).json().getString("agentId"));
        assertTrue(!caller.isEnded());

        amy.post(consult, new JsonObject().put("agentId", "bob")).expect(200);
        Await.until("bob answered again", WAIT, () -> bobsLegs(e -> "DialEnd".equals(e.name())
                && "ANSWER".equals(e.get("DialStatus"))) == 2);
        amy.post(consult + "/complete", "{}").expect(200);
        Await.until("bob talking to the caller", WAIT, () -> "busy".equals(Agents.state(admin, "bob")));
        JsonObject interaction = onlyInteraction("bob");
        assertEquals(id, interaction.getString("id"));
        assertEquals("assigned", interaction.getString("status"));
        assertTrue(!"busy".equals(Agents.state(admin, "amy")), "amy left the call");
        assertTrue(asterisk.events().matching(e -> "BridgeEnter".equals(e.name()) && String.valueOf(e.get("Channel"))
                .startsWith("Local/118@switchboard-consult")).size() >= 1, "bob's leg joined the caller");
        assertEquals(0, asterisk.events().matching(e -> "DialBegin".equals(e.name())
                && caller.agiChannel().equals(e.get("Channel")) && "118".equals(e.get("DestExten"))).size(),
                "bob was not rung through the connect context");
        Await.until("bob can hold the call (his leg is known)", WAIT,
                () -> bob.post("/api/v1/interactions/" + id + "/hold", "{}").status() == 200);
        assertTrue(!caller.isEnded());
    }

    /**
     * While Bob consults with Amy he is on the phone: routing holds his voice capacity, so a caller who comes in
     * meanwhile waits rather than ringing him mid-consultation; when Amy cancels, he is free again. A busy
     * agent cannot be consulted (409), and neither can a second one while a consultation is open. A caller
     * who hangs up during a consultation frees the consulted agent too.
     */
    /**
     * Nobody answers the consultation: Asterisk gives the transfer up (atxfernoanswertimeout) and the consult
     * context's h extension tells Switchboard, which frees the consulted agent at once (not when the call ends)
     * and tells both desktops; the first agent keeps the caller and can consult again.
     */
    @Test
    void aConsultationNobodyAnswersFreesTheConsultedAgent() throws Exception {
        asterisk.agentPhone("125", PhoneBehavior.neverAnswers());
        OnCall amys = talking("amy", "124", "15551230090");
        Api amy = amys.agent();
        SimulatedCall caller = amys.caller();
        String id = amys.interactionId();
        Api bob = agent("bob", "125", new JsonObject().put("support", 9));
        try (AgentSocket amysDesktop = amy.events("amy")) {
            amy.post("/api/v1/interactions/" + id + "/consult", new JsonObject().put("agentId", "bob")).expect(200);
            assertEquals("busy", Agents.state(admin, "bob"));

            JsonObject ended = amysDesktop.await("consult_ended", WAIT);
            assertEquals("not_answered", ended.getString("outcome"));
            assertEquals("bob", ended.getString("agent"));
            assertEquals("available", Agents.state(admin, "bob"), "bob is free before the call ends");
            JsonObject interaction = admin.get("/api/v1/interactions/" + id).json();
            assertEquals("amy", interaction.getString("agentId"));
            assertNull(interaction.getJsonObject("call").getValue("consulting"), interaction.encode());
            assertTrue(interaction.getJsonArray("history").encode().contains("\"outcome\":\"not_answered\""));
            assertTrue(!caller.isEnded(), "amy still has her caller");
            amy.post("/api/v1/interactions/" + id + "/consult", new JsonObject().put("agentId", "bob")).expect(200);
        }
    }

    /** An outside number that never answers a consultation: the agent's desktop hears the consultation is over. */
    @Test
    void aConsultationOfANumberNobodyAnswersEndsOnTheDesktop() throws Exception {
        OnCall amys = talking("amy", "130", "15551230093");
        Api amy = amys.agent();
        SimulatedCall caller = amys.caller();
        String id = amys.interactionId();
        try (AgentSocket amysDesktop = amy.events("amy")) {
            amy.post("/api/v1/interactions/" + id + "/consult", new JsonObject().put("number", TestPbx.UNANSWERED))
                    .expect(200);
            JsonObject ended = amysDesktop.await("consult_ended", WAIT);
            assertEquals("not_answered", ended.getString("outcome"));
            assertEquals(TestPbx.UNANSWERED, ended.getString("number"));
            assertNull(admin.get("/api/v1/interactions/" + id).json().getJsonObject("call").getValue("consulting"));
            assertTrue(!caller.isEnded(), "amy is still with her caller");
            amy.post("/api/v1/interactions/" + id + "/consult", new JsonObject().put("number", "5551234")).expect(200);
        }
    }

    /**
     * The consulted agent answers, then hangs up instead of taking the call: Asterisk hands amy back to her caller,
     * and bob, whose phone is down, is free again at once.
     */
    @Test
    void aConsultedAgentWhoHangsUpIsFreeAgain() throws Exception {
        asterisk.agentPhone("129", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(5)));
        OnCall amys = talking("amy", "128", "15551230092");
        Api amy = amys.agent();
        SimulatedCall caller = amys.caller();
        String id = amys.interactionId();
        Api bob = agent("bob", "129", new JsonObject().put("support", 9));
        try (AgentSocket amysDesktop = amy.events("amy")) {
            amy.post("/api/v1/interactions/" + id + "/consult", new JsonObject().put("agentId", "bob")).expect(200);
            JsonObject ended = amysDesktop.await("consult_ended", WAIT);
            assertEquals("hung_up", ended.getString("outcome"));
            assertTrue(asterisk.events().matching(e -> "UserEvent".equals(e.name())
                    && "ANSWER".equals(e.get("DialStatus"))).size() == 1, "bob had answered");
            assertEquals("available", Agents.state(admin, "bob"));
            assertEquals("amy", admin.get("/api/v1/interactions/" + id).json().getString("agentId"));
            assertTrue(!caller.isEnded(), "amy is back with her caller");
        }
    }

    /**
     * The end of another consultation leg from the same agent's channel (another extension: e.g. a late event of
     * an earlier consultation) ends nothing: bob, consulted and answering, stays held until amy cancels.
     */
    @Test
    void theEndOfAnotherConsultationLegEndsNothing() throws Exception {
        asterisk.agentPhone("127", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        asterisk.agentPhone("555", PhoneBehavior.neverAnswers());
        OnCall amys = talking("amy", "126", "15551230091");
        Api amy = amys.agent();
        SimulatedCall caller = amys.caller();
        String amysLeg = asterisk.events().await(e -> "DialEnd".equals(e.name()) && "ANSWER".equals(e.get("DialStatus"))
                && String.valueOf(e.get("DestChannel")).startsWith("Local/126@agents"), WAIT).get("DestChannel");
        String id = amys.interactionId();
        agent("bob", "127", new JsonObject().put("support", 9));
        amy.post("/api/v1/interactions/" + id + "/consult", new JsonObject().put("agentId", "bob")).expect(200);

        ManagerConnection ami = new ManagerConnectionFactory("127.0.0.1", asterisk.amiPort(), "cti", "ctisecret")
                .createManagerConnection();
        ami.login("off");
        try {
            OriginateAction other = new OriginateAction();
            other.setChannel("Local/555@switchboard-consult");
            other.setApplication("Wait");
            other.setData("60");
            other.setAsync(true);
            other.setVariable("TRANSFERERNAME", amysLeg);
            ami.sendAction(other);
            asterisk.events().await(e -> "UserEvent".equals(e.name()) && amysLeg.equals(e.get("Transferer"))
                    && "NOANSWER".equals(e.get("DialStatus")), WAIT);
        } finally {
            ami.logoff();
        }
        // what the node would do with the event, it does within a few ms
        Await.holds("bob still consulting", Duration.ofMillis(500), () -> "busy".equals(Agents.state(admin, "bob")));
        assertEquals("bob", admin.get("/api/v1/interactions/" + id).json().getJsonObject("call")
                .getJsonObject("consulting").getString("agentId"));
        amy.post("/api/v1/interactions/" + id + "/consult/cancel", "{}").expect(200);
        Await.until("bob free once amy cancels", WAIT, () -> "available".equals(Agents.state(admin, "bob")));
        assertTrue(!caller.isEnded());
    }

    @Test
    void aConsultedAgentIsNotOfferedAnotherCallUntilTheConsultationEnds() throws Exception {
        asterisk.agentPhone("121", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        asterisk.agentPhone("122", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        asterisk.agentPhone("123", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        Api amy = agent("amy", "121", new JsonObject().put("support", 9));
        SimulatedCall first = call("15551230080", CallerScript.create().press("2"));
        Await.until("amy talking", WAIT, () -> "busy".equals(Agents.state(admin, "amy")));
        String id = onlyInteraction("amy").getString("id");
        String consult = "/api/v1/interactions/" + id + "/consult";
        agent("bob", "122", new JsonObject().put("support", 9));

        amy.post(consult, new JsonObject().put("agentId", "bob")).expect(200);
        assertEquals("busy", Agents.state(admin, "bob"), "bob holds a call's capacity while he consults");
        Api cal = agent("cal", "123", new JsonObject().put("support", 9));
        cal.post("/api/v1/agents/cal/state", new JsonObject().put("state", "away")).expect(200);
        SimulatedCall caller = call("15551230081", CallerScript.create().press("2"));
        Await.until("the second caller in line", WAIT,
                () -> admin.get("/api/v1/queues/support/stats").json().getLong("waiting") == 1);
        // the IVR tells the dialplan the interaction once it is created: a moment after it is in line
        Await.until("the interaction id handed to the dialplan", WAIT,
                () -> caller.agiText().contains("SET VARIABLE \"SB_INTERACTION\""));
        String second = interactionOf(caller.agiText());
        // the enqueue offers in the same script run when anyone can take the call: still queued, nobody could
        assertEquals("queued", admin.get("/api/v1/interactions/" + second).json().getString("status"),
                "not offered to bob mid-consultation");
        assertEquals(null, admin.get("/api/v1/agents/bob").json().getString("reservation"));
        cal.post("/api/v1/agents/cal/state", new JsonObject().put("state", "available")).expect(200);
        Await.until("cal, free, takes the second caller", WAIT, () -> "busy".equals(Agents.state(admin, "cal")));
        assertEquals(second, onlyInteraction("cal").getString("id"));
        assertEquals(409, amy.post(consult, new JsonObject().put("agentId", "cal")).status(),
                "one consultation at a time");

        amy.post(consult + "/cancel", "{}").expect(200);
        Await.until("bob free again", WAIT, () -> "available".equals(Agents.state(admin, "bob")));
        var busy = amy.post(consult, new JsonObject().put("agentId", "cal"));
        assertEquals(409, busy.status(), busy.body());
        assertTrue(busy.body().contains("not free"), busy.body());
        assertEquals("amy", onlyInteraction("amy").getString("agentId"), "amy still has her caller");

        amy.post(consult, new JsonObject().put("agentId", "bob")).expect(200);
        assertEquals("busy", Agents.state(admin, "bob"));
        first.hangUp();
        Await.until("bob free once the call is over", WAIT, () -> "available".equals(Agents.state(admin, "bob")));
        assertTrue(admin.get("/api/v1/interactions/" + id).json().getJsonArray("history").encode()
                .contains("\"outcome\":\"call_ended\""));
    }

    /** Events of the consultation legs dialled to Bob's extension through the consult context. */
    private int bobsLegs(java.util.function.Predicate<io.switchboard.simulator.event.ManagerEvent> filter) {
        return asterisk.events().matching(e -> filter.test(e)
                && String.valueOf(e.get("Channel")).startsWith("Local/118@switchboard-consult")).size();
    }

    /** The status of the interaction offered to the agent. */
    private String offeredStatus(String agentId) {
        String rsv = admin.get("/api/v1/agents/" + agentId).json().getString("reservation");
        return admin.get("/api/v1/interactions/" + rsv.substring(0, rsv.lastIndexOf('.'))).json().getString("status");
    }

    /**
     * Amy is busy on a call (one agent staffed, no handled call yet: AHT 180 s), so the first caller in
     * line waits about 3 minutes and the second about 6 (one formula with /stats/realtime). Both are
     * offered a callback (threshold 120 s); the first takes it and keeps their place: when Amy is free
     * the callback is offered to her before the second caller, who is still on hold.
     */
    @Test
    void aCallerWhoTakesACallbackKeepsTheirPlaceInLine() throws Exception {
        asterisk.agentPhone("110", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        Api amy = agent("amy", "110", new JsonObject().put("support", 9));
        SimulatedCall talking = call("15551230010", CallerScript.create().press("2"));
        Await.until("amy talking", WAIT, () -> "busy".equals(Agents.state(admin, "amy")));

        // menu: support; the hold prompt: nothing; the callback offer: 1
        SimulatedCall first = call("15551230011", CallerScript.create().press("2").silence().press("1"));
        first.awaitEnded(WAIT);
        String firstText = first.agiText();
        assertTrue(firstText.contains("STREAM FILE \"queue-holdtime\"") && firstText.contains("SAY NUMBER \"3\""),
                firstText);
        assertTrue(firstText.contains("GET DATA \"switchboard/callback-offer\""), firstText);
        String callbackId = interactionOf(firstText);
        JsonObject callback = admin.get("/api/v1/interactions/" + callbackId).json();
        assertEquals("callback", callback.getString("channel"));
        assertEquals("queued", callback.getString("status"), "hanging up for a callback is not abandoning");
        assertEquals("15551230011", callback.getJsonObject("attributes").getString("callbackNumber"));
        assertEquals(1, callback.getInteger("position"));
        Await.until("counted out of voice, into callback", WAIT,
                () -> metric("switchboard_queue_offered_total{channel=\"callback\",queue=\"support\"}") == 1.0);
        assertEquals(1.0, metric("switchboard_queue_transferred_total{channel=\"voice\",queue=\"support\"}"));

        SimulatedCall second = call("15551230012", CallerScript.create().press("2").silence().silence().silence());
        Await.until("the second caller told 6 minutes, twice", WAIT,
                () -> count(second.agiText(), "SAY NUMBER \"6\"") >= 2);
        assertEquals(2, admin.get("/api/v1/queues/support/stats").json().getLong("waiting"));
        JsonObject waiting = admin.get("/api/v1/interactions/" + interactionOf(second.agiText())).json();
        assertEquals(360.0, waiting.getDouble("estimatedWaitSeconds"), "served over the API as it is told");
        assertEquals(1.0, metric("switchboard_voice_callback_offers_total{outcome=\"accepted\"}"));

        talking.hangUp();
        Await.until("amy in wrap-up", WAIT, () -> "wrap_up".equals(Agents.state(admin, "amy")));
        amy.post("/api/v1/interactions/" + onlyInteraction("amy").getString("id") + "/complete",
                new JsonObject().put("disposition", "resolved")).expect(200);
        Await.until("amy offered the next contact", WAIT,
                () -> admin.get("/api/v1/agents/amy").json().getString("reservation") != null);
        assertTrue(admin.get("/api/v1/agents/amy").json().getString("reservation").startsWith(callbackId + "."),
                "the callback is offered before the second caller");
        assertTrue(!second.isEnded(), "the second caller still holds");
        assertEquals("queued", admin.get("/api/v1/interactions/" + interactionOf(second.agiText())).json()
                .getString("status"));
        assertEquals(0, metric("switchboard_queue_abandoned_total{channel=\"voice\",queue=\"support\"}"));
    }

    /**
     * The hold menu (ivr.yaml holdMenu, "9" sets language es): a billing caller waits for Bob, who is on a call;
     * Eva speaks Spanish but is below the English billing step's proficiency. The caller presses 9 on hold: the
     * call is routed again by the Spanish billing filter, and Eva's phone rings for it at once.
     */
    @Test
    void aWaitingCallerWhoChoosesSpanishOnHoldIsRoutedToSpanishSpeakers() throws Exception {
        asterisk.agentPhone("120", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        asterisk.agentPhone("121", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        agent("bob", "120", new JsonObject().put("billing", 9));
        SimulatedCall talking = call("15551230020", CallerScript.create().press("1"));
        Await.until("bob talking", WAIT, () -> "busy".equals(Agents.state(admin, "bob")));
        agent("eva", "121", new JsonObject().put("billing", 6).put("spanish", 8));

        // menu: billing; the hold prompt: nothing; the callback offer: nothing; the hold menu: 9
        SimulatedCall caller = call("15551230021", CallerScript.create().press("1").silence().silence().press("9"));
        Await.until("eva's phone rings for the caller", WAIT, () -> "reserved".equals(Agents.state(admin, "eva"))
                || "busy".equals(Agents.state(admin, "eva")));
        // the choice routes the call before the confirmation plays: eva can be reserved a moment earlier
        Await.until("the caller hears the Spanish hold prompt", WAIT,
                () -> caller.agiText().contains("STREAM FILE \"switchboard/es/please-hold\""));
        String text = caller.agiText();
        assertTrue(text.contains("GET DATA \"switchboard/hold-menu\""), text);
        JsonObject interaction = admin.get("/api/v1/interactions/" + interactionOf(text)).json();
        assertEquals("es", interaction.getJsonObject("attributes").getString("language"));
        assertEquals("spanish-billing", interaction.getString("filter"));
        assertEquals("eva", interaction.getString("agentId"));
        assertEquals(1.0, metric("switchboard_voice_hold_menu_choices_total{key=\"9\",outcome=\"rerouted\"}"));
        talking.hangUp();
    }

    /**
     * With recording on, Amy's answer starts MixMonitor on the caller's channel, into the file the template names. She
     * pauses it while the caller reads out a card number (MixMonitorMute both ways, 1 then 0); her desktop's call state
     * and the history say so. Bob answering after a transfer does not start a second recording of the same call.
     */
    @Test
    void anAnsweredCallIsRecordedAndTheAgentPausesItForCardDetails() throws Exception {
        node.close();
        use(node().env("SWITCHBOARD_RECORDING_ENABLED", "true").start());
        OnCall amys = talking("amy", "116", "15551230060");
        Api amy = amys.agent();
        String id = amys.interactionId();
        String path = "/api/v1/interactions/" + id;
        String caller = admin.get(path).json().getJsonObject("attributes").getJsonObject("voice").getString("channel");
        asterisk.events().await(e -> "MixMonitorStart".equals(e.name()) && caller.equals(e.get("Channel")), WAIT);
        Await.until("the recording recorded", WAIT, () -> admin.get(path).json().getJsonObject("call").containsKey("recording"));
        JsonObject recording = admin.get(path).json().getJsonObject("call").getJsonObject("recording");
        String day = java.time.Instant.ofEpochMilli(recording.getLong("startedAt")).atZone(java.time.ZoneOffset.UTC)
                .toLocalDate().toString();
        assertEquals("switchboard/" + day + "/" + id + ".wav", recording.getString("file"));
        assertEquals("/var/spool/asterisk/monitor/switchboard/" + day + "/" + id + ".wav", asterisk.events().await(e ->
                "VarSet".equals(e.name()) && "MIXMONITOR_FILENAME".equals(e.get("Variable")), WAIT).get("Value"));

        amy.post(path + "/recording/resume", "{}").expect(200); // not paused: Asterisk is told again, no history
        amy.post(path + "/recording/pause", "{}").expect(200);
        amy.post(path + "/recording/pause", "{}").expect(200);
        var muted = asterisk.events().await(e -> "MixMonitorMute".equals(e.name()) && caller.equals(e.get("Channel"))
                && "1".equals(e.get("State")), WAIT);
        assertEquals("both", muted.get("Direction"));
        assertTrue(amy.get(path).json().getJsonObject("call").getJsonObject("recording").containsKey("pausedSince"));
        agent("bob", "117", new JsonObject().put("support", 9)).post(path + "/recording/resume", "{}").expect(403);
        amy.post(path + "/recording/resume", "{}").expect(200);
        Await.until("unmuted", WAIT, () -> asterisk.events().matching(e -> "MixMonitorMute".equals(e.name())
                && "0".equals(e.get("State"))).size() == 2);
        assertTrue(!amy.get(path).json().getJsonObject("call").getJsonObject("recording").containsKey("pausedSince"));
        assertEquals(1.0, metric("switchboard_voice_recording_pauses_seconds_count"));

        asterisk.agentPhone("117", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        amy.post("/api/v1/agents/amy/state", new JsonObject().put("state", "away")).expect(200); // after this call
        amy.post(path + "/transfer", new JsonObject().put("queue", "support")).expect(200);
        Await.until("bob talking to the caller", WAIT, () -> "busy".equals(Agents.state(admin, "bob")));
        Await.until("bob's answer applied", WAIT, () -> "bob".equals(admin.get(path).json().getString("agentId"))
                && "assigned".equals(admin.get(path).json().getString("status")));
        assertEquals(1, asterisk.events().matching(e -> "MixMonitorStart".equals(e.name())).size(), "one recording per call");
        assertEquals(1.0, metric("switchboard_voice_recordings_total{outcome=\"started\"}"));
        List<String> recorded = admin.get(path).json().getJsonArray("history").stream().map(JsonObject.class::cast)
                .filter(h -> h.getString("type").startsWith("recording_"))
                .map(h -> h.getString("type") + " " + h.getString("by", h.getString("file"))).toList();
        assertEquals(List.of("recording_started switchboard/" + day + "/" + id + ".wav", "recording_paused amy",
                "recording_resumed amy"), recorded);
    }

    /**
     * A supervisor whispers to Amy from phone 900: ChanSpy runs on Amy's leg of the call with the whisper option,
     * the consoles hear monitor_started, the monitoring is listed, and ended from the console it is over and in the
     * call's history. Then she listens, and the caller hanging up ends that too. Nobody but staff may do it.
     */
    @Test
    void aSupervisorWhispersToAnAgentThenListensAndTheHistoryRecordsBoth() throws Exception {
        node.close();
        use(node().env("SWITCHBOARD_MONITOR_ENDPOINTS", "Local/900@agents").start());
        asterisk.agentPhone("900", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        OnCall amys = talking("amy", "114", "15551230040");
        String amysLeg = asterisk.events().await(e -> "DialEnd".equals(e.name()) && "ANSWER".equals(e.get("DialStatus"))
                && String.valueOf(e.get("DestChannel")).startsWith("Local/114@agents-"), WAIT).get("DestChannel");
        JsonObject toPhone = new JsonObject().put("endpoint", "Local/900@agents");
        admin.post("/api/v1/agents/amy/monitor", toPhone.copy().put("mode", "spy")).expect(400);
        admin.post("/api/v1/agents/amy/monitor", new JsonObject().put("mode", "listen")
                .put("endpoint", "Local/900@agents,qB")).expect(400);
        amys.agent().post("/api/v1/agents/amy/monitor", toPhone.copy().put("mode", "listen")).expect(403);
        admin.post("/api/v1/agents/nobody/monitor", toPhone.copy().put("mode", "listen")).expect(404);
        admin.post("/api/v1/agents/amy/monitor", new JsonObject().put("mode", "listen")
                .put("endpoint", "Local/901@agents")).expect(403); // not one of voice.monitorEndpoints
        agent("bob", "115", new JsonObject().put("billing", 5));
        assertTrue(admin.post("/api/v1/agents/bob/monitor", toPhone.copy().put("mode", "listen")).expect(409).body()
                .contains("not on a call"));

        try (var console = admin.supervisorEvents(); var amysDesk = amys.agent().events("amy")) {
            JsonObject asked = admin.post("/api/v1/agents/amy/monitor", toPhone.copy().put("mode", "whisper")
                    .put("name", "Sue Lead")).expect(202).json();
            String whisper = asked.getString("id");
            assertEquals("ringing", asked.getString("status"));
            assertEquals(amys.interactionId(), asked.getString("interaction"));
            var spying = asterisk.events().await(e -> "ChanSpyStart".equals(e.name())
                    && whisper.equals(e.get("SpyerUniqueid")), WAIT);
            assertEquals(amysLeg, spying.get("SpyeeChannel"));
            assertEquals(amysLeg + ",qESw", asterisk.events().await(e -> "OriginateResponse".equals(e.name())
                    && whisper.equals(e.get("Uniqueid")), WAIT).get("Data"));
            JsonObject started = console.await(m -> "monitor_started".equals(m.getString("type")), "monitor_started", WAIT);
            assertEquals("amy", started.getString("monitored"));
            assertEquals("whisper", started.getString("mode"));
            assertEquals("Sue Lead", started.getString("supervisor"));
            JsonArray now = admin.get("/api/v1/monitors").expect(200).json().getJsonArray("monitors");
            assertEquals(1, now.size(), now.encode());
            assertEquals(spying.get("SpyerChannel"), now.getJsonObject(0).getString("channel"));
            amys.agent().get("/api/v1/monitors").expect(403);
            Await.until("counted", () -> metric("switchboard_voice_monitors_total{mode=\"whisper\"}") == 1.0);

            admin.delete("/api/v1/monitors/" + whisper).expect(200);
            console.await(m -> "monitor_ended".equals(m.getString("type")), "monitor_ended", WAIT);
            assertEquals(0, admin.get("/api/v1/monitors").json().getJsonArray("monitors").size());
            admin.delete("/api/v1/monitors/" + whisper).expect(404);
            assertTrue(!amys.caller().isEnded(), "the call goes on without the supervisor");

            String listen = admin.post("/api/v1/agents/amy/monitor", toPhone.copy().put("mode", "listen")).expect(202)
                    .json().getString("id");
            console.await(m -> "monitor_started".equals(m.getString("type")) && listen.equals(m.getString("monitor")),
                    "the second monitor_started", WAIT);
            amys.caller().hangUp();
            console.await(m -> "monitor_ended".equals(m.getString("type")) && listen.equals(m.getString("monitor")),
                    "the call's end ends the listening", WAIT);
            // delivered to the agents' hub before the console's: had it been for amy, she would have it by now
            assertTrue(amysDesk.all().stream().noneMatch(m -> m.getString("type").startsWith("monitor_")),
                    "the monitored agent is not told");
        }
        JsonArray history = admin.get("/api/v1/interactions/" + amys.interactionId()).json().getJsonArray("history");
        List<String> monitoring = history.stream().map(JsonObject.class::cast)
                .filter(h -> h.getString("type").startsWith("monitor_"))
                .map(h -> h.getString("type") + " " + h.getString("mode") + " " + h.getString("by")).toList();
        assertEquals(List.of("monitor_started whisper Sue Lead", "monitor_ended whisper Sue Lead",
                "monitor_started listen admin", "monitor_ended listen admin"), monitoring, history.encode());
    }

    /**
     * Amy transfers her caller to the support queue with nobody free: her phone's leg ends, the caller is
     * back on hold (the hold AGI runs again), and Bob, once available, is rung and talks to the same caller.
     */
    @Test
    void aBlindTransferPutsTheCallerBackOnHoldUntilTheNextAgentAnswers() throws Exception {
        asterisk.agentPhone("112", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        OnCall amys = talking("amy", "111", "15551230020");
        Api amy = amys.agent();
        SimulatedCall caller = amys.caller();
        String id = amys.interactionId();
        int holdSessions = caller.agiTranscripts().size();

        amy.post("/api/v1/agents/amy/state", new JsonObject().put("state", "away")).expect(200); // after this call
        amy.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "support")).expect(200);
        Await.until("amy's leg hung up", WAIT, () -> asterisk.events().matching(e -> "Hangup".equals(e.name())
                && String.valueOf(e.get("Channel")).startsWith("Local/111@agents")).size() >= 1);
        Await.until("the caller back in the hold context", WAIT, () -> caller.agiTranscripts().size() > holdSessions);
        assertEquals("queued", admin.get("/api/v1/interactions/" + id).json().getString("status"));
        assertTrue(!caller.isEnded(), "the caller is still on the line");

        agent("bob", "112", new JsonObject().put("support", 9));
        Await.until("bob talking to the same caller", WAIT, () -> "busy".equals(Agents.state(admin, "bob")));
        JsonObject interaction = onlyInteraction("bob");
        assertEquals(id, interaction.getString("id"));
        assertEquals("assigned", interaction.getString("status"));
        assertTrue(interaction.getJsonArray("history").encode().contains("\"status\":\"transferred\""));
        assertTrue(!"busy".equals(Agents.state(admin, "amy")), "amy is off the call");
    }

    /**
     * Amy holds her call: both legs leave the bridge together (nobody is hung up), the caller hears music;
     * unhold bridges the same two channels again and the time on hold is measured.
     */
    @Test
    void anAgentHoldsAndResumesACall() throws Exception {
        OnCall amys = talking("amy", "113", "15551230030");
        Api amy = amys.agent();
        SimulatedCall caller = amys.caller();
        String id = amys.interactionId();
        amy.post("/api/v1/interactions/" + id + "/unhold", "{}").expect(409);

        amy.post("/api/v1/interactions/" + id + "/hold", "{}").expect(200);
        Await.until("the caller hears music", WAIT, () -> !asterisk.events().matching(e -> "Newexten".equals(e.name())
                && caller.agiChannel().equals(e.get("Channel")) && "MusicOnHold".equals(e.get("Application"))).isEmpty());
        Await.until("amy's leg waits in silence", WAIT, () -> !asterisk.events().matching(e -> "Newexten".equals(e.name())
                && String.valueOf(e.get("Channel")).startsWith("Local/113@agents") && "Wait".equals(e.get("Application")))
                .isEmpty());
        amy.post("/api/v1/interactions/" + id + "/hold", "{}").expect(409);
        assertEquals(0, asterisk.events().matching(e -> "Hangup".equals(e.name())).size(), "nobody was hung up");
        assertEquals("busy", Agents.state(admin, "amy"));

        int bridgesBefore = asterisk.events().matching(e -> "BridgeEnter".equals(e.name())).size();
        JsonObject resumed = amy.post("/api/v1/interactions/" + id + "/unhold", "{}").expect(200).json();
        assertEquals("talking", resumed.getString("status"));
        Await.until("the two legs bridged again", WAIT, () -> asterisk.events().matching(e -> "BridgeEnter".equals(e.name())
                && (caller.agiChannel().equals(e.get("Channel"))
                        || String.valueOf(e.get("Channel")).startsWith("Local/113@agents"))).size() >= 4);
        assertTrue(asterisk.events().matching(e -> "BridgeEnter".equals(e.name())).size() >= bridgesBefore + 2);
        assertEquals(1.0, metric("switchboard_hold_seconds_count{queue=\"support\"}"));

        caller.hangUp();
        Await.until("wrap-up after the call", WAIT, () -> "wrap_up".equals(Agents.state(admin, "amy")));
    }

    /**
     * Amy holds her call, then transfers it to the queue: her leg, waiting in silence, is hung up (her phone is free
     * for her next call), and Bob gets the caller with no hold of hers on it.
     */
    @Test
    void aCallTransferredWhileHeldFreesTheFirstAgentsLeg() throws Exception {
        asterisk.agentPhone("126", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        OnCall amys = talking("amy", "125", "15551230071");
        Api amy = amys.agent();
        String id = amys.interactionId();
        amy.post("/api/v1/interactions/" + id + "/hold", "{}").expect(200);
        Await.until("amy's leg waits in silence", WAIT, () -> !asterisk.events().matching(e -> "Newexten".equals(e.name())
                && String.valueOf(e.get("Channel")).startsWith("Local/125@agents") && "Wait".equals(e.get("Application")))
                .isEmpty());
        amy.post("/api/v1/agents/amy/state", new JsonObject().put("state", "away")).expect(200);
        amy.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("queue", "support")).expect(200);
        Await.until("amy's held leg hung up", WAIT, () -> asterisk.events().matching(e -> "Hangup".equals(e.name())
                && String.valueOf(e.get("Channel")).startsWith("Local/125@agents")).size() >= 1);

        Api bob = agent("bob", "126", new JsonObject().put("support", 9));
        Await.until("bob talking to the caller", WAIT, () -> "busy".equals(Agents.state(admin, "bob")));
        assertEquals(null, bob.get("/api/v1/interactions/" + id).json().getJsonObject("call", new JsonObject())
                .getValue("heldSince"), "not on hold for bob");
        bob.post("/api/v1/interactions/" + id + "/hold", "{}").expect(200);
        assertTrue(!amys.caller().isEnded(), "the caller is still on the line");
    }

    /** Amy's phone hangs up while she holds the call: the caller is not left with the music forever. */
    @Test
    void anAgentWhoHangsUpWhileHoldingEndsTheCall() throws Exception {
        asterisk.agentPhone("119", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        Api amy = agent("amy", "119", new JsonObject().put("support", 9));
        SimulatedCall caller = call("15551230070", CallerScript.create().press("2"));
        Await.until("amy talking", WAIT, () -> "busy".equals(Agents.state(admin, "amy")));
        amy.post("/api/v1/interactions/" + onlyInteraction("amy").getString("id") + "/hold", "{}").expect(200);
        caller.awaitEnded(WAIT); // amy's phone hangs up after 30 s of call (3 s of test time)
        Await.until("wrap-up after the call", WAIT, () -> "wrap_up".equals(Agents.state(admin, "amy")));
    }

    private static String interactionOf(String agiText) {
        Matcher m = Pattern.compile("SET VARIABLE \"SB_INTERACTION\" \"([^\"]+)\"").matcher(agiText);
        assertTrue(m.find(), agiText);
        return m.group(1);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** An agent on the phone with a new caller, who pressed 2 (support). */
    private record OnCall(Api agent, String interactionId, SimulatedCall caller) {
    }

    private OnCall talking(String agentId, String extension, String callerNumber) {
        asterisk.agentPhone(extension, PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        Api api = agent(agentId, extension, new JsonObject().put("support", 9));
        SimulatedCall caller = call(callerNumber, CallerScript.create().press("2"));
        Await.until(agentId + " talking", WAIT, () -> "busy".equals(Agents.state(admin, agentId)));
        return new OnCall(api, onlyInteraction(agentId).getString("id"), caller);
    }

    private Api agent(String id, String extension, JsonObject skills) {
        admin.put("/api/v1/agents/" + id, new JsonObject().put("skills", skills).put("pin", "1234")
                .put("endpoint", "Local/" + extension + "@agents")).expect(200);
        Api agent = Agents.login(admin, id);
        Agents.available(agent, id);
        return agent;
    }

    /** The one interaction the agent is working on. */
    private JsonObject onlyInteraction(String agentId) {
        JsonArray work = admin.get("/api/v1/agents/" + agentId).json().getJsonArray("interactions");
        assertEquals(1, work.size(), work.encode());
        return admin.get("/api/v1/interactions/" + work.getString(0)).expect(200).json();
    }

    /**
     * Stops the test's node (the call's owner) as if killed: its heartbeat outlives it for {@code heartbeat}, as a killed
     * node's does until its TTL lapses.
     */
    private void killTheOwner(SimulatedCall caller, Duration heartbeat) throws Exception {
        try (var connection = io.switchboard.store.redis.RedisConnection.connect(redis.uri())) {
            var commands = connection.commands();
            String keys = io.switchboard.store.redis.RedisKeys.of(prefix).prefix();
            String owner = commands.get(keys + ":call:" + caller.agiUniqueid() + ":owner").toCompletableFuture().join();
            node.close();
            node = null;
            commands.psetex(keys + ":node:" + owner, heartbeat.toMillis(), "1").toCompletableFuture().join();
            commands.psetex(keys + ":node:" + owner + ":pbx1", heartbeat.toMillis(), "1").toCompletableFuture().join();
        }
    }

    private double metric(String series) {
        return metric(admin, series);
    }

    private static double metric(Api api, String series) {
        return api.get("/metrics").body().lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
    }

}
