package io.switchboard.simulator.pbx;

/** An immutable copy of a channel's state, safe to hand to other threads (tests, Main's status output). */
public record ChannelSnapshot(
    String name,
    String uniqueid,
    String linkedid,
    ChannelState state,
    String callerIdNum,
    String callerIdName,
    String connectedLineNum,
    String connectedLineName,
    String context,
    String exten,
    int priority,
    String application,
    String applicationData,
    String bridgeId,
    long createdMicros) {

    static ChannelSnapshot of(Channel c) {
        return new ChannelSnapshot(c.name(), c.uniqueid(), c.linkedid(), c.state(), c.callerNum(), c.callerName(),
            c.connectedNum(), c.connectedName(), c.context(), c.exten(), c.priority(), c.application(), c.appData(),
            c.bridge() == null ? "" : c.bridge().uniqueid(), c.createdMicros());
    }
}
