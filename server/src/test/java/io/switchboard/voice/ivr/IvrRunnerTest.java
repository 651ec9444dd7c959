package io.switchboard.voice.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.rules.RuleFileException;
import io.switchboard.testing.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped IVR flow, walked with a scripted caller. */
class IvrRunnerTest {
    private final IvrFlow flow = IvrLoader.load(Repo.root().resolve("config/ivr.yaml"));

    /** Answers each collect() with the next scripted input ("" = silence, null = hang-up). */
    private static final class ScriptedCaller implements CallerLine {
        final Deque<String> inputs = new ArrayDeque<>();
        final List<String> heard = new ArrayList<>();
        boolean hungUp;

        ScriptedCaller(String... keys) {
            for (String k : keys) {
                inputs.add(k == null ? "\u0000" : k);
            }
        }

        /** Keys the caller presses while a prompt plays (cutting it short), by prompt, once each. */
        final Map<String, String> pressDuring = new java.util.HashMap<>();

        @Override
        public String play(String prompt) {
            heard.add(prompt);
            return pressDuring.remove(prompt);
        }

        @Override
        public String collect(String prompt, int timeoutSeconds, int maxDigits) {
            heard.add(prompt);
            String next = inputs.isEmpty() ? "" : inputs.poll();
            if (next.equals("\u0000")) {
                hungUp = true;
                return null;
            }
            return next;
        }

        @Override
        public void sayDigits(String digits) {
            heard.add("digits:" + digits);
        }

        @Override
        public void sayDateTime(java.time.ZonedDateTime time) {
            heard.add("time:" + time);
        }

        @Override
        public void setVariable(String name, String value) {
        }

        @Override
        public boolean hungUp() {
            return hungUp;
        }

        /** Gone without a word: the menu heard silence (GET DATA answers a hang-up as no input), the line is dead. */
        boolean silentlyGone;

        @Override
        public boolean alive() {
            return !hungUp && !silentlyGone;
        }
    }

    /** A caller who hung up during the menu's last try reads as "no input": asked, the line is dead, no agent. */
    @Test
    void aCallerGoneDuringTheLastTryIsNoCallForAnAgent() {
        ScriptedCaller caller = new ScriptedCaller("", "", "");
        caller.silentlyGone = true;
        IvrOutcome outcome = new IvrRunner(flow, CaseDirectory.NONE, RouteHours.ALWAYS_OPEN, true).run(caller);
        assertEquals(IvrOutcome.Kind.ABANDONED, outcome.kind());
        IvrOutcome stayed = new IvrRunner(flow, CaseDirectory.NONE, RouteHours.ALWAYS_OPEN, true)
                .run(new ScriptedCaller("", "", ""));
        assertEquals(IvrOutcome.Kind.AGENT, stayed.kind(), "silence from a caller still there goes to an agent");
    }

    /** Any action on silence, not only an agent: a callback for a caller who hung up would call them for nothing. */
    @Test
    void aCallerGoneDuringTheLastTryGetsNoCallback() {
        IvrFlow.Menu main = new IvrFlow.Menu("main", "switchboard/main-menu", 5, 1, null,
                Map.of("4", new IvrFlow.Choice(IvrFlow.Action.HOURS, null, null, null)),
                new IvrFlow.Choice(IvrFlow.Action.CALLBACK, "support", null, null));
        IvrFlow callbackOnSilence = new IvrFlow("main", Map.of("main", main), "hours", "bye", "hold", "case", null, null);
        ScriptedCaller gone = new ScriptedCaller("", "");
        gone.silentlyGone = true;
        assertEquals(IvrOutcome.Kind.ABANDONED,
                new IvrRunner(callbackOnSilence, CaseDirectory.NONE, RouteHours.ALWAYS_OPEN, true).run(gone).kind());
        assertEquals(IvrOutcome.Kind.CALLBACK, new IvrRunner(callbackOnSilence, CaseDirectory.NONE,
                RouteHours.ALWAYS_OPEN, true).run(new ScriptedCaller("", "")).kind(), "a silent caller still there");
    }

