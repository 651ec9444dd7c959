package io.switchboard.voice.ivr;

import io.switchboard.rules.YamlNode;
import io.switchboard.voice.CallAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads {@code config/ivr.yaml}; a bad file is rejected with file and line. */
public final class IvrLoader {
    private static final IvrFlow DIRECT_TO_AGENT = new IvrFlow("main", Map.of("main", new IvrFlow.Menu("main",
            "switchboard/please-hold", 1, 0, null, Map.of(), new IvrFlow.Choice(IvrFlow.Action.AGENT, null, null, null))),
            "switchboard/business-hours", "vm-goodbye", "switchboard/please-hold", "switchboard/enter-case-number",
            null, null);

    private IvrLoader() {
    }

    /** Without an IVR file every caller goes straight to an agent: voice works before anyone writes menus. */
    public static IvrFlow load(Path file) {
        if (!Files.exists(file)) {
            return DIRECT_TO_AGENT;
        }
        YamlNode root = YamlNode.parse(file);
        Map<String, YamlNode> top = root.entries("start", "prompts", "menus", "holdMenu", "closed");
        Map<String, String> prompts = new LinkedHashMap<>();
        if (top.containsKey("prompts")) {
            top.get("prompts").entries("hours", "goodbye", "hold", "caseNumber")
                    .forEach((k, v) -> prompts.put(k, v.text()));
        }
        if (!top.containsKey("menus")) {
            throw root.error("an IVR needs 'menus:', its start menu at least");
        }
        Map<String, IvrFlow.Menu> menus = new LinkedHashMap<>();
        top.get("menus").entries().forEach((name, node) -> menus.put(name, menu(name, node)));
        try {
            return new IvrFlow(top.containsKey("start") ? top.get("start").text() : "main", menus,
                    prompts.getOrDefault("hours", "switchboard/business-hours"),
                    prompts.getOrDefault("goodbye", "vm-goodbye"),
                    prompts.getOrDefault("hold", "switchboard/please-hold"),
                    prompts.getOrDefault("caseNumber", "switchboard/enter-case-number"),
                    top.containsKey("holdMenu") ? holdMenu(top.get("holdMenu")) : null,
                    top.containsKey("closed") ? closed(top.get("closed")) : null);
        } catch (IllegalArgumentException e) {
            throw root.error(e.getMessage());
        }
    }

    private static IvrFlow.Menu menu(String name, YamlNode node) {
        Map<String, YamlNode> m = node.entries("prompt", "timeoutSeconds", "retries", "invalidPrompt", "options", "noInput");
        if (!m.containsKey("prompt")) {
            throw node.error("menu '" + name + "' needs a prompt (a sound file name)");
        }
        Map<String, IvrFlow.Choice> options = new LinkedHashMap<>();
        if (m.containsKey("options")) {
            m.get("options").entries().forEach((key, choice) -> {
                requireKey(key, choice);
                options.put(key, choice(choice));
            });
        }
        return new IvrFlow.Menu(name, m.get("prompt").text(),
                m.containsKey("timeoutSeconds") ? (int) m.get("timeoutSeconds").integer(1, 60) : 5,
                m.containsKey("retries") ? (int) m.get("retries").integer(0, 10) : 2,
                m.containsKey("invalidPrompt") ? m.get("invalidPrompt").text() : null,
                options, m.containsKey("noInput") ? choice(m.get("noInput")) : null);
    }

    /** '#' ends a GET DATA in Asterisk: it is never read as a key. */
    private static void requireKey(String key, YamlNode option) {
        if (!key.matches("[0-9*]")) {
            throw option.error("option keys are single DTMF digits 0-9 or * ('#' ends input), was '" + key + "'");
        }
    }

    private static IvrFlow.HoldMenu holdMenu(YamlNode node) {
        Map<String, YamlNode> m = node.entries("prompt", "timeoutSeconds", "options");
        if (!m.containsKey("prompt") || !m.containsKey("options")) {
            throw node.error("holdMenu needs a prompt (a sound file name) and options");
        }
        Map<String, IvrFlow.HoldChoice> options = new LinkedHashMap<>();
        m.get("options").entries().forEach((key, choice) -> {
            requireKey(key, choice);
            Map<String, YamlNode> c = choice.entries("set", "prompt");
            if (!c.containsKey("set") || c.get("set").entries().isEmpty()) {
                throw choice.error("a hold menu option needs 'set': the attributes the key gives the call");
            }
            Map<String, Object> set = new LinkedHashMap<>();
            c.get("set").entries().forEach((name, value) -> {
                if (name.equals(CallAttributes.KEY)) {
                    throw value.error("'" + name + "' is the call's link to Asterisk, not an attribute to set");
                }
                set.put(name, value.scalar());
            });
            options.put(key, new IvrFlow.HoldChoice(set, text(c, "prompt")));
        });
        return new IvrFlow.HoldMenu(m.get("prompt").text(),
                m.containsKey("timeoutSeconds") ? (int) m.get("timeoutSeconds").integer(1, 60) : 3, options);
    }

    private static IvrFlow.Closed closed(YamlNode node) {
        Map<String, YamlNode> m = node.entries("prompt", "callbackKey", "callbackPrompt", "timeoutSeconds");
        if (!m.containsKey("prompt")) {
            throw node.error("closed needs a prompt (a sound file name)");
        }
        if (m.containsKey("callbackKey")) {
            requireKey(m.get("callbackKey").text(), m.get("callbackKey"));
        }
        try {
            return new IvrFlow.Closed(m.get("prompt").text(), text(m, "callbackKey"), text(m, "callbackPrompt"),
                    m.containsKey("timeoutSeconds") ? (int) m.get("timeoutSeconds").integer(1, 60) : 5);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    private static IvrFlow.Choice choice(YamlNode node) {
        Map<String, YamlNode> c = node.entries("action", "intent", "language", "menu");
        if (!c.containsKey("action")) {
            throw node.error("an option needs an action: menu, agent, callback, case_status, hours or hangup");
        }
        IvrFlow.Action action;
        try {
            action = IvrFlow.Action.valueOf(c.get("action").text().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw c.get("action").error("action must be menu, agent, callback, case_status, hours or hangup");
        }
        if (action == IvrFlow.Action.MENU && !c.containsKey("menu")) {
            throw node.error("action menu needs 'menu: <name>'");
        }
        return new IvrFlow.Choice(action, text(c, "intent"), text(c, "language"), text(c, "menu"));
    }

    private static String text(Map<String, YamlNode> node, String key) {
        return node.containsKey(key) ? node.get(key).text() : null;
    }
}
