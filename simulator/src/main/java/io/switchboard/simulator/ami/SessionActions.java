package io.switchboard.simulator.ami;

import io.switchboard.simulator.event.EventCategory;
import io.switchboard.simulator.event.ManagerEvent;
import io.switchboard.simulator.pbx.Pbx;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/** Login, Logoff, Challenge, Ping, Events and the informational actions, as manager.c implements them. */
final class SessionActions {

    private static final DateTimeFormatter EVENT_TV =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ", Locale.ROOT).withZone(ZoneOffset.UTC);

    private SessionActions() {
    }

    static void login(ActionContext ctx) {
        AmiSession s = ctx.session;
        if (s.authenticated()) {
            ctx.success("Already authenticated");
            return;
        }
        String username = ctx.header("Username");
        ManagerUser user = null;
        for (ManagerUser u : ctx.server().config().users().values()) {
            if (u.username().equalsIgnoreCase(username)) {
                user = u;
            }
        }
        boolean ok = user != null && credentialsMatch(ctx, s, user);
        if (!ok) {
            // Asterisk sleeps a second before refusing, then drops the connection.
            long delay = ctx.server().config().loginFailureDelay().toMillis();
            Runnable refuse = () -> ctx.closeAfterwards().error("Authentication failed");
            if (delay > 0) {
                ctx.server().vertx().setTimer(delay, t -> ctx.server().engineContext().runOnContext(v -> refuse.run()));
            } else {
                refuse.run();
            }
            return;
        }
        String events = ctx.message.get("Events");
        s.loggedIn(user, events == null ? EventCategory.ALL : EventCategory.parseMask(events));
        ctx.frame(Frames.success(ctx.message, "Authentication accepted"));
        int system = EventCategory.SYSTEM.flag();
        if ((s.eventMask() & system) != 0 && (s.readPerm() & system) != 0) {
            long uptime = ctx.pbx().clock().nowEpochSeconds() - ctx.pbx().startEpoch();
            ctx.frame(new Frames.FrameBuilder()
                .add("Event", "FullyBooted")
                .add("Privilege", EventCategory.SYSTEM.privilege())
                .add("Uptime", uptime)
                .add("LastReload", uptime)
                .add("Status", "Fully Booted")
                .build());
        }
        ctx.done();
        // The security event reaches every session that reads "security", this one included.
        Pbx pbx = ctx.pbx();
        String tv = EVENT_TV.format(Instant.ofEpochMilli(pbx.clock().nowMillis()));
        String sessionTv = EVENT_TV.format(Instant.ofEpochMilli(s.connectedMicros() / 1000));
        pbx.publish(ManagerEvent.builder("SuccessfulAuth", EventCategory.SECURITY)
            .header("EventTV", tv)
            .header("Severity", "Informational")
            .header("Service", "AMI")
            .header("EventVersion", 1)
            .header("AccountID", user.username())
            .header("SessionID", s.sessionId())
            .header("LocalAddress", address(s.socket().localAddress()))
            .header("RemoteAddress", address(s.socket().remoteAddress()))
            .header("UsingPassword", 0)
            .header("SessionTV", sessionTv));
    }

    private static String address(io.vertx.core.net.SocketAddress a) {
        if (a == null) {
            return "";
        }
        String host = a.hostAddress();
        return (host.contains(":") ? "IPV6" : "IPV4") + "/TCP/" + host + "/" + a.port();
    }

    private static boolean credentialsMatch(ActionContext ctx, AmiSession s, ManagerUser user) {
        String authType = ctx.header("AuthType");
        if (authType.equalsIgnoreCase("MD5")) {
            String key = ctx.header("Key");
            if (s.challenge() == null || key.isEmpty()) {
                return false;
            }
            return md5Hex(s.challenge() + user.secret()).equalsIgnoreCase(key);
        }
        return user.secret().equals(ctx.message.get("Secret"));
    }

