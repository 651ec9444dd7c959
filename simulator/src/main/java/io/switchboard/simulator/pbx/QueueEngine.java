package io.switchboard.simulator.pbx;

import io.switchboard.simulator.event.EventCategory;
import io.switchboard.simulator.event.ManagerEvent;
import io.switchboard.simulator.queue.CallQueue;
import io.switchboard.simulator.queue.DeviceState;
import io.switchboard.simulator.queue.QueueMember;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The app_queue side of the simulator: member status events, ringing members for waiting callers, and the
 * Queue() application itself ({@link QueueApp}).
 */
final class QueueEngine {

    private final Pbx pbx;
    /** Members currently being rung by some caller (ringinuse = no: never ring them twice). */
    private final Set<QueueMember> ringing = new HashSet<>();

    QueueEngine(Pbx pbx) {
        this.pbx = pbx;
    }

    AppExecution startQueueApp(AppCall call) {
        String name = call.arg(0);
        CallQueue queue = pbx.queues().get(name);
        if (queue == null) {
            Pbx.warn("Queue: no such queue '{}'", name);
            pbx.setVariable(call.channel, "QUEUESTATUS", "UNKNOWN");
            call.finish(0);
            return AppExecution.FINISHED;
        }
        return new QueueApp(pbx, this, queue, call).start();
    }

    boolean isRinging(QueueMember m) {
        return ringing.contains(m);
    }

    void ringingStarted(QueueMember m) {
        ringing.add(m);
    }

    void ringingStopped(QueueMember m) {
        ringing.remove(m);
    }

    /** Offers free members to the callers waiting in every queue, first in line first. */
    void kickAll() {
        for (CallQueue q : pbx.queues().values()) {
            kick(q);
        }
    }

    void kick(CallQueue q) {
        for (Object o : new ArrayList<>(q.callers())) {
            ((QueueApp) o).tryMembers();
        }
    }

    /** A member's device changed: update every queue it is in, publishing what app_queue publishes. */
    void memberDeviceChanged(String device, DeviceState state, boolean publish, boolean announceAvail) {
        List<CallQueue> touched = new ArrayList<>();
        for (CallQueue q : pbx.queues().values()) {
            for (QueueMember m : q.members()) {
                if (m.device().equals(device) && m.status() != state.code()) {
                    m.status(state.code());
                    if (publish) {
                        pbx.publish(memberStatus(q, m));
                    }
                    touched.add(q);
                }
            }
        }
        if (announceAvail) {
            for (CallQueue q : touched) {
                boolean anyFree = q.members().stream().anyMatch(QueueMember::available);
                pbx.publish(Events.deviceStateChange("Queue:" + q.name() + "_avail",
                    anyFree ? DeviceState.NOT_INUSE.text() : DeviceState.INUSE.text()));
            }
        }
        if (state == DeviceState.NOT_INUSE && !touched.isEmpty()) {
            // A member became free: waiting callers get their chance once this event chain is done.
            pbx.clock().schedule(java.time.Duration.ZERO, this::kickAll);
        }
    }

    ManagerEvent.Builder memberStatus(CallQueue q, QueueMember m) {
        return ManagerEvent.builder("QueueMemberStatus", EventCategory.AGENT)
            .header("Queue", q.name())
            .header("MemberName", m.memberName())
            .header("Interface", m.interfaceName())
            .header("StateInterface", m.stateInterface())
            .header("Membership", "static")
            .header("Penalty", m.penalty())
            .header("CallsTaken", m.callsTaken())
            .header("LastCall", m.lastCall())
            .header("LastPause", m.lastPause())
            .header("LoginTime", m.loginTime())
            .header("InCall", m.inCall() ? 1 : 0)
            .header("Status", m.status())
            .header("Paused", m.paused() ? 1 : 0)
            .header("PausedReason", m.pausedReason())
            .header("Ringinuse", 0)
            .header("Wrapuptime", q.wrapupTime());
    }
}
