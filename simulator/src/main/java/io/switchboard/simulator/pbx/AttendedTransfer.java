package io.switchboard.simulator.pbx;

import io.switchboard.simulator.queue.DeviceState;
import io.switchboard.simulator.time.Cancellable;

import java.time.Duration;

/**
 * AMI Atxfer, simplified: the agent's leg of a Dial/Queue bridge dials the transfer target (a Local
 * channel, e.g. another agent phone); when the target answers it takes the agent's place in the bridge and
 * the transferring agent is hung up. No answer within 15 s (features.conf atxfernoanswertimeout) gives
 * DialEnd NOANSWER and nothing changes. The consultation bridge of a real attended transfer is not shown.
 */
final class AttendedTransfer implements PairOwner {

    private static final Duration NO_ANSWER_TIMEOUT = Duration.ofSeconds(15);

    private final Pbx pbx;
    private final Channel transferer;
    private final BridgeOwner owner;
    private LocalPair pair;
    private Cancellable timeout = Cancellable.NONE;
    private boolean done;

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
        pbx.publish(Events.dialBegin(transferer, t1, pair.dialString()));
        t1.driver(new ChannelDriver() {
            @Override
            public void hangupRequested(Channel ch) {
                fail("BUSY");
            }

            @Override
            public void redirect(Channel ch, DialplanLocation target) {
                fail("CANCEL");
            }
        });
        timeout = pbx.clock().schedule(NO_ANSWER_TIMEOUT, () -> fail("NOANSWER"));
        pbx.ring(pair);
    }

    private void fail(String status) {
        if (done) {
            return;
        }
        done = true;
        timeout.cancel();
        Channel t1 = pair.one();
        pbx.publish(Events.dialEnd(transferer, t1, status));
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
            fail("CANCEL");
            return;
        }
        done = true;
        pbx.deviceState(p.device(), DeviceState.INUSE, true);
        pbx.markUp(t1);
        pbx.publish(Events.dialEnd(transferer, t1, "ANSWER"));
        pbx.deviceStateQuiet(p.device(), DeviceState.INUSE);
        if (!owner.replaceLeg(transferer, t1, p)) {
            t1.hangupCause(HangupCause.NORMAL_CLEARING);
            pbx.destroy(t1, false);
        }
    }
}
