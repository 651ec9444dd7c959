package io.switchboard.simulator.pbx;

import io.switchboard.simulator.event.EventCategory;
import io.switchboard.simulator.event.Header;
import io.switchboard.simulator.event.ManagerEvent;
import io.switchboard.simulator.queue.CallQueue;
import io.switchboard.simulator.queue.DeviceState;
import io.switchboard.simulator.queue.QueueMember;
import io.switchboard.simulator.time.Cancellable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Queue(name,options,URL,announce,timeout) for one caller: joins, rings members one at a time per the
 * queue's strategy, connects the caller to the member who answers, and publishes app_queue's events in
 * the order of the capture (scenario 2 for a connected call, scenario 3 for an abandon).
 */
final class QueueApp implements AppExecution, BridgeOwner {

    private enum State { WAITING, RINGING, BRIDGED, DONE }

    private final Pbx pbx;
    private final QueueEngine engine;
    private final CallQueue queue;
    private final AppCall call;
    private final Channel caller;
    private final Set<QueueMember> triedThisRound = new HashSet<>();
    private State state = State.WAITING;
    private long joinedMicros;
    private int originalPosition;
    private Cancellable queueTimeout = Cancellable.NONE;
    private Cancellable ringTimer = Cancellable.NONE;
    private Cancellable retryTimer = Cancellable.NONE;
    private QueueMember member;
    private LocalPair pair;
    private Channel leg;
    private long ringStartMicros;
    private long connectedMicros;
    private int holdSeconds;
    private int ringSeconds;
    private Bridge bridge;

    QueueApp(Pbx pbx, QueueEngine engine, CallQueue queue, AppCall call) {
        this.pbx = pbx;
        this.engine = engine;
        this.queue = queue;
        this.call = call;
        this.caller = call.channel;
    }

    AppExecution start() {
        for (String v : new String[] {"ANSWEREDTIME", "ANSWEREDTIME_MS", "DIALEDTIME", "DIALEDTIME_MS", "QUEUEWAIT", "QUEUEWAIT_MS"}) {
            pbx.setVariable(caller, v, "");
        }
        if (queue.maxLen() > 0 && queue.callers().size() >= queue.maxLen()) {
            pbx.setVariable(caller, "QUEUESTATUS", "FULL");
            call.finish(0);
            return AppExecution.FINISHED;
        }
        joinedMicros = pbx.clock().nowMicros();
        queue.callers().add(this);
        originalPosition = position();
        if (queue.callers().size() == 1) {
            pbx.publish(Events.deviceStateChange("Queue:" + queue.name(), DeviceState.RINGING.text()));
        }
        pbx.publish(ManagerEvent.builder("QueueCallerJoin", EventCategory.AGENT)
            .headers(Events.snapshot(caller, ""))
            .header("Queue", queue.name())
            .header("Position", position())
            .header("Count", queue.callers().size()));
        Duration limit = call.arg(4).isEmpty() ? null : Pbx.parseSeconds(call.arg(4), null);
        if (limit != null && !limit.isZero()) {
            queueTimeout = pbx.clock().schedule(limit, this::timedOut);
        }
        tryMembers();
        return this;
    }

    Channel caller() {
        return caller;
    }

    long joinedMicros() {
        return joinedMicros;
    }

    int position() {
        return queue.callers().indexOf(this) + 1;
    }

    /** Rings a free member if this caller may (autofill: as many callers ring as there are free members). */
    void tryMembers() {
        if (state != State.WAITING) {
            return;
        }
        retryTimer.cancel();
        QueueMember next = pickMember();
        if (next == null) {
            if (!triedThisRound.isEmpty()) {
                triedThisRound.clear();
                retryTimer = pbx.clock().schedule(Duration.ofSeconds(queue.retrySeconds()), this::tryMembers);
            }
            return;
        }
        ring(next);
    }

