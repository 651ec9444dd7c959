package io.switchboard.simulator.pbx;

import io.switchboard.simulator.queue.DeviceState;
import io.switchboard.simulator.time.Cancellable;

import java.time.Duration;

/**
 * Dial(Local/exten@context[,timeout]): rings one Local channel and bridges the caller with it when it
 * answers, publishing app_dial's events in the order of the capture (scenario 1). No answer within the
 * timeout gives DialEnd NOANSWER and the dialplan goes on; once bridged, Dial returns -1 when either side
 * hangs up, so the caller's dialplan ends.
 */
final class DialApp implements AppExecution, PairOwner, BridgeOwner {

    private static final String[] RESULT_VARIABLES = {
        "DIALSTATUS", "DIALEDPEERNUMBER", "DIALEDPEERNAME", "ANSWEREDTIME", "ANSWEREDTIME_MS", "DIALEDTIME",
        "DIALEDTIME_MS", "RINGTIME", "RINGTIME_MS", "PROGRESSTIME", "PROGRESSTIME_MS"};

    private enum State { RINGING, BRIDGED, DONE }

    private final AppCall call;
    private final Pbx pbx;
    private final Channel dialer;
    private LocalPair pair;
    private Channel leg;
    private String dialedPeerNumber;
    private Bridge bridge;
    private State state = State.RINGING;
    private Cancellable timeout = Cancellable.NONE;

    DialApp(AppCall call) {
        this.call = call;
        this.pbx = call.pbx;
        this.dialer = call.channel;
    }

    AppExecution start() {
        for (String v : RESULT_VARIABLES) {
            pbx.setVariable(dialer, v, "");
        }
        String target = call.arg(0);
        int amp = target.indexOf('&');
        if (amp > 0) {
            Pbx.warn("Dial: only the first of several destinations is simulated: {}", target);
            target = target.substring(0, amp);
        }
        if (!target.regionMatches(true, 0, "Local/", 0, 6)) {
            Pbx.warn("Dial: only Local channels are simulated, not {}", target);
            pbx.setVariable(dialer, "DIALSTATUS", "CHANUNAVAIL");
            call.finish(0);
            return AppExecution.FINISHED;
        }
        dialedPeerNumber = target.substring(6);
        Duration ringFor = call.arg(1).isEmpty() ? null : Pbx.parseSeconds(call.arg(1), null);

        pair = pbx.requestLocal(dialedPeerNumber, dialer, this);
        leg = pair.one();
        Channel two = pair.two();
        pbx.setVariable(leg, "DIALEDPEERNUMBER", dialedPeerNumber);
        // The outgoing channel shows the dialed number as its caller number, the caller as connected line.
        leg.callerId(pair.exten(), dialer.callerName());
        leg.connectedLine(dialer.callerNum(), dialer.callerName());
        leg.application("AppDial", "(Outgoing Line)");
        pbx.publish(Events.newexten(leg, "AppDial", "(Outgoing Line)"));
        pbx.publish(Events.newCallerid(leg));
        pbx.publish(Events.newConnectedLine(leg));
        pbx.setVariable(two, "DIALEDPEERNUMBER", dialedPeerNumber);
        two.callerId(dialer.callerNum(), dialer.callerName());
        two.connectedLine(pair.exten(), dialer.callerName());
        pbx.publish(Events.newCallerid(two));
        pbx.publish(Events.newConnectedLine(two));
        pbx.publish(Events.localBridge(leg, two, pair.context(), pair.exten(), pair.optimize()));
        pbx.publish(Events.dialBegin(dialer, leg, pair.dialString()));
        leg.driver(new LegDriver());
        if (ringFor != null) {
            timeout = pbx.clock().schedule(ringFor, this::noAnswer);
        }
        pbx.ring(pair);
        return this;
    }

    @Override
    public void onAnswered(LocalPair p) {
        if (state != State.RINGING) {
            return;
        }
        timeout.cancel();
        pbx.deviceState(p.device(), DeviceState.INUSE, true);
        pbx.markUp(leg);
        pbx.setVariable(dialer, "DIALSTATUS", "ANSWER");
        pbx.setVariable(dialer, "DIALEDPEERNAME", leg.name());
        pbx.setVariable(dialer, "DIALEDPEERNUMBER", dialedPeerNumber);
        pbx.deviceStateQuiet(p.device(), DeviceState.INUSE);
        leg.exten("");
        pbx.publish(Events.dialEnd(dialer, leg, "ANSWER"));
        // app_dial answers a calling channel that is not up yet (e.g. a Local ;2 dialled by Atxfer)
        pbx.answer(dialer);
        bridge = pbx.createBridge();
        pbx.publish(Events.newexten(leg, "AppDial", "(Outgoing Line)"));
        pbx.enterBridge(bridge, leg);
        pbx.enterBridge(bridge, dialer);
        pbx.setVariable(leg, "BRIDGEPEER", dialer.name());
        pbx.setVariable(dialer, "BRIDGEPEER", leg.name());
        state = State.BRIDGED;
        if (dialer.hangupRequested()) {
            hangup();
        }
    }

    private void noAnswer() {
        if (state != State.RINGING) {
            return;
        }
        state = State.DONE;
        pbx.publish(Events.dialEnd(dialer, leg, "NOANSWER"));
        leg.hangupCause(HangupCause.NORMAL_CLEARING);
        pbx.destroy(leg, false);
        endVariables();
        pbx.setVariable(dialer, "DIALSTATUS", "NOANSWER");
        call.finish(0);
    }