    @Test
    void aNoInputToAnUnknownMenuIsRefusedAtLoad() {
        IvrFlow.Menu main = new IvrFlow.Menu("main", "switchboard/main-menu", 5, 1, null, Map.of(),
                new IvrFlow.Choice(IvrFlow.Action.MENU, null, null, "spansh"));
        var refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new IvrFlow("main", Map.of("main", main), "hours", "bye", "hold", "case", null, null));
        assertEquals("menu 'main' goes to unknown menu 'spansh'", refused.getMessage());
    }

    @Test
    void keysLeadToTheirActions() {
        IvrOutcome billing = new IvrRunner(flow, CaseDirectory.NONE, RouteHours.ALWAYS_OPEN, true).run(new ScriptedCaller("1"));
        assertEquals(IvrOutcome.Kind.AGENT, billing.kind());
        assertEquals("billing", billing.intent());

        IvrOutcome spanish = new IvrRunner(flow, CaseDirectory.NONE, RouteHours.ALWAYS_OPEN, true).run(new ScriptedCaller("9", "1"));
        assertEquals("es", spanish.language());
        assertEquals(List.of("main", "9", "spanish", "1"), spanish.path());

        IvrOutcome hours = new IvrRunner(flow, CaseDirectory.NONE, RouteHours.ALWAYS_OPEN, true).run(new ScriptedCaller("4"));
        assertTrue(hours.contained());
    }

    @Test
    void invalidKeysAndSilenceAreRetriedThenGoToTheNoInputChoice() {
        ScriptedCaller caller = new ScriptedCaller("7", "", "8");
        IvrOutcome outcome = new IvrRunner(flow, CaseDirectory.NONE, RouteHours.ALWAYS_OPEN, true).run(caller);
        assertEquals(IvrOutcome.Kind.AGENT, outcome.kind());
        assertEquals("support", outcome.intent(), "main's noInput after 1 + 2 retries");
        assertEquals(2, caller.heard.stream().filter("switchboard/invalid-option"::equals).count());
        assertEquals(List.of("main", "7?", "8?"), outcome.path());
    }

    /** A key pressed during the invalid-option prompt is the caller's next choice, not lost to a replayed menu. */
    @Test
    void aKeyPressedDuringTheInvalidOptionPromptIsTheNextChoice() {
        ScriptedCaller caller = new ScriptedCaller("7");
        caller.pressDuring.put("switchboard/invalid-option", "1");
        IvrOutcome outcome = new IvrRunner(flow, CaseDirectory.NONE, RouteHours.ALWAYS_OPEN, true).run(caller);
        assertEquals(List.of(IvrOutcome.Kind.AGENT, "billing"), List.of(outcome.kind(), outcome.intent()));
        assertEquals(List.of("main", "7?", "1"), outcome.path());
        assertEquals(1, caller.heard.stream().filter("switchboard/main-menu"::equals).count(), "not asked again");
    }

    /** The callback key pressed during the closed prompt takes the callback the prompt goes on to offer. */
    @Test
    void theCallbackKeyDuringTheClosedPromptTakesTheCallback() {
        java.time.ZonedDateTime opens = java.time.ZonedDateTime.parse("2026-12-07T08:00+00:00[Europe/London]");
        ScriptedCaller caller = new ScriptedCaller("1");
        caller.pressDuring.put("switchboard/closed", "1");
        IvrOutcome outcome = new IvrRunner(flow, CaseDirectory.NONE, wanted -> Optional.of(new RouteHours.Closed(opens,
                true)), true).run(caller);
        assertEquals(IvrOutcome.Kind.CALLBACK, outcome.kind());
        assertEquals(List.of("main", "1", "closed", "1"), outcome.path());
        assertFalse(caller.heard.contains("switchboard/closed-callback"), "answered before it was asked");

        ScriptedCaller skipping = new ScriptedCaller("1", "1");
        skipping.pressDuring.put("switchboard/closed", "9"); // another key only cuts the prompt short
        assertEquals(IvrOutcome.Kind.CALLBACK, new IvrRunner(flow, CaseDirectory.NONE, wanted -> Optional.of(
                new RouteHours.Closed(opens, true)), true).run(skipping).kind());
        assertTrue(skipping.heard.contains("switchboard/closed-callback"), "the offer still made");
    }

    @Test
    void caseStatusIsReadBackAndContained() {
        CaseDirectory cases = number -> number.equals("4711") ? Optional.of("switchboard/case-in-progress") : Optional.empty();
        ScriptedCaller caller = new ScriptedCaller("3", "4711");
        IvrOutcome outcome = new IvrRunner(flow, cases, RouteHours.ALWAYS_OPEN, true).run(caller);
        assertEquals(IvrOutcome.Kind.CONTAINED_CASE_STATUS, outcome.kind());
        assertTrue(caller.heard.containsAll(List.of("digits:4711", "switchboard/case-in-progress")));

        IvrOutcome unknown = new IvrRunner(flow, cases, RouteHours.ALWAYS_OPEN, true).run(new ScriptedCaller("3", "999"));
        assertEquals(IvrOutcome.Kind.AGENT, unknown.kind(), "an unknown case goes to an agent");
        assertEquals("999", unknown.caseId());

        ScriptedCaller searching = new ScriptedCaller("3", "", "4711");
        assertEquals(IvrOutcome.Kind.CONTAINED_CASE_STATUS, new IvrRunner(flow, cases, RouteHours.ALWAYS_OPEN, true)
                .run(searching).kind(), "asked again after silence");
        assertEquals(2, searching.heard.stream().filter(flow.caseNumberPrompt()::equals).count());
        IvrOutcome silent = new IvrRunner(flow, cases, RouteHours.ALWAYS_OPEN, true).run(new ScriptedCaller("3", "", ""));
        assertEquals(List.of(IvrOutcome.Kind.AGENT, "case"), List.of(silent.kind(), silent.intent()));
        assertEquals(null, silent.caseId(), "no number to show the agent");
    }

    @Test
    void aHangUpInTheMenuIsAnAbandonInTheIvr() {
        assertEquals(IvrOutcome.Kind.ABANDONED, new IvrRunner(flow, CaseDirectory.NONE, RouteHours.ALWAYS_OPEN, true).run(new ScriptedCaller((String) null)).kind());
    }

    /** Closed: the caller hears when the route opens, and may take a callback for then (the shipped key 1). */
    @Test
    void aCallerAskingForAClosedRouteHearsTheOpeningAndMayTakeACallback() {
        java.time.ZonedDateTime opens = java.time.ZonedDateTime.parse("2026-12-07T08:00+00:00[Europe/London]");
        List<IvrOutcome> asked = new ArrayList<>();
        RouteHours closed = wanted -> {
            asked.add(wanted);
            return "billing".equals(wanted.intent()) ? Optional.of(new RouteHours.Closed(opens, true)) : Optional.empty();
        };
        ScriptedCaller taker = new ScriptedCaller("1", "1");
        IvrOutcome callback = new IvrRunner(flow, CaseDirectory.NONE, closed, true).run(taker);
        assertEquals(IvrOutcome.Kind.CALLBACK, callback.kind());
        assertEquals("billing", callback.intent());
        assertEquals(List.of("main", "1", "closed", "1"), callback.path());
        assertEquals(opens, callback.opensAt(), "the callback is for the opening");
        assertEquals(List.of("switchboard/main-menu", "switchboard/closed", "time:" + opens,
                "switchboard/closed-callback"), taker.heard);

        ScriptedCaller declines = new ScriptedCaller("1", "");
        IvrOutcome gone = new IvrRunner(flow, CaseDirectory.NONE, closed, true).run(declines);
        assertEquals(IvrOutcome.Kind.CLOSED, gone.kind());
        assertFalse(gone.contained(), "the caller wanted an agent");
        assertEquals("vm-goodbye", declines.heard.get(declines.heard.size() - 1));

        assertEquals(IvrOutcome.Kind.AGENT, new IvrRunner(flow, CaseDirectory.NONE, closed, true)
                .run(new ScriptedCaller("2")).kind(), "support is open");
        assertEquals(3, asked.size(), "asked once per caller who wanted an agent");
        new IvrRunner(flow, CaseDirectory.NONE, closed, true).run(new ScriptedCaller("4"));
        assertEquals(3, asked.size(), "self-service does not ask");

        RouteHours noCallback = wanted -> Optional.of(new RouteHours.Closed(opens, false));
        ScriptedCaller anonymous = new ScriptedCaller("1", "1");
        assertEquals(IvrOutcome.Kind.CLOSED, new IvrRunner(flow, CaseDirectory.NONE, noCallback, false).run(anonymous)
                .kind());
        assertFalse(anonymous.heard.contains("switchboard/closed-callback"), "no callback to leave: no offer");
        assertEquals(IvrOutcome.Kind.AGENT, new IvrRunner(flow, CaseDirectory.NONE, RouteHours.ALWAYS_OPEN, false)
                .run(new ScriptedCaller("5")).kind(), "the menu's callback key puts an anonymous caller through");

        // the menu's callback key while the callback's route is closed: told when, made for then, nothing offered
        ScriptedCaller wantsCallback = new ScriptedCaller("5");
        IvrOutcome later = new IvrRunner(flow, CaseDirectory.NONE, wanted -> Optional.of(new RouteHours.Closed(opens,
                true)), true).run(wantsCallback);
        assertEquals(IvrOutcome.Kind.CALLBACK, later.kind());
        assertEquals(opens, later.opensAt());
        assertEquals(List.of("switchboard/main-menu", "switchboard/closed", "time:" + opens), wantsCallback.heard);
    }

    @Test
    void aBadFlowNamesTheLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ivr.yaml");
        Files.writeString(file, "menus:\n  main:\n    prompt: p\n    options:\n      \"12\": {action: agent}\n");
        RuleFileException e = assertThrows(RuleFileException.class, () -> IvrLoader.load(file));
        assertEquals(5, e.line(), e.getMessage());
        Files.writeString(file, "start: main\nprompts:\n  goodbye: bye\n");
        RuleFileException noMenus = assertThrows(RuleFileException.class, () -> IvrLoader.load(file));
        assertTrue(noMenus.getMessage().contains("an IVR needs 'menus:'"), noMenus.getMessage());
    }

    @Test
    void theHoldMenuOffersOnlyWhatIsNotInEffect() {
        IvrFlow.HoldMenu menu = flow.holdMenu();
        assertEquals(java.util.Set.of("9"), menu.open(java.util.Map.of("language", "en")).keySet());
        assertEquals(java.util.Map.of(), menu.open(java.util.Map.of("language", "es")), "already in Spanish");
    }

    /** Values keep their YAML types, as routing expressions compare them: true is not "true". */
    @Test
    void holdMenuValuesKeepTheirTypes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ivr.yaml");
        Files.writeString(file, "menus:\n  main:\n    prompt: p\nholdMenu:\n  prompt: h\n  options:\n"
                + "    \"7\": {set: {urgent: true, level: 3, code: \"3\"}}\n");
        IvrFlow.HoldChoice choice = IvrLoader.load(file).holdMenu().options().get("7");
        assertEquals(java.util.Map.of("urgent", true, "level", 3L, "code", "3"), choice.attributes());
        assertEquals(java.util.Map.of(), IvrLoader.load(file).holdMenu()
                .open(java.util.Map.of("urgent", true, "level", 3, "code", "3")), "in effect, JSON numbers and all");
        Files.writeString(file, "menus:\n  main:\n    prompt: p\nholdMenu:\n  prompt: h\n  options:\n"
                + "    \"#\": {set: {a: b}}\n");
        assertTrue(assertThrows(RuleFileException.class, () -> IvrLoader.load(file)).getMessage().contains("'#' ends"));
    }

    /** The call's link to Asterisk is the voice channel's: a hold menu that would overwrite it is refused. */
    @Test
    void aHoldMenuThatSetsTheCallsLinkIsRefusedAtItsLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ivr.yaml");
        Files.writeString(file, "menus:\n  main:\n    prompt: p\nholdMenu:\n  prompt: h\n  options:\n"
                + "    \"9\":\n      set:\n        voice: x\n");
        RuleFileException e = assertThrows(RuleFileException.class, () -> IvrLoader.load(file));
        assertEquals(9, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("voice"), e.getMessage());
    }
}
