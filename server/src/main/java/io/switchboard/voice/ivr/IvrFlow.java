package io.switchboard.voice.ivr;

import io.switchboard.routing.AttributeValues;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The self-service flow callers hear, loaded from {@code config/ivr.yaml}: menus of DTMF options, each
 * leading to another menu or to an action. Plain data; {@link IvrRunner} walks it.
 */
public record IvrFlow(String start, Map<String, Menu> menus, String hoursPrompt, String goodbyePrompt,
                      String holdPrompt, String caseNumberPrompt, HoldMenu holdMenu, Closed closed) {
    public IvrFlow {
        menus = Map.copyOf(menus);
        if (!menus.containsKey(start)) {
            throw new IllegalArgumentException("start menu '" + start + "' is not defined");
        }
        for (Menu menu : menus.values()) {
            // noInput too: a typo there would pass the load and fail the first silent caller
            for (Choice c : Stream.concat(menu.options().values().stream(), Stream.ofNullable(menu.noInput())).toList()) {
                if (c.action() == Action.MENU && !menus.containsKey(c.menu())) {
                    throw new IllegalArgumentException("menu '" + menu.name() + "' goes to unknown menu '" + c.menu() + "'");
                }
            }
        }
    }

    /**
     * @param noInput what a caller who presses nothing gets after the retries (often: an agent)
     */
    public record Menu(String name, String prompt, int timeoutSeconds, int retries, String invalidPrompt,
                       Map<String, Choice> options, Choice noInput) {
        public Menu {
            options = Map.copyOf(options);
            Objects.requireNonNull(prompt, "prompt");
        }
    }

    /** What a key leads to. intent/language for AGENT and CALLBACK; menu for MENU. */
    public record Choice(Action action, String intent, String language, String menu) {
    }

    public enum Action { MENU, AGENT, CALLBACK, CASE_STATUS, HOURS, HANGUP }

    /**
     * What a caller who asks for an agent hears when every queue the call could wait in is outside its hours of
     * operation: the prompt, then the opening time (said in the opening calendar's time zone), then, when
     * {@code callbackKey} is set, the offer of a callback at the opening (Amazon Connect's queued callback).
     *
     * @param callbackKey the key that takes the callback; null = no offer, the caller hears goodbye
     */
    public record Closed(String prompt, String callbackKey, String callbackPrompt, int timeoutSeconds) {
        public Closed {
            Objects.requireNonNull(prompt, "prompt");
            if (callbackKey != null && callbackPrompt == null) {
                throw new IllegalArgumentException("closed: callbackKey needs a callbackPrompt (a sound file name)");
            }
        }
    }

    /**
     * What a caller waiting in a queue may change with one key between spells of music (app_queue's in-queue
     * digits, Amazon Connect's customer queue flow): attributes, which the workflow routes the call by again.
     */
    public record HoldMenu(String prompt, int timeoutSeconds, Map<String, HoldChoice> options) {
        public HoldMenu {
            options = Map.copyOf(options);
        }

        /** The options that would change something: one already in effect is not offered again. */
        public Map<String, HoldChoice> open(Map<String, Object> attributes) {
            Map<String, Object> current = AttributeValues.of(attributes);
            Map<String, HoldChoice> open = new java.util.TreeMap<>();
            options.forEach((key, choice) -> {
                if (!choice.inEffect(current)) {
                    open.put(key, choice);
                }
            });
            return open;
        }
    }

    /**
     * @param attributes with their YAML types (true, 3, text), as routing expressions compare them
     * @param prompt played once the attributes are set (null = none)
     */
    public record HoldChoice(Map<String, Object> attributes, String prompt) {
        public HoldChoice {
            attributes = AttributeValues.of(attributes);
        }

        boolean inEffect(Map<String, Object> current) {
            return attributes.entrySet().stream().allMatch(e -> e.getValue().equals(current.get(e.getKey())));
        }
    }
}