    private QueueMember pickMember() {
        List<QueueMember> candidates = new ArrayList<>();
        for (QueueMember m : queue.members()) {
            if (m.available() && !engine.isRinging(m) && !triedThisRound.contains(m)) {
                candidates.add(m);
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        // Only as many callers ring as there are free members, in line order.
        int free = candidates.size();
        int ahead = 0;
        for (Object o : queue.callers()) {
            if (o == this) {
                break;
            }
            if (((QueueApp) o).state == State.WAITING) {
                ahead++;
            }
        }
        if (ahead >= free) {
            return null;
        }
        return switch (queue.strategy()) {
            // app_queue builds its outgoing list by prepending and takes the first best metric: on a tie
            // the member that comes last in its iteration order wins (144 in the capture).
            case "leastrecent" -> best(candidates, m -> m.lastCall());
            case "fewestcalls" -> best(candidates, m -> m.callsTaken());
            case "random" -> candidates.get(pbx.random().nextInt(candidates.size()));
            case "rrmemory", "rrordered", "roundrobin" -> candidates.get(queue.nextRoundRobin() % candidates.size());
            default -> candidates.get(0);
        };
    }

    private static QueueMember best(List<QueueMember> candidates, java.util.function.ToLongFunction<QueueMember> metric) {
        QueueMember best = null;
        for (int i = candidates.size() - 1; i >= 0; i--) {
            QueueMember m = candidates.get(i);
            if (best == null || metric.applyAsLong(m) < metric.applyAsLong(best)) {
                best = m;
            }
        }
        return best;
    }

    private void ring(QueueMember m) {
        state = State.RINGING;
        member = m;
        triedThisRound.add(m);
        engine.ringingStarted(m);
        ringStartMicros = pbx.clock().nowMicros();
        String iface = m.interfaceName();
        String dest = iface.regionMatches(true, 0, "Local/", 0, 6) ? iface.substring(6) : iface;
        pair = pbx.requestLocal(dest, caller, new MemberLeg());
        leg = pair.one();
        Channel two = pair.two();
        leg.callerId(caller.callerNum(), caller.callerName());
        leg.application("AppQueue", "(Outgoing Line)");
        pbx.publish(Events.newexten(leg, "AppQueue", "(Outgoing Line)"));
        pbx.publish(Events.newCallerid(leg));
        pbx.setVariable(leg, "DIALEDPEERNUMBER", dest);
        pbx.setVariable(two, "DIALEDPEERNUMBER", dest);
        two.callerId(caller.callerNum(), caller.callerName());
        two.connectedLine(caller.callerNum(), caller.callerName());
        pbx.publish(Events.newCallerid(two));
        pbx.publish(Events.newConnectedLine(two));
        pbx.publish(Events.localBridge(leg, two, pair.context(), pair.exten(), pair.optimize()));
        pbx.publish(agentEvent("AgentCalled", calledSnapshot()));
        pbx.publish(Events.dialBegin(caller, leg, iface));
        leg.driver(new LegDriver());
        ringTimer = pbx.clock().schedule(Duration.ofSeconds(queue.timeoutSeconds()), this::ringNoAnswer);
        pbx.ring(pair);
    }

    /** AgentCalled shows the member channel as app_queue's snapshot has it: the caller's exten and id. */
    private List<Header> calledSnapshot() {
        String savedExten = leg.exten();
        String savedNum = leg.connectedNum();
        String savedName = leg.connectedName();
        leg.exten(caller.exten());
        leg.connectedLine(caller.callerNum(), caller.callerName());
        List<Header> dest = Events.snapshot(leg, "Dest");
        leg.exten(savedExten);
        leg.connectedLine(savedNum, savedName);
        return dest;
    }

    private ManagerEvent.Builder agentEvent(String name, List<Header> dest) {
        return ManagerEvent.builder(name, EventCategory.AGENT)
            .headers(Events.snapshot(caller, ""))
            .headers(dest)
            .header("Queue", queue.name())
            .header("Interface", member.interfaceName())
            .header("MemberName", member.memberName());
    }

    private void ringNoAnswer() {
        if (state != State.RINGING) {
            return;
        }
        ringSeconds = (int) ((pbx.clock().nowMicros() - ringStartMicros) / 1_000_000);
        pbx.publish(agentEvent("AgentRingNoAnswer", Events.snapshot(leg, "Dest")).header("RingTime", ringSeconds * 1000));
        pbx.publish(Events.dialEnd(caller, leg, "NOANSWER"));
        dropLeg();
        state = State.WAITING;
        retryTimer = pbx.clock().schedule(Duration.ofSeconds(queue.retrySeconds()), this::tryMembers);
    }

    /** Hangs up a member channel that is still ringing. */
    private void dropLeg() {
        ringTimer.cancel();
        engine.ringingStopped(member);
        if (leg != null && leg.alive()) {
            leg.hangupCause(HangupCause.NORMAL_CLEARING);
            pbx.destroy(leg, false);
        }
    }

    private void answered(LocalPair p) {
        if (state != State.RINGING) {
            return;
        }
        ringTimer.cancel();
        retryTimer.cancel();
        queueTimeout.cancel();
        engine.ringingStopped(member);
        long now = pbx.clock().nowMicros();
        ringSeconds = (int) ((now - ringStartMicros) / 1_000_000);
        leg.exten(caller.exten());
        leg.connectedLine(caller.callerNum(), caller.callerName());
        pbx.markUp(leg);
        pbx.publish(Events.newexten(leg, "AppQueue", "(Outgoing Line)"));
        pbx.publish(Events.newConnectedLine(leg));
        pbx.deviceState(p.device(), DeviceState.INUSE, true, false);
        pbx.publish(Events.dialEnd(caller, leg, "ANSWER"));
        pbx.deviceStateQuiet(p.device(), DeviceState.INUSE);
        int pos = position();
        leaveQueue();
        holdSeconds = (int) ((now - joinedMicros) / 1_000_000);
        long holdMs = (now - joinedMicros) / 1000;
        pbx.publish(callerLeave(pos));
        pbx.setVariable(caller, "QUEUEPOSITION", String.valueOf(pos));
        pbx.setVariable(caller, "QUEUEWAIT", String.valueOf(holdSeconds));
        pbx.setVariable(caller, "QUEUEWAIT_MS", String.valueOf(holdMs));
        queue.recordHoldTime(holdSeconds);
        pbx.publish(agentEvent("AgentConnect", Events.snapshot(leg, "Dest"))
            .header("HoldTime", holdSeconds)
            .header("RingTime", ringSeconds));
        state = State.BRIDGED;
        connectedMicros = now;
        bridge = pbx.createBridge();
        pbx.enterBridge(bridge, leg);
        pbx.enterBridge(bridge, caller);
        pbx.setVariable(leg, "BRIDGEPEER", caller.name());
        pbx.setVariable(caller, "BRIDGEPEER", leg.name());
        if (caller.hangupRequested()) {
            hangup();
        }
    }

    private ManagerEvent.Builder callerLeave(int pos) {
        return ManagerEvent.builder("QueueCallerLeave", EventCategory.AGENT)
            .headers(Events.snapshot(caller, ""))
            .header("Queue", queue.name())
            .header("Position", pos)
            .header("Count", queue.callers().size());
    }

    private void leaveQueue() {
        queue.callers().remove(this);
        if (queue.callers().isEmpty()) {
            pbx.publish(Events.deviceStateChange("Queue:" + queue.name(), DeviceState.NOT_INUSE.text()));
        }
    }

    /** The agent hung up (or was hung up): scenario 2's teardown. */
    private void agentLeft(String reason) {
        state = State.DONE;
        long now = pbx.clock().nowMicros();
        int talk = (int) ((now - connectedMicros) / 1_000_000);
        pbx.publish(agentEvent("AgentComplete", Events.snapshot(leg, "Dest"))
            .header("HoldTime", holdSeconds)
            .header("TalkTime", talk)
            .header("Reason", reason));
        pbx.setVariable(leg, "BRIDGEPEER", "");
        pbx.setVariable(caller, "BRIDGEPEER", "");
        pbx.leaveBridge(bridge, leg);
        pbx.destroy(leg, false);
        pbx.deviceStateQuiet(pair.device(), DeviceState.NOT_INUSE);
        pbx.leaveBridge(bridge, caller);
        member.completedCall(pbx.clock().nowEpochSeconds());
        queue.recordCompleted(holdSeconds, talk);
        pbx.publish(engine.memberStatus(queue, member));
        pbx.destroyBridge(bridge);
        endVariables();
        String device = pair.device();
        Channel last = caller.localPeer() != null ? caller.localPeer() : caller;
        last.afterHangup(() -> pbx.deviceStateQuiet(device, DeviceState.NOT_INUSE));
        if (caller.hangupCause() == 0) {
            caller.hangupCause(leg.hangupCause());
        }
        call.finish(-1);
    }

    private void endVariables() {
        long now = pbx.clock().nowMicros();
        long upMs = caller.answeredMicros() == 0 ? 0 : (now - caller.answeredMicros()) / 1000;
        long agedMs = (now - caller.createdMicros()) / 1000;
        pbx.setVariable(caller, "ANSWEREDTIME", String.valueOf(upMs / 1000));
        pbx.setVariable(caller, "ANSWEREDTIME_MS", String.valueOf(upMs));
        pbx.setVariable(caller, "DIALEDTIME", String.valueOf(agedMs / 1000));
        pbx.setVariable(caller, "DIALEDTIME_MS", String.valueOf(agedMs));
    }

    /** The caller hung up while waiting: scenario 3's abandon. */
    private void abandoned() {
        if (state == State.RINGING) {
            pbx.publish(Events.dialEnd(caller, leg, "CANCEL"));
            dropLeg();
        }
        state = State.DONE;
        retryTimer.cancel();
        queueTimeout.cancel();
        long now = pbx.clock().nowMicros();
        int hold = (int) ((now - joinedMicros) / 1_000_000);
        long agedMs = (now - caller.createdMicros()) / 1000;
        pbx.setVariable(caller, "QUEUEWAIT", String.valueOf(hold));
        pbx.setVariable(caller, "QUEUEWAIT_MS", String.valueOf((now - joinedMicros) / 1000));
        pbx.setVariable(caller, "DIALEDTIME", String.valueOf(agedMs / 1000));
        pbx.setVariable(caller, "DIALEDTIME_MS", String.valueOf(agedMs));
        pbx.setVariable(caller, "ANSWEREDTIME", "0");
        pbx.setVariable(caller, "ANSWEREDTIME_MS", "0");
        pbx.setVariable(caller, "ABANDONED", "TRUE");
        int pos = position();
        queue.recordAbandoned(hold);
        pbx.publish(ManagerEvent.builder("QueueCallerAbandon", EventCategory.AGENT)
            .headers(Events.snapshot(caller, ""))
            .header("Queue", queue.name())
            .header("Position", pos)
            .header("OriginalPosition", originalPosition)
            .header("HoldTime", hold));
        leaveQueue();
        pbx.publish(callerLeave(pos));
        pbx.setVariable(caller, "QUEUEPOSITION", String.valueOf(pos));
        call.finish(-1);
        engine.kick(queue);
    }

    /** The caller leaves the queue without being connected (redirect or the Queue() timeout). */
    private void leftWaiting(String status, int result) {
        if (state == State.RINGING) {
            pbx.publish(Events.dialEnd(caller, leg, "CANCEL"));
            dropLeg();
        }
        state = State.DONE;
        retryTimer.cancel();
        queueTimeout.cancel();
        int pos = position();
        leaveQueue();
        pbx.publish(callerLeave(pos));
        pbx.setVariable(caller, "QUEUEPOSITION", String.valueOf(pos));
        if (status != null) {
            pbx.setVariable(caller, "QUEUESTATUS", status);
        }
        call.finish(result);
        engine.kick(queue);
    }

    private void timedOut() {
        if (state == State.WAITING || state == State.RINGING) {
            leftWaiting("TIMEOUT", 0);
        }
    }

    /** The caller hangs up or is redirected while connected: drop the agent too. */
    private void callerLeftBridge(int result) {
        state = State.DONE;
        long now = pbx.clock().nowMicros();
        int talk = (int) ((now - connectedMicros) / 1_000_000);
        pbx.publish(agentEvent("AgentComplete", Events.snapshot(leg, "Dest"))
            .header("HoldTime", holdSeconds)
            .header("TalkTime", talk)
            .header("Reason", "caller"));
        pbx.setVariable(leg, "BRIDGEPEER", "");
        pbx.setVariable(caller, "BRIDGEPEER", "");
        pbx.leaveBridge(bridge, caller);
        pbx.leaveBridge(bridge, leg);
        pbx.destroyBridge(bridge);
        leg.hangupCause(caller.hangupCause() != 0 ? caller.hangupCause() : HangupCause.NORMAL_CLEARING);
        pbx.destroy(leg, false);
        pbx.deviceStateQuiet(pair.device(), DeviceState.NOT_INUSE);
        member.completedCall(pbx.clock().nowEpochSeconds());
        queue.recordCompleted(holdSeconds, talk);
        pbx.publish(engine.memberStatus(queue, member));
        endVariables();
        call.finish(result);
    }

    @Override
    public void hangup() {
        switch (state) {
            case WAITING, RINGING -> abandoned();
            case BRIDGED -> callerLeftBridge(-1);
            default -> { }
        }
    }

    @Override
    public void redirect() {
        switch (state) {
            case WAITING, RINGING -> leftWaiting(null, 0);
            case BRIDGED -> callerLeftBridge(0);
            default -> { }
        }
    }

    @Override
    public boolean replaceLeg(Channel old, Channel replacement, LocalPair newPair) {
        if (state != State.BRIDGED || old != leg) {
            return false;
        }
        pbx.setVariable(leg, "BRIDGEPEER", "");
        pbx.leaveBridge(bridge, leg);
        pbx.deviceStateQuiet(pair.device(), DeviceState.NOT_INUSE);
        old.driver(null);
        leg = replacement;
        pair = newPair;
        leg.driver(new LegDriver());
        pbx.enterBridge(bridge, leg);
        pbx.setVariable(leg, "BRIDGEPEER", caller.name());
        pbx.setVariable(caller, "BRIDGEPEER", leg.name());
        old.hangupCause(HangupCause.NORMAL_CLEARING);
        pbx.destroy(old, false);
        return true;
    }

    /** Owner of the member's Local pair. */
    private final class MemberLeg implements PairOwner {
        @Override
        public void onAnswered(LocalPair p) {
            answered(p);
        }
    }

    /** Drives the member channel (Local;1). */
    private final class LegDriver implements ChannelDriver, BridgedLeg {
        @Override
        public BridgeOwner owner() {
            return QueueApp.this;
        }

        @Override
        public void hangupRequested(Channel ch) {
            switch (state) {
                case RINGING -> {
                    // The member rejected the call: like a ring timeout, try again after the retry time.
                    ringTimer.cancel();
                    engine.ringingStopped(member);
                    pbx.destroy(ch, false);
                    pbx.publish(Events.dialEnd(caller, ch, "BUSY"));
                    state = State.WAITING;
                    retryTimer = pbx.clock().schedule(Duration.ofSeconds(queue.retrySeconds()), QueueApp.this::tryMembers);
                }
                case BRIDGED -> agentLeft("agent");
                default -> pbx.destroy(ch, false);
            }
        }

        @Override
        public void redirect(Channel ch, DialplanLocation target) {
            if (state == State.BRIDGED) {
                state = State.DONE;
                pbx.setVariable(leg, "BRIDGEPEER", "");
                pbx.setVariable(caller, "BRIDGEPEER", "");
                pbx.leaveBridge(bridge, leg);
                pbx.leaveBridge(bridge, caller);
                pbx.destroyBridge(bridge);
                endVariables();
                pbx.masqueradeIntoPbx(leg, target);
                call.finish(-1);
            } else {
                pbx.masqueradeIntoPbx(ch, target);
            }
        }
    }
}
