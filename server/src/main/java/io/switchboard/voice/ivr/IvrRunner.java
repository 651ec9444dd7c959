package io.switchboard.voice.ivr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks an {@link IvrFlow} with a caller: prompts, DTMF with timeouts and retries, invalid input,
 * actions. Blocking: it runs on the call's virtual thread and returns how the call left the IVR.
 */
public final class IvrRunner {
    private static final int MAX_STEPS = 50;
    /** How often the case number is asked for before an agent takes the call. */
    private static final int CASE_NUMBER_ASKS = 2;

    private final IvrFlow flow;
    private final CaseDirectory cases;
    private final RouteHours hours;
    private final boolean callable;

    /**
     * @param callable whether the caller's number is known: an anonymous caller is offered no callback, and a menu
     *                 key for one puts them through to an agent instead
     */
    public IvrRunner(IvrFlow flow, CaseDirectory cases, RouteHours hours, boolean callable) {
        this.flow = flow;
        this.cases = cases;
        this.hours = hours;
        this.callable = callable;
    }

    /**
     * Walks the menus. A caller who asks for an agent or a callback while the route is closed hears when it opens;
     * the one asking for an agent is offered a callback for then, the one asking for a callback gets it for then.
     */
    public IvrOutcome run(CallerLine line) {
        IvrOutcome walked = walk(line);
        // "no input" may have been a hang-up (GET DATA answers both alike): no agent for a caller who is gone
        IvrOutcome outcome = walked.kind() == IvrOutcome.Kind.AGENT && !line.alive()
                ? new IvrOutcome(IvrOutcome.Kind.ABANDONED, null, null, null, walked.path()) : walked;
        boolean asks = outcome.kind() == IvrOutcome.Kind.AGENT || outcome.kind() == IvrOutcome.Kind.CALLBACK;
        if (!asks || flow.closed() == null || line.hungUp()) {
            return outcome;
        }
        return hours.closedUntil(outcome).map(closed -> closed(line, outcome, closed)).orElse(outcome);
    }

    /** The closed prompt, the opening time, and the callback (asked for already, or offered) when it can be left. */
    private IvrOutcome closed(CallerLine line, IvrOutcome wanted, RouteHours.Closed route) {
        IvrFlow.Closed closed = flow.closed();
        List<String> path = new ArrayList<>(wanted.path());
        path.add("closed");
        // a key pressed during the closed prompt answers the callback offer that follows it (a caller who knows it)
        String pressedEarly = line.play(closed.prompt());
        line.sayDateTime(route.opens());
        boolean asked = wanted.kind() == IvrOutcome.Kind.CALLBACK;
        boolean offered = !asked && closed.callbackKey() != null && route.callbackPossible() && !line.hungUp();
        // only the callback key answers early: any other key (skipping the prompt) still hears the offer
        String key = !offered ? "" : closed.callbackKey().equals(pressedEarly) ? pressedEarly
                : line.collect(closed.callbackPrompt(), closed.timeoutSeconds(), 1);
        IvrOutcome.Kind kind = key == null || line.hungUp() ? IvrOutcome.Kind.ABANDONED
                : (asked && route.callbackPossible()) || (offered && key.equals(closed.callbackKey()))
                ? IvrOutcome.Kind.CALLBACK : IvrOutcome.Kind.CLOSED;
        if (offered && kind == IvrOutcome.Kind.CALLBACK) {
            path.add(key);
        } else if (kind == IvrOutcome.Kind.CLOSED) {
            line.play(flow.goodbyePrompt());
        }
        return new IvrOutcome(kind, wanted.intent(), wanted.language(), wanted.caseId(), path, route.opens());
    }

    private IvrOutcome walk(CallerLine line) {
        List<String> path = new ArrayList<>();
        IvrFlow.Menu menu = flow.menus().get(flow.start());
        for (int step = 0; step < MAX_STEPS; step++) {
            path.add(menu.name());
            IvrFlow.Choice choice = choose(menu, line, path);
            if (choice == null) {
                return new IvrOutcome(IvrOutcome.Kind.ABANDONED, null, null, null, path);
            }
            switch (choice.action()) {
                case MENU -> menu = flow.menus().get(choice.menu());
                case AGENT -> {
                    return new IvrOutcome(IvrOutcome.Kind.AGENT, choice.intent(), choice.language(), null, path);
                }
                case CALLBACK -> {
                    return new IvrOutcome(callable ? IvrOutcome.Kind.CALLBACK : IvrOutcome.Kind.AGENT, choice.intent(),
                            choice.language(), null, path);
                }
                case HOURS -> {
                    line.play(flow.hoursPrompt());
                    line.play(flow.goodbyePrompt());
                    return new IvrOutcome(IvrOutcome.Kind.CONTAINED_HOURS, null, null, null, path);
                }
                case CASE_STATUS -> {
                    return caseStatus(line, path);
                }
                case HANGUP -> {
                    line.play(flow.goodbyePrompt());
                    return new IvrOutcome(IvrOutcome.Kind.CONTAINED_GOODBYE, null, null, null, path);
                }
            }
        }
        return new IvrOutcome(IvrOutcome.Kind.AGENT, null, null, null, path);
    }

    /**
     * Prompts until a valid key, retrying on silence or invalid keys; null when the caller hung up. A key pressed during
     * the invalid-option prompt (which a key cuts short) is the next try, as callers who know the menu press on.
     */
    private IvrFlow.Choice choose(IvrFlow.Menu menu, CallerLine line, List<String> path) {
        String pressedEarly = null;
        for (int attempt = 0; attempt <= menu.retries(); attempt++) {
            String digits = pressedEarly != null ? pressedEarly : line.collect(menu.prompt(), menu.timeoutSeconds(), 1);
            pressedEarly = null;
            if (digits == null || line.hungUp()) {
                return null;
            }
            if (digits.isEmpty()) {
                continue;
            }
            IvrFlow.Choice choice = menu.options().get(digits);
            if (choice != null) {
                path.add(digits);
                return choice;
            }
            path.add(digits + "?");
            if (menu.invalidPrompt() != null) {
                pressedEarly = line.play(menu.invalidPrompt());
                if (pressedEarly == null && line.hungUp()) {
                    return null;
                }
            }
        }
        if (!line.alive()) {
            return null; // GET DATA answers a hang-up as it does silence: a callback or "contained" for nobody else
        }
        return menu.noInput() != null ? menu.noInput()
                : new IvrFlow.Choice(IvrFlow.Action.AGENT, null, null, null);
    }

    /** Reads a case's status back; an unknown case number goes to an agent with the number at hand. */
    private IvrOutcome caseStatus(CallerLine line, List<String> path) {
        // asked again once on silence (a caller looking for the number), as a menu is; then an agent helps
        String number = "";
        for (int attempt = 0; attempt < CASE_NUMBER_ASKS && number.isEmpty(); attempt++) {
            number = line.collect(flow.caseNumberPrompt(), 10, 12);
            if (number == null || number.isEmpty() && !line.alive()) {
                return new IvrOutcome(IvrOutcome.Kind.ABANDONED, null, null, null, path);
            }
        }
        path.add("case");
        var status = number.isEmpty() ? Optional.<String>empty() : cases.status(number);
        if (status.isEmpty()) {
            return new IvrOutcome(IvrOutcome.Kind.AGENT, "case", null, number.isEmpty() ? null : number, path);
        }
        line.sayDigits(number);
        line.play(status.get());
        line.play(flow.goodbyePrompt());
        return new IvrOutcome(IvrOutcome.Kind.CONTAINED_CASE_STATUS, null, null, number, path);
    }
}
