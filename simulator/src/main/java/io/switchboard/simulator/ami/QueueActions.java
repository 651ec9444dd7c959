package io.switchboard.simulator.ami;

import io.switchboard.simulator.pbx.Channel;
import io.switchboard.simulator.pbx.Pbx;
import io.switchboard.simulator.pbx.QueuedCaller;
import io.switchboard.simulator.queue.CallQueue;
import io.switchboard.simulator.queue.DeviceState;
import io.switchboard.simulator.queue.QueueMember;

import java.util.List;
import java.util.Locale;

/** QueueStatus, QueueSummary and QueuePause, shaped as app_queue answers them (see the capture). */
final class QueueActions {

    private QueueActions() {
    }

    static void queueStatus(ActionContext ctx) {
        Pbx pbx = ctx.pbx();
        String queueFilter = ctx.header("Queue");
        String memberFilter = ctx.header("Member");
        ctx.frame(Frames.listStart(ctx.message, "Queue status will follow"));
        int items = 0;
        for (CallQueue q : pbx.queues().values()) {
            if (!queueFilter.isEmpty() && !q.name().equals(queueFilter)) {
                continue;
            }
            if (memberFilter.isEmpty()) {
                List<QueuedCaller> callers = pbx.queuedCallers(q);
                ctx.frame(new Frames.FrameBuilder()
                    .add("Event", "QueueParams")
                    .add("Queue", q.name())
                    .add("Max", q.maxLen())
                    .add("Strategy", q.strategy())
                    .add("Calls", callers.size())
                    .add("Holdtime", q.holdTime())
                    .add("TalkTime", q.talkTime())
                    .add("Completed", q.completed())
                    .add("Abandoned", q.abandoned())
                    .add("ServiceLevel", q.serviceLevel())
                    .add("ServicelevelPerf", String.format(Locale.ROOT, "%2.1f", q.serviceLevelPerf()))
                    .add("ServicelevelPerf2", String.format(Locale.ROOT, "%2.1f", q.serviceLevelPerf2()))
                    .add("Weight", q.weight())
                    .actionId(ctx.message)
                    .build());
                items++;
            }
            for (QueueMember m : q.members()) {
                if (!memberFilter.isEmpty() && !memberFilter.equals(m.interfaceName()) && !memberFilter.equals(m.memberName())) {
                    continue;
                }
                ctx.frame(new Frames.FrameBuilder()
                    .add("Event", "QueueMember")
                    .add("Queue", q.name())
                    .add("Name", m.memberName())
                    .add("Location", m.interfaceName())
                    .add("StateInterface", m.stateInterface())
                    .add("Membership", "static")
                    .add("Penalty", m.penalty())
                    .add("CallsTaken", m.callsTaken())
                    .add("LastCall", m.lastCall())
                    .add("LastPause", m.lastPause())
                    .add("LoginTime", m.loginTime())
                    .add("InCall", m.inCall() ? 1 : 0)
                    .add("Status", m.status())
                    .add("Paused", m.paused() ? 1 : 0)
                    .add("PausedReason", m.pausedReason())
                    .add("Wrapuptime", q.wrapupTime())
                    .actionId(ctx.message)
                    .build());
                items++;
            }
            if (memberFilter.isEmpty()) {
                for (QueuedCaller c : pbx.queuedCallers(q)) {
                    Channel ch = c.channel();
                    ctx.frame(new Frames.FrameBuilder()
                        .add("Event", "QueueEntry")
                        .add("Queue", q.name())
                        .add("Position", c.position())
                        .add("Channel", ch.name())
                        .add("Uniqueid", ch.uniqueid())
                        .add("CallerIDNum", unknown(ch.callerNum()))
                        .add("CallerIDName", unknown(ch.callerName()))
                        .add("ConnectedLineNum", unknown(ch.connectedNum()))
                        .add("ConnectedLineName", unknown(ch.connectedName()))
                        .add("Wait", c.waitSeconds())
                        .add("Priority", 0)
                        .actionId(ctx.message)
                        .build());
                    items++;
                }
            }
        }
        ctx.frame(Frames.event("QueueStatusComplete", ctx.message)
            .add("EventList", "Complete")
            .add("ListItems", items)
            .build()).done();
    }

    static void queueSummary(ActionContext ctx) {
        Pbx pbx = ctx.pbx();
        String queueFilter = ctx.header("Queue");
        ctx.frame(Frames.listStart(ctx.message, "Queue summary will follow"));
        int items = 0;
        for (CallQueue q : pbx.queues().values()) {
            if (!queueFilter.isEmpty() && !q.name().equals(queueFilter)) {
                continue;
            }
            int loggedIn = 0;
            int available = 0;
            for (QueueMember m : q.members()) {
                int st = m.status();
                if (st != DeviceState.INVALID.code() && st != DeviceState.UNAVAILABLE.code()) {
                    loggedIn++;
                    if (!m.paused() && (st == DeviceState.NOT_INUSE.code() || st == DeviceState.UNKNOWN.code())) {
                        available++;
                    }
                }
            }
            List<QueuedCaller> callers = pbx.queuedCallers(q);
            long longest = callers.stream().mapToLong(QueuedCaller::waitSeconds).max().orElse(0);
            ctx.frame(new Frames.FrameBuilder()
                .add("Event", "QueueSummary")
                .add("Queue", q.name())
                .add("LoggedIn", loggedIn)
                .add("Available", available)
                .add("Callers", callers.size())
                .add("HoldTime", q.holdTime())
                .add("TalkTime", q.talkTime())
                .add("LongestHoldTime", longest)
                .actionId(ctx.message)
                .build());
            items++;
        }
        ctx.frame(Frames.event("QueueSummaryComplete", ctx.message)
            .add("EventList", "Complete")
            .add("ListItems", items)
            .build()).done();
    }

    static void queuePause(ActionContext ctx) {
        String iface = ctx.header("Interface");
        String paused = ctx.header("Paused");
        if (iface.isEmpty() || paused.isEmpty()) {
            ctx.error("Need 'Interface' and 'Paused' parameters.");
            return;
        }
        boolean pause = ChannelActions.isTrue(paused);
        if (!ctx.pbx().pauseMember(ctx.header("Queue"), iface, pause, ctx.header("Reason"))) {
            ctx.error("Interface not found");
            return;
        }
        ctx.success(pause ? "Interface paused successfully" : "Interface unpaused successfully");
    }

    private static String unknown(String s) {
        return s == null || s.isEmpty() ? "<unknown>" : s;
    }
}
