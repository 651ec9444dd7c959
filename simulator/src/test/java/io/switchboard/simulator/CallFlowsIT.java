package io.switchboard.simulator;

import io.switchboard.simulator.agi.AgiTranscript;
import io.switchboard.simulator.event.EventLog;
import io.switchboard.simulator.event.Header;
import io.switchboard.simulator.event.ManagerEvent;
import io.switchboard.simulator.pbx.Dialplan;
import io.switchboard.simulator.pbx.PhoneBehavior;
import io.switchboard.simulator.support.RawAgiServer;
import io.switchboard.simulator.support.RawAmiClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.switchboard.simulator.event.EventLog.event;
import static io.switchboard.simulator.support.RawAmiClient.response;
import static io.switchboard.simulator.support.RawAmiClient.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Call flows beyond the capture: abandons, DTMF, unanswered agents, AMI Bridge and Atxfer, queues. */
class CallFlowsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** The events of one call (by Linkedid), by name, in order. */
    /** The ;1 half of the Local channel an Atxfer to {@code exten@context} calls (no Dial on the agent's leg). */
    private static String transferTarget(EventLog log, String exten, String context) throws Exception {
        return log.await(e -> "Newchannel".equals(e.name()) && e.get("Channel").startsWith("Local/" + exten + "@"
            + context + "-") && e.get("Channel").endsWith(";1"), WAIT).get("Channel");
    }

    /** Redirects the waiting call to agent 101 (context connect); its leg, once the caller is bridged with it. */
    private static String connectTo101(RawAmiClient ami, EventLog log, SimulatedCall call) throws Exception {
        log.await(event("Newexten", "Channel", call.agiChannel(), "Application", "Wait"), WAIT);
        ami.send("Action", "Redirect", "ActionID", "r", "Channel", call.agiChannel(), "Context", "connect", "Exten", "101", "Priority", "1");
        String agent101 = log.await(event("DialBegin", "Channel", call.agiChannel()), WAIT).get("DestChannel");
        log.await(event("BridgeEnter", "Channel", call.agiChannel()), WAIT);
        return agent101;
    }

    private static List<String> namesOf(EventLog log, String linkedid) {
        return log.matching(e -> linkedid.equals(e.get("Linkedid"))).stream().map(ManagerEvent::name).toList();
    }

    @Test
    void callerAbandonsWhileHeldAfterTheIvr() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> s.send("ANSWER"));
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10))) {
            SimulatedCall call = asterisk.placeCall(CallSpec.create().patience(Duration.ofSeconds(3)));
            call.awaitEnded(WAIT);
            EventLog log = asterisk.events();
            ManagerEvent request = log.await(event("HangupRequest", "Channel", call.agiChannel()), WAIT);
            assertEquals("16", request.get("Cause"));
            ManagerEvent callerGone = log.await(event("Hangup", "Channel", call.callerChannel()), WAIT);
            assertEquals("16", callerGone.get("Cause"));
            assertEquals("Normal Clearing", callerGone.get("Cause-txt"));
            ManagerEvent heldGone = log.await(event("Hangup", "Channel", call.agiChannel()), WAIT);
            assertEquals("16", heldGone.get("Cause"));
            List<String> tail = namesOf(log, call.linkedid());
            assertEquals(List.of("HangupRequest", "Hangup", "SoftHangupRequest", "Hangup"), tail.subList(tail.size() - 4, tail.size()));
            log.awaitCount(event("DeviceStateChange", "Device", "Local/8000@from-pstn", "State", "NOT_INUSE"), 2, WAIT);
        }
    }

    @Test
    void callerHangingUpDuringAgiGetsHangupAndDeadChannelReplies() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> {
                assertEquals("200 result=0", s.send("ANSWER"));
                assertEquals("200 result=-1", s.send("WAIT FOR DIGIT -1"));
                assertEquals("HANGUP", s.readReply());
                assertEquals("511 Command Not Permitted on a dead channel or intercepted channel", s.send("ANSWER"));
                assertTrue(s.send("GET VARIABLE UNIQUEID").startsWith("200 result=1 ("));
                assertEquals("200 result=1", s.send("VERBOSE \"still here\" 1"));
            });
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10))) {
            SimulatedCall call = asterisk.placeCall(CallSpec.create().patience(Duration.ofSeconds(5)));
            AgiTranscript t = call.awaitAgiSessionClosed(WAIT);
            call.awaitEnded(WAIT);
            assertTrue(agi.failures().isEmpty(), () -> "script: " + agi.failures());
            assertTrue(t.lines().contains("<< HANGUP"), t::format);
            ManagerEvent status = asterisk.events().await(event("VarSet", "Variable", "AGISTATUS"), WAIT);
            assertEquals("HANGUP", status.get("Value"));
            ManagerEvent end = asterisk.events().await(event("AGIExecEnd", "Command", "ANSWER", "ResultCode", "511"), WAIT);
            assertEquals("Command not permitted on a dead channel or intercepted channel", end.get("Result"));
        }
    }

    @Test
    void scriptedDtmfReachesTheIvr() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> {
                s.send("ANSWER");
                assertEquals("200 result=1", s.send("GET DATA menu 3000 1"));
                assertEquals("200 result=42", s.send("GET DATA pin 5000 4"));
                assertEquals("200 result=55", s.send("WAIT FOR DIGIT 2000"));
                assertEquals("200 result=50 endpos=2400", s.send("STREAM FILE welcome \"123\""));
                assertEquals("200 result= (timeout)", s.send("GET DATA again 500 4"));
                assertEquals("200 result=57 endpos=4800", s.send("GET OPTION menu \"19\""));
                assertEquals("200 result=12 (timeout)", s.send("GET DATA acct 1000 4"));
                assertEquals("200 result=0 endpos=8000", s.send("STREAM FILE goodbye \"\""));
                assertEquals("200 result=0", s.send("SAY DIGITS 42 \"\""));
                assertEquals("200 result=0", s.send("SAY DATETIME 1765094400 \"\" \"Q 'digits/at' IMp\" \"Europe/London\""));
                assertTrue(s.send("SAY DATETIME soon \"\"").startsWith("520-"), "a time that is not a number");
                assertEquals("510 Invalid or unknown command", s.send("FROBNICATE"));
                String usage = s.send("GET VARIABLE");
                assertTrue(usage.startsWith("520-Invalid command syntax.  Proper usage follows:") && usage.endsWith("520 End of proper usage."), usage);
                assertEquals("200 result=-2", s.send("EXEC NoSuchApp x"));
                assertEquals("200 result=0", s.send("EXEC Set SB_MENU=1"));
                assertEquals("200 result=1 (1)", s.send("GET VARIABLE SB_MENU"));
                assertEquals("200 result=0", s.send("GET VARIABLE NOT_SET_ANYWHERE"));
                assertEquals("200 result=1 (15550009999)", s.send("GET VARIABLE CALLERID(num)"));
            });
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10))) {
            SimulatedCall call = asterisk.placeCall(CallSpec.create().from("15550009999", "Dee Tmf").script(CallerScript.create()
                .press("1")
                .press("42#")
                .press("7")
                .press("2", Duration.ofMillis(300))
                .silence()
                .press("9")
                .press("12")));
            AgiTranscript t = call.awaitAgiSessionClosed(WAIT);
            assertTrue(agi.failures().isEmpty(), () -> "script: " + agi.failures() + "\n" + t.format());
        }
    }

    @Test
    void agiCanSendTheCallElsewhereInTheDialplan() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> {
                s.send("ANSWER");
                s.send("SET CONTEXT connect");
                s.send("SET EXTENSION 102");
                s.send("SET PRIORITY 1");
            });
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10))) {
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            ManagerEvent dial = asterisk.events().await(event("Newexten", "Channel", call.agiChannel(), "Application", "Dial"), WAIT);
            assertEquals("connect", dial.get("Context"));
            assertEquals("1", dial.get("Priority"));
            assertEquals("Local/102@agents,15", dial.get("AppData"));
            call.awaitEnded(WAIT);
        }
    }

    @Test
    void agentThatNeverAnswersGivesNoAnswerAfterTheDialTimeout() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> s.send("ANSWER"));
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(30));
             RawAmiClient ami = new RawAmiClient(asterisk.amiPort())) {
            ami.login("l");
            asterisk.agentPhone("105", PhoneBehavior.neverAnswers());
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            EventLog log = asterisk.events();
            log.await(event("Newexten", "Channel", call.agiChannel(), "Application", "Wait"), WAIT);
            ami.send("Action", "Redirect", "ActionID", "r", "Channel", call.agiChannel(), "Context", "connect", "Exten", "105", "Priority", "1");
            ami.awaitFrame(response("r"), WAIT);
            ManagerEvent begin = log.await(event("DialBegin", "Channel", call.agiChannel()), WAIT);
            long began = begin.timestampMicros();
            ManagerEvent end = log.await(event("DialEnd", "Channel", call.agiChannel()), WAIT);
            assertEquals("NOANSWER", end.get("DialStatus"));
            long rang = (end.timestampMicros() - began) / 1_000_000;
            assertTrue(rang >= 15 && rang < 30, "rang for " + rang + " s of simulated time");
            log.await(event("VarSet", "Channel", call.agiChannel(), "Variable", "DIALSTATUS", "Value", "NOANSWER"), WAIT);
            log.await(event("Newexten", "Channel", call.agiChannel(), "Application", "Hangup"), WAIT);
            call.awaitEnded(WAIT);
            assertTrue(log.matching(event("BridgeEnter")).isEmpty());
        }
    }

    @Test
    void amiBridgeConnectsAHeldCallerWithAnOriginatedAgentCall() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> s.send("ANSWER"));
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10));
             RawAmiClient ami = new RawAmiClient(asterisk.amiPort())) {
            ami.login("l");
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            EventLog log = asterisk.events();
            log.await(event("Newexten", "Channel", call.agiChannel(), "Application", "Wait"), WAIT);
            ami.send("Action", "Originate", "ActionID", "o", "Channel", "Local/110@agents", "Application", "Wait",
                "Data", "600", "Async", "true");
            List<Header> originated = ami.awaitFrame(RawAmiClient.event("OriginateResponse", "ActionID", "o"), WAIT);
            String agent = value(originated, "Channel");
            ami.send("Action", "Bridge", "ActionID", "b", "Channel1", call.agiChannel(), "Channel2", agent);
            assertEquals("Channels have been bridged", value(ami.awaitFrame(response("b"), WAIT), "Message"));
            log.awaitCount(e -> e.name().equals("BridgeEnter"), 2, WAIT);
            ami.send("Action", "Hangup", "ActionID", "h", "Channel", agent);
            ami.awaitFrame(response("h"), WAIT);
            log.await(event("BridgeDestroy"), WAIT);
            // The held caller goes on in the dialplan after the bridge: from-pstn priority 5 is Hangup().
            log.await(event("Newexten", "Channel", call.agiChannel(), "Application", "Hangup"), WAIT);
            call.awaitEnded(WAIT);
        }
    }

    @Test
    void atxferHandsTheCallerToAnotherAgent() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> s.send("ANSWER"));
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10));
             RawAmiClient ami = new RawAmiClient(asterisk.amiPort())) {
            ami.login("l");
            asterisk.agentPhone("101", PhoneBehavior.answersAfter(Duration.ZERO, Duration.ofSeconds(600)));
            asterisk.agentPhone("102", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(2)));
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            EventLog log = asterisk.events();
            String agent101 = connectTo101(ami, log, call);
            String bridge = log.await(event("BridgeEnter", "Channel", call.agiChannel()), WAIT).get("BridgeUniqueid");

            ami.send("Action", "Atxfer", "ActionID", "x", "Channel", agent101, "Exten", "102", "Context", "agents");
            assertEquals("Atxfer successfully queued", value(ami.awaitFrame(response("x"), WAIT), "Message"));
            String agent102 = transferTarget(log, "102", "agents");
            log.await(event("Newstate", "Channel", agent102, "ChannelStateDesc", "Up"), WAIT);
            assertTrue(log.matching(e -> e.name().startsWith("Dial") && agent101.equals(e.get("Channel"))).isEmpty(),
                "Asterisk calls the target's Local channel directly: no Dial events on the agent's leg");
            // consulting: agent 101 completes the transfer by hanging up (atxferdropcall=no)
            ami.send("Action", "Hangup", "ActionID", "h", "Channel", agent101);
            ManagerEvent joined = log.await(e -> "BridgeEnter".equals(e.name()) && agent102.equals(e.get("Channel"))
                && bridge.equals(e.get("BridgeUniqueid")), WAIT);
            assertEquals(bridge, joined.get("BridgeUniqueid"), "the new agent joins the caller's bridge");
            log.await(event("Hangup", "Channel", agent101), WAIT);
            // Agent 102 talks two seconds, then the whole call is over.
            call.awaitEnded(WAIT);
            assertNotEquals(agent101, agent102);
        }
    }

    @Test
    void cancelAtxferEndsTheConsultationAndKeepsTheAgentWithTheCaller() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> s.send("ANSWER"));
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10));
             RawAmiClient ami = new RawAmiClient(asterisk.amiPort())) {
            ami.login("l");
            asterisk.agentPhone("101", PhoneBehavior.answersAfter(Duration.ZERO, Duration.ofSeconds(600)));
            asterisk.agentPhone("102", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(600)));
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            EventLog log = asterisk.events();
            String agent101 = connectTo101(ami, log, call);
            String bridge = log.await(event("BridgeEnter", "Channel", call.agiChannel()), WAIT).get("BridgeUniqueid");
            ami.send("Action", "CancelAtxfer", "ActionID", "n", "Channel", agent101);
            assertEquals("No active attended transfer on channel", value(ami.awaitFrame(response("n"), WAIT), "Message"));

            ami.send("Action", "Atxfer", "ActionID", "x", "Channel", agent101, "Exten", "102", "Context", "agents");
            String agent102 = transferTarget(log, "102", "agents");
            log.await(event("Newstate", "Channel", agent102, "ChannelStateDesc", "Up"), WAIT);
            ami.send("Action", "CancelAtxfer", "ActionID", "c", "Channel", agent101);
            assertEquals("Success", value(ami.awaitFrame(response("c"), WAIT), "Response"));
            log.await(event("Hangup", "Channel", agent102), WAIT);
            assertTrue(log.matching(e -> "Hangup".equals(e.name()) && agent101.equals(e.get("Channel"))).isEmpty());
            assertTrue(log.matching(e -> "BridgeEnter".equals(e.name()) && agent102.equals(e.get("Channel"))
                && bridge.equals(e.get("BridgeUniqueid"))).isEmpty(), "the target never joined the caller");
            assertTrue(!call.isEnded());
        }
    }

    /**
     * A supervisor's phone, originated with a chosen uniqueid (ChannelId), runs ChanSpy on the agent's leg:
     * ChanSpyStart names both channels; the call's end stops the spy (option E) before the spyer hangs up.
     */
    @Test
    void chanSpyOnAnAgentLegStartsAndStopsWithTheCall() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> s.send("ANSWER"));
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10));
             RawAmiClient ami = new RawAmiClient(asterisk.amiPort())) {
            ami.login("l");
            asterisk.agentPhone("101", PhoneBehavior.answersAfter(Duration.ZERO, Duration.ofSeconds(600)));
            asterisk.agentPhone("900", PhoneBehavior.answersAfter(Duration.ZERO, Duration.ofSeconds(600)));
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            EventLog log = asterisk.events();
            String agent101 = connectTo101(ami, log, call);
            ami.send("Action", "Originate", "ActionID", "long", "Channel", "Local/900@agents", "Application", "ChanSpy",
                "Data", agent101 + ",qES", "ChannelId", "x".repeat(150), "Async", "true");
            assertEquals("Uniqueid length exceeds maximum of 149", value(ami.awaitFrame(response("long"), WAIT), "Message"));

            ami.send("Action", "Originate", "ActionID", "spy", "Channel", "Local/900@agents", "Application", "ChanSpy",
                "Data", agent101 + ",qESw", "ChannelId", "sbmon-1", "Async", "true");
            ManagerEvent start = log.await(event("ChanSpyStart", "SpyerUniqueid", "sbmon-1"), WAIT);
            assertEquals(agent101, start.get("SpyeeChannel"));
            assertTrue(start.get("SpyerChannel").startsWith("Local/900@agents-"), start.get("SpyerChannel"));
            assertEquals("sbmon-1;2", log.await(e -> "Newchannel".equals(e.name())
                && start.get("SpyerChannel").replace(";1", ";2").equals(e.get("Channel")), WAIT).get("Uniqueid"));
            assertEquals("Up", start.get("SpyerChannelStateDesc"));
            assertEquals("Up", start.get("SpyeeChannelStateDesc"));
            assertEquals("sbmon-1", log.await(event("OriginateResponse", "ActionID", "spy"), WAIT).get("Uniqueid"));

            ami.send("Action", "Hangup", "ActionID", "h", "Channel", call.agiChannel());
            ManagerEvent stop = log.await(event("ChanSpyStop", "SpyerUniqueid", "sbmon-1"), WAIT);
            assertEquals(null, stop.get("SpyeeChannel"), "the spied-on channel is gone: no Spyee fields");
            ManagerEvent spyerGone = log.await(event("Hangup", "Uniqueid", "sbmon-1"), WAIT);
            List<ManagerEvent> all = log.matching(e -> true);
            assertTrue(all.indexOf(log.await(event("Hangup", "Channel", agent101), WAIT)) < all.indexOf(stop)
                && all.indexOf(stop) < all.indexOf(spyerGone), "Hangup of the leg, ChanSpyStop, then the spyer's Hangup");
        }
    }

    /**
     * MixMonitor on the caller's channel, as app_mixmonitor's manager actions answer: an id, the file in the
     * monitor spool, MixMonitorMute's checks and event, and MixMonitorStop when the channel hangs up.
     */
    @Test
    void mixMonitorRecordsMutesAndStopsWithTheChannel() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> s.send("ANSWER"));
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10));
             RawAmiClient ami = new RawAmiClient(asterisk.amiPort())) {
            ami.login("l");
            asterisk.agentPhone("101", PhoneBehavior.answersAfter(Duration.ZERO, Duration.ofSeconds(600)));
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            EventLog log = asterisk.events();
            connectTo101(ami, log, call);
            String caller = call.agiChannel();
            ami.send("Action", "MixMonitor", "ActionID", "none", "Channel", "Local/nobody@x-1;1", "File", "a.wav");
            assertEquals("No such channel", value(ami.awaitFrame(response("none"), WAIT), "Message"));
            ami.send("Action", "MixMonitorMute", "ActionID", "early", "Channel", caller, "Direction", "both", "State", "1");
            assertEquals("Cannot set mute flag", value(ami.awaitFrame(response("early"), WAIT), "Message"));

            ami.send("Action", "MixMonitor", "ActionID", "rec", "Channel", caller, "File", "sb/2026/c-1.wav", "Options", "b");
            var started = ami.awaitFrame(response("rec"), WAIT);
            assertEquals("Success", value(started, "Response"));
            assertEquals(null, value(started, "MixMonitorID"), "an id only with i(VAR)");
            ami.send("Action", "MixMonitor", "ActionID", "rec2", "Channel", caller, "File", "/tmp/c-2.wav", "Options", "bi(REC)");
            String id = value(ami.awaitFrame(response("rec2"), WAIT), "MixMonitorID");
            assertTrue(id.startsWith("0x"), id);
            assertEquals(id, log.await(event("VarSet", "Channel", caller, "Variable", "REC"), WAIT).get("Value"));
            log.await(event("MixMonitorStart", "Channel", caller), WAIT);
            assertEquals("/var/spool/asterisk/monitor/sb/2026/c-1.wav", log.await(event("VarSet", "Channel", caller,
                "Variable", "MIXMONITOR_FILENAME"), WAIT).get("Value"));

            ami.send("Action", "MixMonitorMute", "ActionID", "bad", "Channel", caller, "Direction", "up", "State", "1");
            assertEquals("Invalid direction specified. Must be read, write or both",
                value(ami.awaitFrame(response("bad"), WAIT), "Message"));
            ami.send("Action", "MixMonitorMute", "ActionID", "mute", "Channel", caller, "Direction", "both", "State", "1");
            assertEquals("Success", value(ami.awaitFrame(response("mute"), WAIT), "Response"));
            ManagerEvent muted = log.await(event("MixMonitorMute", "Channel", caller), WAIT);
            assertEquals("both", muted.get("Direction"));
            assertEquals("1", muted.get("State"));

            ami.send("Action", "StopMixMonitor", "ActionID", "stop2", "Channel", caller, "MixMonitorID", id);
            assertEquals("Success", value(ami.awaitFrame(response("stop2"), WAIT), "Response"));
            log.await(event("MixMonitorStop", "Channel", caller), WAIT);
            ami.send("Action", "Hangup", "ActionID", "h", "Channel", caller);
            log.awaitCount(event("MixMonitorStop", "Channel", caller), 2, WAIT);
            ami.send("Action", "StopMixMonitor", "ActionID", "stop", "Channel", caller);
            assertEquals("No such channel", value(ami.awaitFrame(response("stop"), WAIT), "Message"));
        }
    }

    /** With nothing to spy on and option S, ChanSpy returns at once and the originated channel hangs up. */
    @Test
    void chanSpyWithNothingToSpyOnEndsAtOnce() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> s.send("ANSWER"));
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10));
             RawAmiClient ami = new RawAmiClient(asterisk.amiPort())) {
            ami.login("l");
            asterisk.agentPhone("900", PhoneBehavior.answersAfter(Duration.ZERO, Duration.ofSeconds(600)));
            ami.send("Action", "Originate", "ActionID", "spy", "Channel", "Local/900@agents", "Application", "ChanSpy",
                "Data", "Local/101@agents-0000abcd;1,qES", "ChannelId", "sbmon-2", "Async", "true");
            asterisk.events().await(event("Hangup", "Uniqueid", "sbmon-2"), WAIT);
            assertTrue(asterisk.events().matching(e -> e.name().startsWith("ChanSpy")).isEmpty());
        }
    }

    /** A call bridged by AMI Bridge (e.g. after a hold) can be transferred like one bridged by Dial. */
    @Test
    void atxferWorksInABridgeMadeByTheBridgeAction() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> s.send("ANSWER"));
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10));
             RawAmiClient ami = new RawAmiClient(asterisk.amiPort())) {
            ami.login("l");
            asterisk.agentPhone("102", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofSeconds(600)));
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            EventLog log = asterisk.events();
            log.await(event("Newexten", "Channel", call.agiChannel(), "Application", "Wait"), WAIT);
            ami.send("Action", "Originate", "ActionID", "o", "Channel", "Local/110@agents", "Application", "Wait",
                "Data", "600", "Async", "true");
            String agent = value(ami.awaitFrame(RawAmiClient.event("OriginateResponse", "ActionID", "o"), WAIT), "Channel");
            ami.send("Action", "Bridge", "ActionID", "b", "Channel1", call.agiChannel(), "Channel2", agent);
            String bridge = log.await(event("BridgeEnter", "Channel", call.agiChannel()), WAIT).get("BridgeUniqueid");
            log.awaitCount(e -> e.name().equals("BridgeEnter"), 2, WAIT);

            ami.send("Action", "Atxfer", "ActionID", "x", "Channel", agent, "Exten", "102", "Context", "agents");
            String agent102 = transferTarget(log, "102", "agents");
            log.await(event("Newstate", "Channel", agent102, "ChannelStateDesc", "Up"), WAIT);
            ami.send("Action", "Hangup", "ActionID", "h", "Channel", agent);
            log.await(e -> "BridgeEnter".equals(e.name()) && agent102.equals(e.get("Channel"))
                && bridge.equals(e.get("BridgeUniqueid")), WAIT);
            log.await(event("Hangup", "Channel", agent), WAIT);
            assertTrue(!call.isEnded(), "the caller is with agent 102 now");
        }
    }

    /** CancelAtxfer while the target still rings ends that dial; the agent stays with the caller. */
    @Test
    void cancelAtxferWhileTheTargetRingsEndsTheDial() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> s.send("ANSWER"));
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10));
             RawAmiClient ami = new RawAmiClient(asterisk.amiPort())) {
            ami.login("l");
            asterisk.agentPhone("101", PhoneBehavior.answersAfter(Duration.ZERO, Duration.ofSeconds(600)));
            asterisk.agentPhone("102", PhoneBehavior.answersAfter(Duration.ofSeconds(60), Duration.ofSeconds(600)));
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            EventLog log = asterisk.events();
            String agent101 = connectTo101(ami, log, call);
            ami.send("Action", "Atxfer", "ActionID", "x", "Channel", agent101, "Exten", "102", "Context", "agents");
            String agent102 = transferTarget(log, "102", "agents");
            ami.send("Action", "CancelAtxfer", "ActionID", "c", "Channel", agent101);
            assertEquals("Success", value(ami.awaitFrame(response("c"), WAIT), "Response"));
            log.await(event("Hangup", "Channel", agent102), WAIT);
            ami.send("Action", "CancelAtxfer", "ActionID", "n", "Channel", agent101);
            assertEquals("No active attended transfer on channel", value(ami.awaitFrame(response("n"), WAIT), "Message"));
            assertTrue(!call.isEnded());
        }
    }

    /**
     * An Atxfer whose target never answers ends after atxfernoanswertimeout: the target's Local channel is hung
     * up, its Dial ends CANCEL, and the {@code h} extension of its context runs with TRANSFERERNAME (the agent's
     * channel) and DIALSTATUS, here in a UserEvent, as Switchboard's consult context does.
     */
    @Test
    void anUnansweredAtxferRunsTheTargetContextsHangupExtension() throws Exception {
        Dialplan dialplan = Dialplan.defaults().append("""
            [consult]
            exten => _X.,1,Dial(Local/${EXTEN}@agents,30)
             same => n,Hangup()
            exten => h,1,UserEvent(SwitchboardConsult,Transferer: ${TRANSFERERNAME},DialStatus: ${DIALSTATUS})
            """);
        try (RawAgiServer agi = new RawAgiServer(s -> s.send("ANSWER"));
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port())
                 .timeScale(10).dialplan(dialplan));
             RawAmiClient ami = new RawAmiClient(asterisk.amiPort())) {
            ami.login("l");
            asterisk.agentPhone("101", PhoneBehavior.answersAfter(Duration.ZERO, Duration.ofSeconds(600)));
            asterisk.agentPhone("102", PhoneBehavior.neverAnswers());
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            EventLog log = asterisk.events();
            String agent101 = connectTo101(ami, log, call);

            ami.send("Action", "Atxfer", "ActionID", "x", "Channel", agent101, "Exten", "102", "Context", "consult");
            String target = transferTarget(log, "102", "consult");
            String consultLeg = target.replace(";1", ";2");
            log.await(event("VarSet", "Channel", target, "Variable", "TRANSFERERNAME", "Value", agent101), WAIT);
            log.await(event("DialBegin", "Channel", consultLeg), WAIT);
            ManagerEvent ended = log.await(event("UserEvent", "UserEvent", "SwitchboardConsult"), WAIT);
            assertEquals(consultLeg, ended.get("Channel"));
            assertEquals("h", ended.get("Exten"));
            assertEquals(agent101, ended.get("Transferer"));
            assertEquals("CANCEL", ended.get("DialStatus"), "atxfernoanswertimeout hung the target's leg up");
            assertEquals("user,all", value(ami.awaitFrame(RawAmiClient.event("UserEvent", "UserEvent",
                "SwitchboardConsult"), WAIT), "Privilege"), "on the wire");
            log.await(event("DialEnd", "Channel", consultLeg, "DialStatus", "CANCEL"), WAIT);
            assertTrue(log.matching(e -> e.name().startsWith("Dial") && agent101.equals(e.get("Channel"))).isEmpty());
            assertTrue(!call.isEnded(), "the agent is still with the caller");
        }
    }

    @Test
    void waitingQueueCallerShowsInQueueStatusAndAbandons() throws Exception {
        try (SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(1).timeScale(10));
             RawAmiClient ami = new RawAmiClient(asterisk.amiPort())) {
            ami.login("l");
            SimulatedCall call = asterisk.placeCall(CallSpec.create().dialing("8002").context("queue-empty"));
            asterisk.events().await(event("QueueCallerJoin", "Queue", "empty"), WAIT);
            ami.send("Action", "QueueStatus", "ActionID", "q", "Queue", "empty");
            ami.awaitFrame(RawAmiClient.event("QueueStatusComplete"), WAIT);
            List<Header> params = ami.awaitFrame(RawAmiClient.event("QueueParams"), WAIT);
            assertEquals("1", value(params, "Calls"));
            List<Header> entry = ami.awaitFrame(RawAmiClient.event("QueueEntry"), WAIT);
            assertEquals(call.agiChannel(), value(entry, "Channel"));
            assertEquals("1", value(entry, "Position"));
            call.hangUp();
            ManagerEvent abandon = asterisk.events().await(event("QueueCallerAbandon", "Queue", "empty"), WAIT);
            assertEquals("1", abandon.get("OriginalPosition"));
            call.awaitEnded(WAIT);
        }
    }

    @Test
    void twoSimulatorsRunSideBySide() throws Exception {
        try (SimulatedAsterisk a = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(1));
             SimulatedAsterisk b = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(1))) {
            assertNotEquals(a.amiPort(), b.amiPort());
            SimulatedCall ca = a.placeCall(CallSpec.create());
            SimulatedCall cb = b.placeCall(CallSpec.create());
            assertEquals("Local/8000@from-pstn-00000000;1", ca.callerChannel());
            assertEquals("Local/8000@from-pstn-00000000;1", cb.callerChannel());
            // No FastAGI server on port 1: AGI fails, as Asterisk's does, and the caller is held.
            a.events().await(event("VarSet", "Variable", "AGISTATUS", "Value", "FAILURE"), WAIT);
            b.events().await(event("VarSet", "Variable", "AGISTATUS", "Value", "FAILURE"), WAIT);
            assertEquals(2, a.channels().size());
            assertEquals(2, b.channels().size());
            ca.hangUp();
            ca.awaitEnded(WAIT);
            assertEquals(2, b.channels().size());
        }
    }
}
