package io.switchboard.simulator.ami;

import io.switchboard.simulator.event.Header;
import io.switchboard.simulator.pbx.Channel;
import io.switchboard.simulator.pbx.DialplanLocation;
import io.switchboard.simulator.pbx.OriginateRequest;
import io.switchboard.simulator.pbx.Pbx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Actions on channels: Originate, Redirect, Hangup, Getvar, Setvar, Status, CoreShowChannels, Atxfer, Bridge. */
final class ChannelActions {

    private ChannelActions() {
    }

    // ------------------------------------------------------------------ Originate

    static void originate(ActionContext ctx) {
        String name = ctx.header("Channel");
        String exten = ctx.message.get("Exten");
        String context = ctx.message.get("Context");
        String priorityText = ctx.header("Priority");
        String timeoutText = ctx.header("Timeout");
        String app = ctx.message.get("Application");
        Pbx pbx = ctx.pbx();
        if (name.isEmpty()) {
            ctx.error("Channel not specified");
            return;
        }
        int priority = 0;
        if (!priorityText.isEmpty()) {
            Integer p = leadingInt(priorityText);
            priority = p != null ? p
                : pbx.dialplan().findLabel(context == null ? "" : context, exten == null ? "" : exten, priorityText);
            if (priority < 1) {
                ctx.error("Invalid priority");
                return;
            }
        }
        Duration timeout = Duration.ofMillis(30000);
        if (!timeoutText.isEmpty()) {
            Integer t = leadingInt(timeoutText);
            if (t == null) {
                ctx.error("Invalid timeout");
                return;
            }
            timeout = Duration.ofMillis(Math.max(0, t));
        }
        if (name.indexOf('/') < 0) {
            ctx.error("Invalid channel");
            return;
        }
        boolean useApp = app != null && !app.isEmpty();
        if (!useApp && exten != null && context != null && !exten.isEmpty() && !context.isEmpty()) {
            if (priority == 0) {
                priority = 1;
            }
            if (!pbx.dialplan().exists(context, exten, priority)) {
                ctx.error("Extension does not exist.");
                return;
            }
        }
        String channelId = ctx.message.get("ChannelId");
        String otherChannelId = ctx.message.get("OtherChannelId");
        if (tooLong(channelId) || tooLong(otherChannelId)) {
            ctx.error("Uniqueid length exceeds maximum of " + MAX_PUBLIC_UNIQUEID);
            return;
        }
        boolean async = isTrue(ctx.header("Async"));
        if (!useApp && (exten == null || context == null || exten.isEmpty() || context.isEmpty()) && !async) {
            ctx.error("Originate with 'Exten' requires 'Context' and 'Priority'");
            return;
        }
        String[] cid = parseCallerId(ctx.header("CallerID"));
        String actionId = ctx.message.actionId();
        OriginateRequest request = new OriginateRequest(name, useApp ? app : null, ctx.header("Data"),
            context, exten, priority, cid[1], cid[0], timeout, variables(ctx.message),
            ctx.message.get("Account"), actionId, async, blankToNull(channelId), blankToNull(otherChannelId));
        if (async) {
            ctx.success("Originate successfully queued");
            pbx.originate(request, answered -> { });
        } else {
            // A synchronous Originate answers once the call was answered (or failed), like ast_pbx_outgoing_*.
            pbx.originate(request, answered -> {
                if (answered) {
                    ctx.success("Originate successfully queued");
                } else {
                    ctx.error("Originate failed");
                }
            });
        }
    }

    /** AST_MAX_PUBLIC_UNIQUEID: action_originate refuses a ChannelId or OtherChannelId longer than this. */
    private static final int MAX_PUBLIC_UNIQUEID = 149;

