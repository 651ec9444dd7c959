package io.switchboard.simulator.ami;

import io.switchboard.simulator.event.EventCategory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The AMI actions the simulator knows, with the permission class each needs (as registered by Asterisk),
 * and process_message()'s checks before running one.
 */
final class ActionRegistry {

    record Entry(String name, int authority, String synopsis, ActionHandler handler) { }

    private final Map<String, Entry> actions = new LinkedHashMap<>();

    ActionRegistry() {
        int call = EventCategory.CALL.flag();
        int system = EventCategory.SYSTEM.flag();
        int reporting = EventCategory.REPORTING.flag();
        register("Login", 0, "Login Manager.", SessionActions::login);
        register("Logoff", 0, "Logoff Manager.", SessionActions::logoff);
        register("Challenge", 0, "Generate Challenge for MD5 Auth.", SessionActions::challenge);
        register("Ping", 0, "Keepalive command.", SessionActions::ping);
        register("Events", 0, "Control Event Flow.", SessionActions::events);
        register("ListCommands", 0, "List available manager commands.", ctx -> SessionActions.listCommands(ctx, actions));
        register("CoreSettings", system | reporting, "Show PBX core settings (version etc).", SessionActions::coreSettings);
        register("CoreStatus", system | reporting, "Show PBX core status variables.", SessionActions::coreStatus);
        register("Command", EventCategory.COMMAND.flag(), "Execute Asterisk CLI Command.", SessionActions::command);
        register("Originate", EventCategory.ORIGINATE.flag(), "Originate a call.", ChannelActions::originate);
        register("Redirect", call, "Redirect (transfer) a call.", ChannelActions::redirect);
        register("Hangup", system | call, "Hangup channel.", ChannelActions::hangup);
        register("Getvar", call | reporting, "Gets a channel variable or function value.", ChannelActions::getvar);
        register("Setvar", call, "Sets a channel variable or function value.", ChannelActions::setvar);
        register("Status", system | call | reporting, "List channel status.", ChannelActions::status);
        register("CoreShowChannels", system | reporting, "List currently active channels.", ChannelActions::coreShowChannels);
        register("Atxfer", call, "Attended transfer.", ChannelActions::atxfer);
        register("CancelAtxfer", call, "Cancel an attended transfer.", ChannelActions::cancelAtxfer);
        register("Bridge", call, "Bridge two channels already in the PBX.", ChannelActions::bridge);
        register("MixMonitor", system, "Record a call and mix the audio during the recording.", ChannelActions::mixMonitor);
        register("MixMonitorMute", system | call, "Mute / unMute a Mixmonitor recording.", ChannelActions::mixMonitorMute);
        register("StopMixMonitor", system | call, "Stop recording a call through MixMonitor, and free the recording's file handle.",
            ChannelActions::stopMixMonitor);
        register("QueueStatus", 0, "Show queue status.", QueueActions::queueStatus);
        register("QueueSummary", 0, "Show queue summary.", QueueActions::queueSummary);
        register("QueuePause", EventCategory.AGENT.flag(), "Makes a queue member temporarily unavailable.", QueueActions::queuePause);
    }

    private void register(String name, int authority, String synopsis, ActionHandler handler) {
        actions.put(name.toLowerCase(Locale.ROOT), new Entry(name, authority, synopsis, handler));
    }

    void dispatch(ActionContext ctx) {
        String action = ctx.message.getNonEmpty("Action");
        if (action == null) {
            ctx.error("Missing action in request");
            return;
        }
        String key = action.toLowerCase(Locale.ROOT);
        boolean preAuth = key.equals("login") || key.equals("logoff") || key.equals("challenge");
        if (!ctx.session.authenticated() && !preAuth) {
            ctx.error("Permission denied");
            return;
        }
        Entry entry = actions.get(key);
        if (entry == null) {
            ctx.error("Invalid/unknown command: " + action + ". Use Action: ListCommands to show available commands.");
            return;
        }
        if (entry.authority() != 0 && (ctx.session.writePerm() & entry.authority()) == 0) {
            ctx.error("Permission denied");
            return;
        }
        entry.handler().handle(ctx);
    }
}
