package io.switchboard.simulator.pbx;

import io.switchboard.simulator.event.EventCategory;
import io.switchboard.simulator.event.Header;
import io.switchboard.simulator.event.ManagerEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * Builders for the manager events the engine publishes, with Asterisk 22's names, header names and header
 * order (checked against the capture in ami-events.txt).
 */
final class Events {

    static final String UNKNOWN = "<unknown>";
    static final String CID_PRES_ALLOWED = "0 (Presentation Allowed, Not Screened)";

    private Events() {
    }

    /** ast_manager_build_channel_state_string_prefix(): the channel snapshot every channel event carries. */
    static List<Header> snapshot(Channel c, String prefix) {
        List<Header> h = new ArrayList<>(14);
        h.add(new Header(prefix + "Channel", c.name()));
        h.add(new Header(prefix + "ChannelState", String.valueOf(c.state().code())));
        h.add(new Header(prefix + "ChannelStateDesc", c.state().description()));
        h.add(new Header(prefix + "CallerIDNum", orUnknown(c.callerNum())));
        h.add(new Header(prefix + "CallerIDName", orUnknown(c.callerName())));
        h.add(new Header(prefix + "ConnectedLineNum", orUnknown(c.connectedNum())));
        h.add(new Header(prefix + "ConnectedLineName", orUnknown(c.connectedName())));
        h.add(new Header(prefix + "Language", c.language()));
        h.add(new Header(prefix + "AccountCode", c.accountCode()));
        h.add(new Header(prefix + "Context", c.context()));
        h.add(new Header(prefix + "Exten", c.exten()));
        h.add(new Header(prefix + "Priority", String.valueOf(c.priority())));
        h.add(new Header(prefix + "Uniqueid", c.uniqueid()));
        h.add(new Header(prefix + "Linkedid", c.linkedid()));
        return h;
    }

    static String orUnknown(String value) {
        return value == null || value.isEmpty() ? UNKNOWN : value;
    }

    private static ManagerEvent.Builder channelEvent(String name, EventCategory category, Channel c) {
        return ManagerEvent.builder(name, category).headers(snapshot(c, ""));
    }

    static ManagerEvent.Builder newchannel(Channel c) {
        return channelEvent("Newchannel", EventCategory.CALL, c);
    }

    static ManagerEvent.Builder newstate(Channel c) {
        return channelEvent("Newstate", EventCategory.CALL, c);
    }

    static ManagerEvent.Builder newexten(Channel c, String app, String data) {
        return channelEvent("Newexten", EventCategory.DIALPLAN, c)
            .header("Extension", c.exten())
            .header("Application", app)
            .header("AppData", data);
    }

    static ManagerEvent.Builder newCallerid(Channel c) {
        return channelEvent("NewCallerid", EventCategory.CALL, c).header("CID-CallingPres", CID_PRES_ALLOWED);
    }

    static ManagerEvent.Builder newConnectedLine(Channel c) {
        return channelEvent("NewConnectedLine", EventCategory.CALL, c);
    }

    static ManagerEvent.Builder varSet(Channel c, String variable, String value) {
        return channelEvent("VarSet", EventCategory.DIALPLAN, c).header("Variable", variable).header("Value", value);
    }

    static ManagerEvent.Builder softHangupRequest(Channel c, int cause) {
        return channelEvent("SoftHangupRequest", EventCategory.CALL, c).header("Cause", cause);
    }

    static ManagerEvent.Builder hangupRequest(Channel c, int cause) {
        return channelEvent("HangupRequest", EventCategory.CALL, c).header("Cause", cause);
    }

    static ManagerEvent.Builder hangup(Channel c, int cause) {
        return channelEvent("Hangup", EventCategory.CALL, c)
            .header("Cause", cause)
            .header("Cause-txt", HangupCause.text(cause));
    }

    static ManagerEvent.Builder localBridge(Channel one, Channel two, String context, String exten, boolean optimize) {
        return ManagerEvent.builder("LocalBridge", EventCategory.CALL)
            .headers(snapshot(one, "LocalOne"))
            .headers(snapshot(two, "LocalTwo"))
            .header("Context", context)
            .header("Exten", exten)
            .header("LocalOptimization", optimize ? "Yes" : "No");
    }