    private static boolean tooLong(String id) {
        return id != null && id.length() > MAX_PUBLIC_UNIQUEID;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static boolean isTrue(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        return v.equals("yes") || v.equals("true") || v.equals("y") || v.equals("t") || v.equals("1") || v.equals("on");
    }

    /** ast_callerid_parse: {@code "Name" <number>}, {@code Name <number>} or just a number; returns {name, number}. */
    static String[] parseCallerId(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return new String[] {null, null};
        }
        int lt = t.lastIndexOf('<');
        int gt = t.lastIndexOf('>');
        String name;
        String number;
        if (lt >= 0 && gt > lt) {
            number = t.substring(lt + 1, gt).trim();
            name = t.substring(0, lt).trim();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1);
            }
        } else if (t.matches("[0-9+*#()\\- .]+")) {
            number = t;
            name = null;
        } else {
            name = t.startsWith("\"") && t.endsWith("\"") && t.length() >= 2 ? t.substring(1, t.length() - 1) : t;
            number = null;
        }
        if (number != null) {
            number = number.replaceAll("[()\\- .]", "");
        }
        return new String[] {name == null || name.isEmpty() ? null : name, number == null || number.isEmpty() ? null : number};
    }

    /** Variable headers, each {@code name=value} (several may be comma separated). */
    static Map<String, String> variables(AmiMessage m) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String v : m.getAll("Variable")) {
            for (String part : v.split(",")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    vars.put(part.substring(0, eq).trim(), part.substring(eq + 1));
                }
            }
        }
        return vars;
    }

    private static Integer leadingInt(String s) {
        String t = s.trim();
        int i = 0;
        if (i < t.length() && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
            i++;
        }
        int start = i;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == start) {
            return null;
        }
        try {
            return Integer.parseInt(t.substring(0, i));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ Redirect

    static void redirect(ActionContext ctx) {
        Pbx pbx = ctx.pbx();
        String name = ctx.header("Channel");
        String name2 = ctx.header("ExtraChannel");
        String exten = ctx.header("Exten");
        String exten2 = ctx.header("ExtraExten");
        String context = ctx.header("Context");
        String context2 = ctx.header("ExtraContext");
        String priority = ctx.header("Priority");
        String priority2 = ctx.header("ExtraPriority");
        if (name.isEmpty()) {
            ctx.error("Channel not specified");
            return;
        }
        if (context.isEmpty()) {
            ctx.error("Context not specified");
            return;
        }
        if (exten.isEmpty()) {
            ctx.error("Exten not specified");
            return;
        }
        if (priority.isEmpty()) {
            ctx.error("Priority not specified");
            return;
        }
        Integer pi = leadingInt(priority);
        int p1 = pi != null ? pi : pbx.dialplan().findLabel(context, exten, priority);
        if (p1 < 1) {
            ctx.error("Priority is invalid");
            return;
        }
        int p2 = 0;
        if (!name2.isEmpty() && !context2.isEmpty()) {
            if (exten2.isEmpty()) {
                ctx.error("ExtraExten not specified");
                return;
            }
            if (priority2.isEmpty()) {
                ctx.error("ExtraPriority not specified");
                return;
            }
            Integer pi2 = leadingInt(priority2);
            p2 = pi2 != null ? pi2 : pbx.dialplan().findLabel(context2, exten2, priority2);
            if (p2 < 1) {
                ctx.error("ExtraPriority is invalid");
                return;
            }
        }
        Channel chan = pbx.find(name);
        if (chan == null) {
            ctx.error("Channel does not exist: " + name);
            return;
        }
        if (chan.hangupRequested()) {
            ctx.error("Redirect failed, channel not up.");
            return;
        }
        if (name2.isEmpty()) {
            ctx.success("Redirect successful");
            pbx.redirect(chan, new DialplanLocation(context, exten, p1));
            return;
        }
        Channel chan2 = pbx.find(name2);
        if (chan2 == null) {
            ctx.error("ExtraChannel does not exist: " + name2);
            return;
        }
        if (chan2.hangupRequested()) {
            ctx.error("Redirect failed, extra channel not up.");
            return;
        }
        ctx.success("Dual Redirect successful");
        pbx.redirectBoth(chan, new DialplanLocation(context, exten, p1), chan2,
            context2.isEmpty() ? new DialplanLocation(context, exten, p1) : new DialplanLocation(context2, exten2, p2));
    }

    // ------------------------------------------------------------------ Hangup

    static void hangup(ActionContext ctx) {
        Pbx pbx = ctx.pbx();
        String target = ctx.header("Channel");
        String causeText = ctx.header("Cause");
        if (target.isEmpty()) {
            ctx.error("No channel specified");
            return;
        }
        int cause = 0;
        if (!causeText.isEmpty()) {
            Integer c = leadingInt(causeText);
            // Asterisk keeps going without a cause rather than not hanging up at all.
            cause = c == null || c < 0 || c > 127 || !causeText.trim().equals(String.valueOf(c)) ? 0 : c;
        }
        if (!target.startsWith("/")) {
            Channel chan = pbx.find(target);
            if (chan == null) {
                ctx.error("No such channel");
                return;
            }
            ctx.success("Channel Hungup");
            pbx.requestHangup(chan, cause);
            return;
        }
        if (target.length() < 2 || !target.endsWith("/")) {
            ctx.error("Regex format invalid, Channel param should be /regex/");
            return;
        }
        Pattern regex;
        try {
            regex = Pattern.compile(target.substring(1, target.length() - 1));
        } catch (PatternSyntaxException e) {
            ctx.error("Regex compile failed on: " + target);
            return;
        }
        ctx.frame(Frames.listStart(ctx.message, "Channels hung up will follow"));
        List<Channel> matched = new ArrayList<>();
        for (Channel c : pbx.channelsNewestFirst()) {
            if (regex.matcher(c.name()).find()) {
                matched.add(c);
                ctx.frame(new Frames.FrameBuilder().add("Event", "ChannelHungup").add("Channel", c.name())
                    .actionId(ctx.message).build());
            }
        }
        ctx.frame(new Frames.FrameBuilder().add("Event", "ChannelsHungupListComplete").add("EventList", "Complete")
            .add("ListItems", matched.size()).actionId(ctx.message).build()).done();
        for (Channel c : matched) {
            pbx.requestHangup(c, cause);
        }
    }

    // ------------------------------------------------------------------ variables

    static void getvar(ActionContext ctx) {
        Pbx pbx = ctx.pbx();
        String name = ctx.header("Channel");
        String variable = ctx.header("Variable");
        if (variable.isEmpty()) {
            ctx.error("No variable specified");
            return;
        }
        Channel chan = null;
        if (!name.isEmpty()) {
            chan = pbx.find(name);
            if (chan == null) {
                ctx.error("No such channel");
                return;
            }
        }
        String value = pbx.getVariable(chan, variable);
        ctx.frame(new Frames.FrameBuilder().addAll(Frames.startAck(ctx.message))
            .add("Variable", variable).add("Value", value == null ? "" : value).build()).done();
    }

    static void setvar(ActionContext ctx) {
        Pbx pbx = ctx.pbx();
        String name = ctx.header("Channel");
        String variable = ctx.header("Variable");
        if (variable.isEmpty()) {
            ctx.error("No variable specified");
            return;
        }
        Channel chan = null;
        if (!name.isEmpty()) {
            chan = pbx.find(name);
            if (chan == null) {
                ctx.error("No such channel");
                return;
            }
        }
        ctx.success("Variable Set");
        pbx.setVariable(chan, variable, ctx.header("Value"));
    }

    // ------------------------------------------------------------------ listings

    /** Status: one Status event per channel, shaped as Asterisk 22 prints it (see the capture). */
    static void status(ActionContext ctx) {
        Pbx pbx = ctx.pbx();
        String name = ctx.header("Channel");
        List<Channel> channels;
        if (name.isEmpty()) {
            channels = pbx.channelsNewestFirst();
        } else {
            Channel c = pbx.find(name);
            if (c == null) {
                ctx.error("No such channel");
                return;
            }
            channels = List.of(c);
        }
        List<String> wanted = new ArrayList<>();
        for (String v : ctx.header("Variables").split(",")) {
            if (!v.isBlank()) {
                wanted.add(v.trim());
            }
        }
        ctx.frame(Frames.listStart(ctx.message, "Channel status will follow"));
        long now = pbx.clock().nowMicros();
        for (Channel c : channels) {
            Frames.FrameBuilder b = new Frames.FrameBuilder()
                .add("Event", "Status")
                .add("Privilege", "Call")
                .addAll(snapshot(c))
                .add("Type", c.type())
                .add("DNID", "")
                .add("EffectiveConnectedLineNum", orUnknown(c.connectedNum()))
                .add("EffectiveConnectedLineName", orUnknown(c.connectedName()))
                .add("TimeToHangup", 0)
                .add("BridgeID", c.bridge() == null ? "" : c.bridge().uniqueid())
                .add("Application", c.application())
                .add("Data", c.appData())
                .add("Nativeformats", "(slin)")
                .add("Readformat", "slin")
                .add("Readtrans", "")
                .add("Writeformat", "slin")
                .add("Writetrans", "")
                .add("Callgroup", 0)
                .add("Pickupgroup", 0)
                .add("Seconds", (now - c.createdMicros()) / 1_000_000);
            for (String v : wanted) {
                String value = pbx.getVariable(c, v);
                b.add("Variable", v + "=" + (value == null ? "" : value));
            }
            ctx.frame(b.actionId(ctx.message).build());
        }
        ctx.frame(Frames.event("StatusComplete", ctx.message)
            .add("EventList", "Complete")
            .add("ListItems", channels.size())
            .add("Items", channels.size())
            .build()).done();
    }

    static void coreShowChannels(ActionContext ctx) {
        Pbx pbx = ctx.pbx();
        List<Channel> channels = pbx.channelsNewestFirst();
        ctx.frame(Frames.listStart(ctx.message, "Channels will follow"));
        long now = pbx.clock().nowMicros();
        for (Channel c : channels) {
            long secs = (now - c.createdMicros()) / 1_000_000;
            ctx.frame(Frames.event("CoreShowChannel", ctx.message)
                .addAll(snapshot(c))
                .add("Application", c.application())
                .add("ApplicationData", c.appData())
                .add("Duration", String.format("%02d:%02d:%02d", secs / 3600, (secs % 3600) / 60, secs % 60))
                .add("BridgeId", c.bridge() == null ? "" : c.bridge().uniqueid())
                .build());
        }
        ctx.frame(Frames.event("CoreShowChannelsComplete", ctx.message)
            .add("EventList", "Complete")
            .add("ListItems", channels.size())
            .build()).done();
    }

    private static List<Header> snapshot(Channel c) {
        List<Header> h = new ArrayList<>();
        h.add(new Header("Channel", c.name()));
        h.add(new Header("ChannelState", String.valueOf(c.state().code())));
        h.add(new Header("ChannelStateDesc", c.state().description()));
        h.add(new Header("CallerIDNum", orUnknown(c.callerNum())));
        h.add(new Header("CallerIDName", orUnknown(c.callerName())));
        h.add(new Header("ConnectedLineNum", orUnknown(c.connectedNum())));
        h.add(new Header("ConnectedLineName", orUnknown(c.connectedName())));
        h.add(new Header("Language", c.language()));
        h.add(new Header("AccountCode", c.accountCode()));
        h.add(new Header("Context", c.context()));
        h.add(new Header("Exten", c.exten()));
        h.add(new Header("Priority", String.valueOf(c.priority())));
        h.add(new Header("Uniqueid", c.uniqueid()));
        h.add(new Header("Linkedid", c.linkedid()));
        return h;
    }

    private static String orUnknown(String s) {
        return s == null || s.isEmpty() ? "<unknown>" : s;
    }

    // ------------------------------------------------------------------ transfers and bridges

    static void atxfer(ActionContext ctx) {
        Pbx pbx = ctx.pbx();
        String name = ctx.header("Channel");
        String exten = ctx.header("Exten");
        if (name.isEmpty()) {
            ctx.error("No channel specified");
            return;
        }
        if (exten.isEmpty()) {
            ctx.error("No extension specified");
            return;
        }
        Channel chan = pbx.find(name);
        if (chan == null) {
            ctx.error("Channel specified does not exist");
            return;
        }
        ctx.success("Atxfer successfully queued");
        pbx.attendedTransfer(chan, exten, ctx.header("Context"));
    }

    /** CancelAtxfer (Asterisk 17+): abandons the attended transfer the channel is consulting in. */
    static void cancelAtxfer(ActionContext ctx) {
        Pbx pbx = ctx.pbx();
        String name = ctx.header("Channel");
        if (name.isEmpty()) {
            ctx.error("No channel specified");
            return;
        }
        Channel chan = pbx.find(name);
        if (chan == null) {
            ctx.error("Channel specified does not exist");
            return;
        }
        if (!pbx.cancelAttendedTransfer(chan)) {
            ctx.error("No active attended transfer on channel");
            return;
        }
        ctx.success("CancelAtxfer successfully queued");
    }

    // ------------------------------------------------------------------ MixMonitor (app_mixmonitor's manager actions)

    /** MixMonitor's i(VAR) option: the channel variable the recording's id is stored in. */
    private static final Pattern ID_VARIABLE = Pattern.compile("i\\(([^)]*)\\)");

    /**
     * Response: Success and no Message, as manager_mixmonitor writes it; with the i(VAR) option the recording's id is
     * set in VAR and answered as MixMonitorID.
     */
    static void mixMonitor(ActionContext ctx) {
        Channel chan = channelOf(ctx);
        if (chan == null) {
            return;
        }
        String file = ctx.header("File");
        if (file.isEmpty()) {
            ctx.error("Could not start monitoring channel");
            return;
        }
        String id = ctx.pbx().mixMonitors().start(chan, file);
        List<Header> ack = new ArrayList<>(Frames.startAck(ctx.message));
        java.util.regex.Matcher idVariable = ID_VARIABLE.matcher(ctx.header("Options"));
        if (idVariable.find() && !idVariable.group(1).isEmpty()) {
            ctx.pbx().setVariable(chan, idVariable.group(1), id);
            ack.add(new Header("MixMonitorID", id));
        }
        ctx.frame(ack).done();
    }

    static void mixMonitorMute(ActionContext ctx) {
        String direction = ctx.header("Direction");
        String state = ctx.header("State");
        if (ctx.header("Channel").isEmpty()) {
            ctx.error("No channel specified");
        } else if (direction.isEmpty()) {
            ctx.error("No direction specified. Must be read, write or both");
        } else if (state.isEmpty()) {
            ctx.error("No state specified");
        } else if (!List.of("read", "write", "both").contains(direction.toLowerCase(Locale.ROOT))) {
            ctx.error("Invalid direction specified. Must be read, write or both");
        } else {
            Channel chan = channelOf(ctx);
            if (chan == null) {
                return;
            }
            if (!ctx.pbx().mixMonitors().mute(chan, direction.toLowerCase(Locale.ROOT), isTrue(state))) {
                ctx.error("Cannot set mute flag");
                return;
            }
            ctx.frame(Frames.startAck(ctx.message)).done();
        }
    }

    static void stopMixMonitor(ActionContext ctx) {
        Channel chan = channelOf(ctx);
        if (chan == null) {
            return;
        }
        if (!ctx.pbx().mixMonitors().stop(chan, ctx.header("MixMonitorID"))) {
            ctx.error("Could not stop monitoring channel");
            return;
        }
        ctx.frame(Frames.startAck(ctx.message)).done();
    }

    /** The action's Channel, or null after answering "No channel specified" / "No such channel". */
    private static Channel channelOf(ActionContext ctx) {
        String name = ctx.header("Channel");
        if (name.isEmpty()) {
            ctx.error("No channel specified");
            return null;
        }
        Channel chan = ctx.pbx().find(name);
        if (chan == null) {
            ctx.error("No such channel");
        }
        return chan;
    }

    static void bridge(ActionContext ctx) {
        Pbx pbx = ctx.pbx();
        String a = ctx.header("Channel1");
        String b = ctx.header("Channel2");
        if (a.isEmpty() || b.isEmpty()) {
            ctx.error("Missing channel parameter in request");
            return;
        }
        Channel ca = pbx.find(a);
        if (ca == null) {
            ctx.error("Channel1 does not exist: " + a);
            return;
        }
        Channel cb = pbx.find(b);
        if (cb == null) {
            ctx.error("Channel2 does not exist: " + b);
            return;
        }
        if (ca == cb || !pbx.canBridge(ca) || !pbx.canBridge(cb)) {
            ctx.error("Unable to bridge channels: only channels running a dialplan or an originated application can be bridged");
            return;
        }
        ctx.success("Channels have been bridged");
        pbx.bridge(ca, cb);
    }
}
