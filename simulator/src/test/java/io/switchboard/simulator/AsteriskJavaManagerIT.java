package io.switchboard.simulator;

import io.switchboard.simulator.pbx.PhoneBehavior;
import io.switchboard.simulator.support.AjEvents;
import io.switchboard.simulator.support.RawAgiServer;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.ResponseEvents;
import org.asteriskjava.manager.action.CoreShowChannelsAction;
import org.asteriskjava.manager.action.GetVarAction;
import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.PingAction;
import org.asteriskjava.manager.action.QueueStatusAction;
import org.asteriskjava.manager.action.RedirectAction;
import org.asteriskjava.manager.action.SetVarAction;
import org.asteriskjava.manager.action.StatusAction;
import org.asteriskjava.manager.event.BridgeEnterEvent;
import org.asteriskjava.manager.event.BridgeLeaveEvent;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.DialBeginEvent;
import org.asteriskjava.manager.event.DialEndEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.NewChannelEvent;
import org.asteriskjava.manager.event.NewExtenEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.event.QueueMemberEvent;
import org.asteriskjava.manager.event.QueueParamsEvent;
import org.asteriskjava.manager.event.StatusEvent;
import org.asteriskjava.manager.event.VarSetEvent;
import org.asteriskjava.manager.response.GetVarResponse;
import org.asteriskjava.manager.response.ManagerError;
import org.asteriskjava.manager.response.ManagerResponse;
import org.asteriskjava.manager.response.PingResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Asterisk-Java's ManagerConnection, the AMI client the server uses, talks to the simulator: login (MD5
 * challenge), actions and typed events. If the wire format were off, its parser would not produce these
 * typed objects.
 */
class AsteriskJavaManagerIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void managerConnectionDrivesAnInboundCallToAnAgent() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> {
                s.send("ANSWER");
                s.send("SET VARIABLE SB_INTERACTION it-42");
            });
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(5))) {
            asterisk.agentPhone("101", PhoneBehavior.answersAfter(Duration.ofMillis(500), Duration.ofSeconds(2)));
            ManagerConnection mc = new ManagerConnectionFactory("127.0.0.1", asterisk.amiPort(), "cti", "ctisecret")
                .createManagerConnection();
            AjEvents events = new AjEvents();
            mc.addEventListener(events);
            mc.login();
            try {
                assertEquals(ManagerConnectionState.CONNECTED, mc.getState());
                PingResponse pong = assertInstanceOf(PingResponse.class, mc.sendAction(new PingAction()));
                assertEquals("Pong", pong.getPing());

                SimulatedCall call = asterisk.placeCall(CallSpec.create().from("15550001111", "Test Caller").dialing("8000"));
                events.await(NewChannelEvent.class, e -> e.getChannel().equals(call.callerChannel())
                    && e.getUniqueId().equals(call.uniqueid()), WAIT);
                events.await(NewExtenEvent.class, e -> e.getChannel().equals(call.agiChannel())
                    && "Wait".equals(e.getApplication()) && "3600".equals(e.getAppData()), WAIT);
                events.await(VarSetEvent.class, e -> "SB_INTERACTION".equals(e.getVariable()) && "it-42".equals(e.getValue()), WAIT);

                ResponseEvents listing = mc.sendEventGeneratingAction(new CoreShowChannelsAction());
                Set<String> listed = listing.getEvents().stream().filter(CoreShowChannelEvent.class::isInstance)
                    .map(e -> ((CoreShowChannelEvent) e).getChannel()).collect(Collectors.toSet());
                assertEquals(Set.of(call.callerChannel(), call.agiChannel()), listed);

                ResponseEvents status = mc.sendEventGeneratingAction(new StatusAction(call.agiChannel()));
                StatusEvent st = (StatusEvent) status.getEvents().stream().filter(StatusEvent.class::isInstance).findFirst().orElseThrow();
                assertEquals("Wait", st.getApplication());

                GetVarResponse var = assertInstanceOf(GetVarResponse.class,
                    mc.sendAction(new GetVarAction(call.agiChannel(), "SB_INTERACTION")));
                assertEquals("it-42", var.getValue());
                assertEquals("Success", mc.sendAction(new SetVarAction(call.agiChannel(), "SB_AGENT", "101")).getResponse());

                // The CTI move: redirect the held channel into [connect], which dials the agent's phone.
                ManagerResponse redirect = mc.sendAction(new RedirectAction(call.agiChannel(), "connect", "101", 1));
                assertEquals("Redirect successful", redirect.getMessage());
                DialBeginEvent begin = events.await(DialBeginEvent.class, e -> call.agiChannel().equals(e.getChannel()), WAIT);
                assertTrue(begin.getDestChannel().startsWith("Local/101@agents-"), begin.getDestChannel());
                assertEquals("101@agents", begin.getDialString());
                DialEndEvent end = events.await(DialEndEvent.class, e -> call.agiChannel().equals(e.getChannel()), WAIT);
                assertEquals("ANSWER", end.getDialStatus());
                List<BridgeEnterEvent> enters = events.awaitCount(BridgeEnterEvent.class, e -> true, 2, WAIT);
                assertEquals(enters.get(0).getBridgeUniqueId(), enters.get(1).getBridgeUniqueId());
                assertEquals(Set.of(begin.getDestChannel(), call.agiChannel()),
                    enters.stream().map(BridgeEnterEvent::getChannel).collect(Collectors.toSet()));

                // The agent talks, hangs up, and every channel of the call goes with Normal Clearing.
                List<HangupEvent> hangups = events.awaitCount(HangupEvent.class, e -> true, 4, WAIT);
                for (HangupEvent h : hangups) {
                    assertEquals(16, h.getCause(), h.toString());
                    assertEquals("Normal Clearing", h.getCauseTxt());
                }
                assertEquals(2, events.of(BridgeLeaveEvent.class).size());
                call.awaitEnded(WAIT);
                assertTrue(asterisk.channels().isEmpty());
            } finally {
                mc.logoff();
            }
        }
    }

    @Test
    void originateHangupAndQueueStatusThroughManagerConnection() throws Exception {
        try (SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(1).timeScale(5))) {
            ManagerConnection mc = new ManagerConnectionFactory("127.0.0.1", asterisk.amiPort(), "cti", "ctisecret")
                .createManagerConnection();
            AjEvents events = new AjEvents();
            mc.addEventListener(events);
            mc.login();
            try {
                // Click-to-dial: the agent's phone rings first; once answered it runs [caller] s,1.
                OriginateAction originate = new OriginateAction();
                originate.setChannel("Local/102@agents");
                originate.setContext("caller");
                originate.setExten("s");
                originate.setPriority(1);
                originate.setCallerId("Agent 102 <102>");
                originate.setAsync(true);
                originate.setTimeout(10_000L);
                ResponseEvents result = mc.sendEventGeneratingAction(originate, 10_000);
                OriginateResponseEvent ore = (OriginateResponseEvent) result.getEvents().stream()
                    .filter(OriginateResponseEvent.class::isInstance).findFirst().orElseThrow();
                assertEquals("Success", ore.getResponse());
                assertEquals(4, ore.getReason());
                String agentLeg = ore.getChannel();
                assertTrue(agentLeg.startsWith("Local/102@agents-") && agentLeg.endsWith(";1"), agentLeg);
                events.await(NewExtenEvent.class, e -> agentLeg.equals(e.getChannel()) && "caller".equals(e.getContext())
                    && "Wait".equals(e.getApplication()), WAIT);

                ManagerResponse hung = mc.sendAction(new HangupAction(agentLeg, 17));
                assertEquals("Channel Hungup", hung.getMessage());
                HangupEvent h = events.await(HangupEvent.class, e -> agentLeg.equals(e.getChannel()), WAIT);
                assertEquals(17, h.getCause());
                assertEquals("User busy", h.getCauseTxt());

                ManagerResponse missing = mc.sendAction(new HangupAction("Local/999@nowhere-00000099;1"));
                assertInstanceOf(ManagerError.class, missing);
                assertEquals("No such channel", missing.getMessage());

                QueueStatusAction qs = new QueueStatusAction();
                qs.setQueue("support");
                ResponseEvents queue = mc.sendEventGeneratingAction(qs);
                assertEquals(1, queue.getEvents().stream().filter(QueueParamsEvent.class::isInstance).count());
                assertEquals(50, queue.getEvents().stream().filter(QueueMemberEvent.class::isInstance).count());
            } finally {
                mc.logoff();
            }
        }
    }
}