    /** MixMonitorStart, MixMonitorMute (the caller adds Direction and State), MixMonitorStop: the channel's snapshot. */
    static ManagerEvent.Builder mixMonitor(String name, Channel c) {
        return channelEvent(name, EventCategory.CALL, c);
    }

    /**
     * ChanSpyStart / ChanSpyStop (manager_channels.c): the spyer's snapshot prefixed {@code Spyer}, then the spied-on
     * channel's prefixed {@code Spyee}; a stop after the spied-on channel hung up has no Spyee fields (its snapshot
     * is gone from the cache).
     */
    static ManagerEvent.Builder chanSpy(boolean start, Channel spyer, Channel spyee) {
        ManagerEvent.Builder b = ManagerEvent.builder(start ? "ChanSpyStart" : "ChanSpyStop", EventCategory.CALL)
            .headers(snapshot(spyer, "Spyer"));
        return spyee == null || spyee.destroyed() ? b : b.headers(snapshot(spyee, "Spyee"));
    }

    /** DialBegin; {@code caller} is null when the dial API was used without a calling channel (Originate). */
    static ManagerEvent.Builder dialBegin(Channel caller, Channel dest, String dialString) {
        ManagerEvent.Builder b = ManagerEvent.builder("DialBegin", EventCategory.CALL);
        if (caller != null) {
            b.headers(snapshot(caller, ""));
        }
        return b.headers(snapshot(dest, "Dest")).header("DialString", dialString);
    }

    /**
     * app_userevent: the channel's snapshot, {@code UserEvent: <name>}, then each {@code Key: Value} argument
     * (an argument without a colon is dropped, the value is trimmed).
     */
    static ManagerEvent.Builder userEvent(Channel c, String name, List<String> body) {
        ManagerEvent.Builder b = channelEvent("UserEvent", EventCategory.USER, c).header("UserEvent", name);
        for (String pair : body) {
            int colon = pair.indexOf(':');
            if (colon > 0) {
                b.header(pair.substring(0, colon), pair.substring(colon + 1).strip());
            }
        }
        return b;
    }

    static ManagerEvent.Builder dialEnd(Channel caller, Channel dest, String status) {
        ManagerEvent.Builder b = ManagerEvent.builder("DialEnd", EventCategory.CALL);
        if (caller != null) {
            b.headers(snapshot(caller, ""));
        }
        return b.headers(snapshot(dest, "Dest")).header("DialStatus", status);
    }

    static ManagerEvent.Builder deviceStateChange(String device, String state) {
        return ManagerEvent.builder("DeviceStateChange", EventCategory.CALL).header("Device", device).header("State", state);
    }

    private static ManagerEvent.Builder bridgeHeaders(String name, Bridge b) {
        return ManagerEvent.builder(name, EventCategory.CALL)
            .header("BridgeUniqueid", b.uniqueid())
            .header("BridgeType", "basic")
            .header("BridgeTechnology", "simple_bridge")
            .header("BridgeCreator", UNKNOWN)
            .header("BridgeName", UNKNOWN)
            .header("BridgeNumChannels", b.size())
            .header("BridgeVideoSourceMode", "none");
    }

    static ManagerEvent.Builder bridgeCreate(Bridge b) {
        return bridgeHeaders("BridgeCreate", b);
    }

    static ManagerEvent.Builder bridgeDestroy(Bridge b) {
        return bridgeHeaders("BridgeDestroy", b);
    }

    static ManagerEvent.Builder bridgeEnter(Bridge b, Channel c) {
        return bridgeHeaders("BridgeEnter", b).headers(snapshot(c, ""));
    }

    static ManagerEvent.Builder bridgeLeave(Bridge b, Channel c) {
        return bridgeHeaders("BridgeLeave", b).headers(snapshot(c, ""));
    }

    static ManagerEvent.Builder agiExecStart(Channel c, int commandId, String command) {
        return channelEvent("AGIExecStart", EventCategory.AGI, c).header("CommandId", commandId).header("Command", command);
    }

    static ManagerEvent.Builder agiExecEnd(Channel c, int commandId, String command, int resultCode, String result) {
        return channelEvent("AGIExecEnd", EventCategory.AGI, c)
            .header("CommandId", commandId)
            .header("Command", command)
            .header("ResultCode", resultCode)
            .header("Result", result);
    }
}