    /** Tears the bridge down after {@code gone} left: the order of scenario 1 when the agent hung up. */
    private void tearDown(Channel gone, boolean legHungUp, int result) {
        state = State.DONE;
        pbx.setVariable(leg, "BRIDGEPEER", "");
        pbx.setVariable(dialer, "BRIDGEPEER", "");
        if (legHungUp) {
            pbx.deviceState(pair.device(), DeviceState.NOT_INUSE, true);
            pbx.leaveBridge(bridge, leg);
            pbx.destroy(leg, false);
            pbx.leaveBridge(bridge, dialer);
            pbx.destroyBridge(bridge);
            endVariables();
            pbx.deviceStateQuiet(pair.device(), DeviceState.NOT_INUSE);
        } else if (pbx.takeDualRedirect(leg) instanceof DialplanLocation legTarget) {
            // A dual Redirect took both sides: the leg leaves with the caller and runs its own dialplan.
            pbx.leaveBridge(bridge, dialer);
            pbx.leaveBridge(bridge, leg);
            pbx.destroyBridge(bridge);
            endVariables();
            pbx.masqueradeIntoPbx(leg, legTarget);
        } else {
            // The caller went away (hangup or redirect): drop out, then hang up the agent's leg.
            pbx.leaveBridge(bridge, dialer);
            leg.hangupCause(dialer.hangupCause() != 0 ? dialer.hangupCause() : HangupCause.NORMAL_CLEARING);
            pbx.leaveBridge(bridge, leg);
            pbx.destroyBridge(bridge);
            pbx.destroy(leg, false);
            pbx.deviceState(pair.device(), DeviceState.NOT_INUSE, true);
            endVariables();
            pbx.deviceStateQuiet(pair.device(), DeviceState.NOT_INUSE);
        }
        pbx.setVariable(dialer, "DIALSTATUS", "ANSWER");
        if (dialer.hangupCause() == 0) {
            dialer.hangupCause(gone.hangupCause());
        }
        call.finish(result);
    }

    private void endVariables() {
        long now = pbx.clock().nowMicros();
        long upMs = dialer.answeredMicros() == 0 ? 0 : (now - dialer.answeredMicros()) / 1000;
        long agedMs = (now - dialer.createdMicros()) / 1000;
        pbx.setVariable(dialer, "ANSWEREDTIME", String.valueOf(upMs / 1000));
        pbx.setVariable(dialer, "ANSWEREDTIME_MS", String.valueOf(upMs));
        pbx.setVariable(dialer, "DIALEDTIME", String.valueOf(agedMs / 1000));
        pbx.setVariable(dialer, "DIALEDTIME_MS", String.valueOf(agedMs));
    }

    /** The caller is hung up or redirected while Dial runs. */
    private void callerLeaves(int result) {
        switch (state) {
            case RINGING -> {
                state = State.DONE;
                timeout.cancel();
                pbx.publish(Events.dialEnd(dialer, leg, "CANCEL"));
                leg.hangupCause(HangupCause.NORMAL_CLEARING);
                pbx.destroy(leg, false);
                endVariables();
                pbx.setVariable(dialer, "DIALSTATUS", "CANCEL");
                call.finish(result);
            }
            case BRIDGED -> tearDown(dialer, false, result);
            default -> { }
        }
    }

    @Override
    public void hangup() {
        callerLeaves(-1);
    }

    @Override
    public void redirect() {
        callerLeaves(0);
    }

    @Override
    public boolean replaceLeg(Channel old, Channel replacement, LocalPair newPair) {
        if (state != State.BRIDGED || old != leg) {
            return false;
        }
        pbx.setVariable(leg, "BRIDGEPEER", "");
        pbx.leaveBridge(bridge, leg);
        pbx.deviceState(pair.device(), DeviceState.NOT_INUSE, true);
        leg.driver(null);
        Channel oldLeg = leg;
        leg = replacement;
        pair = newPair;
        leg.driver(new LegDriver());
        pbx.enterBridge(bridge, leg);
        pbx.setVariable(leg, "BRIDGEPEER", dialer.name());
        pbx.setVariable(dialer, "BRIDGEPEER", leg.name());
        oldLeg.hangupCause(HangupCause.NORMAL_CLEARING);
        pbx.destroy(oldLeg, false);
        return true;
    }

    /** Drives the outgoing channel (Local;1), which has no dialplan of its own. */
    private final class LegDriver implements ChannelDriver, BridgedLeg {
        @Override
        public BridgeOwner owner() {
            return DialApp.this;
        }

        @Override
        public void hangupRequested(Channel ch) {
            switch (state) {
                case RINGING -> {
                    state = State.DONE;
                    timeout.cancel();
                    pbx.destroy(leg, false);
                    pbx.publish(Events.dialEnd(dialer, leg, "BUSY"));
                    endVariables();
                    pbx.setVariable(dialer, "DIALSTATUS", "BUSY");
                    call.finish(0);
                }
                case BRIDGED -> tearDown(leg, true, -1);
                default -> pbx.destroy(ch, false);
            }
        }

        @Override
        public void redirect(Channel ch, DialplanLocation target) {
            if (state == State.BRIDGED) {
                state = State.DONE;
                pbx.setVariable(leg, "BRIDGEPEER", "");
                pbx.setVariable(dialer, "BRIDGEPEER", "");
                pbx.leaveBridge(bridge, leg);
                pbx.leaveBridge(bridge, dialer);
                pbx.destroyBridge(bridge);
                endVariables();
                pbx.setVariable(dialer, "DIALSTATUS", "ANSWER");
                pbx.masqueradeIntoPbx(leg, target);
                call.finish(-1);
            } else {
                pbx.masqueradeIntoPbx(ch, target);
            }
        }
    }
}
