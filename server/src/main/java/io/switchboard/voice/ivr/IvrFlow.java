package io.switchboard.voice.ivr;

import java.util.Map;
import java.util.Objects;

/**
 * The self-service flow callers hear, loaded from {@code config/ivr.yaml}: menus of DTMF options, each
 * leading to another menu or to an action. Plain data; {@link IvrRunner} walks it.
 */
public record IvrFlow(String start, Map<String, Menu> menus, String hoursPrompt, String goodbyePrompt,
                      String holdPrompt, String caseNumberPrompt) {
    public IvrFlow {
        menus = Map.copyOf(menus);
        if (!menus.containsKey(start)) {
            throw new IllegalArgumentException("start menu '" + start + "' is not defined");
        }
        for (Menu menu : menus.values()) {
            for (Choice choice : menu.options().values()) {
                if (choice.action() == Action.MENU && !menus.containsKey(choice.menu())) {
                    throw new IllegalArgumentException("menu '" + menu.name() + "' goes to unknown menu '" + choice.menu() + "'");
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
}