    static String md5Hex(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void logoff(ActionContext ctx) {
        ctx.closeAfterwards().frame(Frames.response(ctx.message, "Goodbye", "Thanks for all the fish.", null)).done();
    }

    static void challenge(ActionContext ctx) {
        if (!ctx.header("AuthType").equalsIgnoreCase("MD5")) {
            ctx.error("Must specify AuthType");
            return;
        }
        AmiSession s = ctx.session;
        if (s.challenge() == null) {
            s.challenge(String.valueOf(ctx.pbx().random().nextInt(Integer.MAX_VALUE)));
        }
        ctx.frame(new Frames.FrameBuilder().addAll(Frames.startAck(ctx.message)).add("Challenge", s.challenge()).build()).done();
    }

    static void ping(ActionContext ctx) {
        long now = ctx.pbx().clock().nowMicros();
        ctx.frame(new Frames.FrameBuilder().addAll(Frames.startAck(ctx.message))
            .add("Ping", "Pong")
            .add("Timestamp", String.format(Locale.ROOT, "%d.%06d", now / 1_000_000, now % 1_000_000))
            .build()).done();
    }

    static void events(ActionContext ctx) {
        String mask = ctx.header("EventMask");
        int value = EventCategory.parseMask(mask.isEmpty() ? "off" : mask);
        ctx.session.eventMask(value);
        ctx.frame(new Frames.FrameBuilder().addAll(Frames.startAck(ctx.message))
            .add("Events", value == 0 ? "Off" : "On").build()).done();
    }

    static void listCommands(ActionContext ctx, Map<String, ActionRegistry.Entry> actions) {
        Frames.FrameBuilder b = new Frames.FrameBuilder().addAll(Frames.startAck(ctx.message));
        for (ActionRegistry.Entry e : actions.values()) {
            b.add(e.name(), e.synopsis() + " (Priv: " + (e.authority() == 0 ? "<none>" : privileges(e.authority())) + ")");
        }
        ctx.frame(b.build()).done();
    }

    private static String privileges(int mask) {
        StringBuilder sb = new StringBuilder();
        for (EventCategory c : EventCategory.values()) {
            if ((mask & c.flag()) != 0) {
                sb.append(sb.isEmpty() ? "" : ",").append(c.label());
            }
        }
        return sb.toString();
    }

    static void coreSettings(ActionContext ctx) {
        ctx.frame(new Frames.FrameBuilder().addAll(Frames.startAck(ctx.message))
            .add("AMIversion", ctx.server().config().amiVersion())
            .add("AsteriskVersion", ctx.server().config().asteriskVersion())
            .add("SystemName", "")
            .add("CoreMaxCalls", 0)
            .add("CoreMaxLoadAvg", "0.000000")
            .add("CoreRunUser", "")
            .add("CoreRunGroup", "")
            .add("CoreMaxFilehandles", 0)
            .add("CoreRealTimeEnabled", "No")
            .add("CoreCDRenabled", "Yes")
            .add("CoreHTTPenabled", "No")
            .add("SoundsSearchCustomDir", "No")
            .build()).done();
    }

    static void coreStatus(ActionContext ctx) {
        Pbx pbx = ctx.pbx();
        Instant start = Instant.ofEpochSecond(pbx.startEpoch());
        DateTimeFormatter date = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
        DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
        ctx.frame(new Frames.FrameBuilder().addAll(Frames.startAck(ctx.message))
            .add("CoreStartupDate", date.format(start))
            .add("CoreStartupTime", time.format(start))
            .add("CoreReloadDate", date.format(start))
            .add("CoreReloadTime", time.format(start))
            .add("CoreCurrentCalls", pbx.channels().size())
            .build()).done();
    }

    /** Command: only "core show version" and "core show channels count" are simulated. */
    static void command(ActionContext ctx) {
        String cmd = ctx.header("Command").trim();
        if (cmd.isEmpty()) {
            ctx.error("No command provided");
            return;
        }
        String version = ctx.server().config().asteriskVersion();
        String output = switch (cmd.toLowerCase(Locale.ROOT)) {
            case "core show version", "show version" ->
                "Asterisk " + version + " built by switchboard @ simulator on a x86_64 running Linux";
            case "core show channels count" -> ctx.pbx().channels().size() + " active channels";
            default -> "No such command '" + cmd + "' (type 'core show help " + cmd + "' for other possible commands)";
        };
        Frames.FrameBuilder b = new Frames.FrameBuilder().addAll(Frames.success(ctx.message, "Command output follows"));
        for (String line : output.split("\n")) {
            b.add("Output", line);
        }
        ctx.frame(b.build()).done();
    }
}
