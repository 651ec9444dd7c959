package io.switchboard.simulator.pbx;

import io.switchboard.simulator.queue.DeviceState;
import io.switchboard.simulator.time.Cancellable;

import java.time.Duration;

/**
 * AMI Atxfer: the agent's leg of a Dial/Queue bridge dials the transfer target (a Local channel, e.g.
 * another agent phone). When the target answers, the two consult (the target waits in a consultation
 * bridge); then, as in Asterisk with features.conf atxferdropcall=no, the transferring agent hanging up
 * completes the transfer (the target takes the agent's place in the caller's bridge), while AMI
 * CancelAtxfer (Asterisk 17+) or the target hanging up abandons it (the target's leg ends, the agent stays
 * with the caller). CancelAtxfer while the target still rings, or no answer within 15 s (atxfernoanswertimeout),
 * hangs the target's Local channel up and nothing else changes. As in bridge_basic.c's dial_transfer, the
 * Local channel is called directly (no DialBegin/DialEnd on the agent's leg: only a Dial in the target's
 * dialplan makes those) and carries TRANSFERERNAME and ATTENDEDTRANSFER, the agent's channel, into its
 * dialplan. Simplified: the agent does not visibly leave the caller's bridge while consulting.
 */
final class AttendedTransfer implements PairOwner {

    private static final Duration NO_ANSWER_TIMEOUT = Duration.ofSeconds(15);

    private final Pbx pbx;
    private final Channel transferer;
    private final BridgeOwner owner;
    private LocalPair pair;
    private Cancellable timeout = Cancellable.NONE;
    private boolean done;
    private LocalPair answered;
    private Bridge consultation;
    private ChannelDriver transfererDriver;

    private AttendedTransfer(Pbx pbx, Channel transferer, BridgeOwner owner) {
        this.pbx = pbx;
        this.transferer = transferer;
        this.owner = owner;
    }

    /** Returns false when {@code channel} is not the bridged leg of a Dial or Queue. */
    static boolean start(Pbx pbx, Channel channel, String exten, String context) {
        Channel transferer = channel;
        if (!(transferer.driver() instanceof BridgedLeg) && channel.localPeer() != null
            && channel.localPeer().driver() instanceof BridgedLeg) {
            transferer = channel.localPeer();
        }
        if (!(transferer.driver() instanceof BridgedLeg leg) || transferer.bridge() == null) {
            return false;
        }
        String ctx = context == null || context.isEmpty() ? transferer.context() : context;
        new AttendedTransfer(pbx, transferer, leg.owner()).dial(exten + "@" + ctx);
        return true;
    }

    private void dial(String dest) {
        pair = pbx.requestLocal(dest, transferer, this);
        Channel t1 = pair.one();
        Channel t2 = pair.two();
        pbx.setVariable(t1, "DIALEDPEERNUMBER", dest);
        pbx.setVariable(t1, "TRANSFERERNAME", transferer.name()); // ;2 gets them when it is called (ring)
        pbx.setVariable(t1, "ATTENDEDTRANSFER", transferer.name());
        t1.callerId(pair.exten(), transferer.callerName());
        t1.connectedLine(transferer.callerNum(), transferer.callerName());
        t1.application("AppDial", "(Outgoing Line)");
        pbx.publish(Events.newexten(t1, "AppDial", "(Outgoing Line)"));
        pbx.publish(Events.newCallerid(t1));
        pbx.publish(Events.newConnectedLine(t1));
        pbx.setVariable(t2, "DIALEDPEERNUMBER", dest);
        t2.callerId(transferer.callerNum(), transferer.callerName());
        t2.connectedLine(pair.exten(), transferer.callerName());
        pbx.publish(Events.newCallerid(t2));
        pbx.publish(Events.newConnectedLine(t2));
        pbx.publish(Events.localBridge(t1, t2, pair.context(), pair.exten(), pair.optimize()));
        t1.driver(new ChannelDriver() {
            @Override
            public void hangupRequested(Channel ch) {
                fail();
            }

            @Override
            public void redirect(Channel ch, DialplanLocation target) {
                fail();
            }
        });
        timeout = pbx.clock().schedule(NO_ANSWER_TIMEOUT, this::fail);
        pbx.consultations().put(transferer, this); // from the first ring on, CancelAtxfer can abandon it
        pbx.ring(pair);
    }

    private void fail() {
        if (done) {
            return;
        }
        done = true;
        timeout.cancel();
        pbx.consultations().remove(transferer);
        Channel t1 = pair.one();
        if (t1.alive()) {
            t1.hangupCause(HangupCause.NORMAL_CLEARING);
            pbx.destroy(t1, false);
        }
    }

    @Override
    public void onAnswered(LocalPair p) {
        if (done) {
            return;
        }
        timeout.cancel();
        Channel t1 = p.one();
        if (transferer.destroyed() || transferer.bridge() == null) {
            fail();
            return;
        }
        done = true;
        pbx.deviceState(p.device(), DeviceState.INUSE, true);
        pbx.markUp(t1);
        pbx.deviceStateQuiet(p.device(), DeviceState.INUSE);
        consult(p);
    }

    /** The target answered: it waits in a consultation bridge until the agent completes or cancels. */
    private void consult(LocalPair p) {
        answered = p;
        Channel t1 = p.one();
        consultation = pbx.createBridge();
        pbx.enterBridge(consultation, t1);
        transfererDriver = transferer.driver();
        transferer.driver(new ChannelDriver() {
            @Override
            public void hangupRequested(Channel ch) {
                complete();
            }

            @Override
            public void redirect(Channel ch, DialplanLocation target) {
                end();
                transfererDriver.redirect(ch, target);
            }
        });
        t1.driver(new ChannelDriver() {
            @Override
            public void hangupRequested(Channel ch) {
                cancel();
            }

            @Override
            public void redirect(Channel ch, DialplanLocation target) {
                cancel();
            }
        });
    }

    /** The consultation is over either way: the agent's leg is driven by its bridge owner again. */
    private void end() {
        pbx.consultations().remove(transferer);
        transferer.driver(transfererDriver);
        pbx.leaveBridge(consultation, answered.one());
        pbx.destroyBridge(consultation);
    }

    /** The transferring agent hung up: the target takes its place with the caller. */
    private void complete() {
        end();
        Channel t1 = answered.one();
        if (!owner.replaceLeg(transferer, t1, answered)) {
            t1.hangupCause(HangupCause.NORMAL_CLEARING);
            pbx.destroy(t1, false);
            transfererDriver.hangupRequested(transferer);
        }
    }

    /** AMI CancelAtxfer, or the target hung up: the target's leg ends, the agent stays with the caller. */
    void cancel() {
        if (answered == null) { // still ringing
            fail();
            return;
        }
        end();
        Channel t1 = answered.one();
        t1.hangupCause(HangupCause.NORMAL_CLEARING);
        pbx.destroy(t1, false);
    }
}
