package io.switchboard.simulator.pbx;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.event.EventLog;
import io.switchboard.simulator.event.ManagerEvent;
import io.switchboard.simulator.time.ManualSimClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.switchboard.simulator.event.EventLog.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The call model on a hand-driven clock, without sockets: minutes of simulated talk and ringing take no
 * real time. The AGI step is answered at once by a launcher that reports the script done.
 */
class PbxEngineTest {

    private final ManualSimClock clock = new ManualSimClock(1_795_369_009_000_000L);
    private final EventLog log = new EventLog();

    private Pbx pbx(SimulatorConfig config) {
        AgiLauncher instantScript = (pbx, channel, url, args, onDone) -> {
            onDone.accept("SUCCESS");
            return new AgiLauncher.AgiRun() {
                @Override
                public void channelHungUp() {
                }

                @Override
                public void channelRedirected() {
                }
            };
        };
        Pbx pbx = new Pbx(config, clock, instantScript);
        pbx.addListener(log);
        return pbx;
    }

    private static InboundCall.Spec caller(Duration patience) {
        return new InboundCall.Spec("15551230001", "Ann Caller", "8000", "from-pstn", List.of(), patience, 16);
    }

    @Test
    void inboundCallIsHeldThenConnectedToAnAgentWhoTalksAndHangsUp() {
        Pbx pbx = pbx(SimulatorConfig.defaults());
        InboundCall call = pbx.placeInboundCall(caller(null));
        assertEquals("1795369009.0", call.callerChannel().uniqueid());
        assertEquals("Local/8000@from-pstn-00000000;2", call.dialplanChannel().name());
        assertEquals("Wait", call.dialplanChannel().application());
        assertEquals("3600", call.dialplanChannel().appData());

        clock.advance(Duration.ofMinutes(10));
        assertEquals(2, pbx.channels().size(), "held for up to an hour");

        pbx.redirect(call.dialplanChannel(), new DialplanLocation("connect", "101", 1));
        assertEquals(4, pbx.channels().size());
        assertEquals("ANSWER", log.matching(event("DialEnd", "Channel", call.dialplanChannel().name())).get(0).get("DialStatus"));
        assertTrue(call.isConnected());

        clock.advance(Duration.ofSeconds(4));
        assertEquals(4, pbx.channels().size(), "AGENT_TALK is 5 s");
        clock.advance(Duration.ofSeconds(2));
        assertTrue(pbx.channels().isEmpty());
        assertTrue(call.ended().isDone());
        List<ManagerEvent> hangups = log.matching(event("Hangup"));
        assertEquals(4, hangups.size());
        hangups.forEach(h -> assertEquals("16", h.get("Cause")));
        assertEquals(List.of("BridgeCreate", "BridgeEnter", "BridgeEnter", "BridgeLeave", "BridgeLeave", "BridgeDestroy"),
            log.matching(e -> e.name().startsWith("Bridge")).stream().map(ManagerEvent::name).toList());
    }

    @Test
    void unansweredAgentTimesOutAfterFifteenSeconds() {
        SimulatorConfig config = SimulatorConfig.defaults();
        config.agentPhones().set("107", PhoneBehavior.neverAnswers());
        Pbx pbx = pbx(config);
        InboundCall call = pbx.placeInboundCall(caller(null));
        pbx.redirect(call.dialplanChannel(), new DialplanLocation("connect", "107", 1));
        clock.advance(Duration.ofSeconds(14));
        assertTrue(log.matching(event("DialEnd", "Channel", call.dialplanChannel().name())).isEmpty());
        clock.advance(Duration.ofSeconds(2));
        assertEquals("NOANSWER", log.matching(event("DialEnd", "Channel", call.dialplanChannel().name())).get(0).get("DialStatus"));
        assertTrue(call.ended().isDone(), "connect's next priority hangs up");
        assertFalse(call.isConnected());
    }

    @Test
    void impatientCallerAbandonsWithNormalClearing() {
        Pbx pbx = pbx(SimulatorConfig.defaults());
        InboundCall call = pbx.placeInboundCall(caller(Duration.ofSeconds(30)));
        clock.advance(Duration.ofSeconds(29));
        assertEquals(2, pbx.channels().size());
        clock.advance(Duration.ofSeconds(2));
        assertTrue(pbx.channels().isEmpty());
        ManagerEvent callerHangup = log.matching(event("Hangup", "Channel", "Local/8000@from-pstn-00000000;1")).get(0);
        assertEquals("16", callerHangup.get("Cause"));
        assertEquals("Normal Clearing", callerHangup.get("Cause-txt"));
    }

    @Test
    void agentAnswerDelayIsHonoured() {
        SimulatorConfig config = SimulatorConfig.defaults();
        config.agentPhones().set("111", PhoneBehavior.answersAfter(Duration.ofSeconds(8), Duration.ofSeconds(60)));
        Pbx pbx = pbx(config);
        InboundCall call = pbx.placeInboundCall(caller(null));
        pbx.redirect(call.dialplanChannel(), new DialplanLocation("connect", "111", 1));
        clock.advance(Duration.ofSeconds(7));
        assertTrue(log.matching(event("DialEnd", "Channel", call.dialplanChannel().name())).isEmpty());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, log.matching(event("DialEnd", "Channel", call.dialplanChannel().name(), "DialStatus", "ANSWER")).size());
        ManagerEvent talk = log.matching(event("Newexten", "Application", "Wait", "Context", "agents")).get(0);
        assertEquals("60", talk.get("AppData"));
        clock.advance(Duration.ofSeconds(61));
        assertTrue(call.ended().isDone());
    }
}
