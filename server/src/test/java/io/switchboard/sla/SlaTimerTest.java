package io.switchboard.sla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.routing.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The escalation ladder, pause and resume, re-targeting and severity, with 24/7 time. */
class SlaTimerTest {
    private static final Instant T0 = Instant.parse("2025-04-08T10:00:00Z");
    private final SlaPolicy email = new SlaPolicy("email", Condition.ALWAYS, Map.of(SlaTarget.ANSWER, Duration.ofHours(4)),
            new WorkingTime.AlwaysOpen(), List.of(new Escalation(0.75, Escalation.Action.WARN, 0),
            new Escalation(1.0, Escalation.Action.BREACH, 0), new Escalation(1.0, Escalation.Action.RAISE_PRIORITY, 20)),
            Severity.Thresholds.DEFAULT);

    @Test
    void theLadderHoldsTheImplicitSeveritySteps() {
        assertEquals(List.of(Escalation.Action.WARN, Escalation.Action.BREACH, Escalation.Action.RAISE_PRIORITY,
                Escalation.Action.SEVERITY_MAJOR, Escalation.Action.SEVERITY_CRITICAL),
                email.steps().stream().map(Escalation::action).toList());
        SlaPolicy bare = new SlaPolicy("bare", Condition.ALWAYS, Map.of(), new WorkingTime.AlwaysOpen(), List.of(),
                Severity.Thresholds.DEFAULT);
        assertEquals(Escalation.Action.BREACH, bare.steps().get(0).action(), "a missed target is always a breach");
    }

    @Test
    void offsetsAreTheSharesOfTheTarget() {
        SlaTimer timer = SlaTimer.arm(email, SlaTarget.ANSWER, Duration.ofHours(4), T0);
        long h = 3_600_000;
        assertArrayEquals(new long[] {3 * h, 4 * h, 4 * h, 5 * h, 8 * h}, timer.offsetsMillis());
        assertEquals(T0.plusSeconds(3 * 3600), timer.nextDue());
        assertEquals(T0.plusSeconds(4 * 3600), timer.dueAt());
    }

    @Test
    void pauseAndResumeKeepTheRemainingTime() {
        SlaTimer timer = SlaTimer.arm(email, SlaTarget.ANSWER, Duration.ofHours(4), T0);
        SlaTimer paused = timer.pausedAt(T0.plusSeconds(3600));
        assertFalse(paused.running());
        assertEquals(Duration.ofHours(3), paused.remaining(T0.plusSeconds(50 * 3600)), "a paused timer does not count");
        assertNull(paused.nextDue());
        SlaTimer resumed = paused.resumedAt(T0.plusSeconds(10 * 3600));
        assertEquals(Duration.ofHours(3), resumed.remaining(T0.plusSeconds(10 * 3600)));
        assertEquals(T0.plusSeconds(12 * 3600), resumed.nextDue(), "warn at 3 h counted: 1 h before, 2 h after");
        assertEquals(T0.plusSeconds(13 * 3600), resumed.dueAt());
    }

    /** Warned 3.5 h into 4 h, it comes under a 6 h policy that warns at 50 %: that warning was given already. */
    @Test
    void underAnotherPolicyTheStepsAlreadyPastAndGivenDoNotFireAgain() {
        SlaPolicy urgent = new SlaPolicy("urgent", Condition.ALWAYS, Map.of(SlaTarget.ANSWER, Duration.ofHours(6)),
                new WorkingTime.AlwaysOpen(), List.of(new Escalation(0.5, Escalation.Action.WARN, 0),
                new Escalation(0.5, Escalation.Action.NOTIFY, 0)), Severity.Thresholds.DEFAULT);
        SlaTimer armed = SlaTimer.arm(email, SlaTarget.ANSWER, Duration.ofHours(4), T0);
        SlaTimer warned = new SlaTimer(armed.policy(), armed.target(), armed.length(), armed.steps(), armed.time(), true,
                T0, Duration.ZERO, 1);
        Instant now = T0.plusSeconds(3 * 3600 + 1800);

        SlaTimer moved = warned.underPolicy(urgent, Duration.ofHours(6), now);
        assertEquals("urgent", moved.policy());
        assertEquals(Duration.ofMinutes(210), moved.elapsed(now), "the time waited is kept");
        assertEquals(1, moved.next(), "the warning is not given twice; the notify, never given, fires");
        assertEquals(now, moved.nextDue());
        assertEquals(now.plusSeconds(9000), moved.dueAt());
        assertEquals(0, armed.underPolicy(urgent, Duration.ofHours(6), now).next(), "not warned before: it warns now");
    }

    @Test
    void retargetingKeepsFiredStepsAndMovesTheRest() {
        SlaTimer timer = SlaTimer.arm(email, SlaTarget.ANSWER, Duration.ofHours(4), T0);
        SlaTimer warned = new SlaTimer(timer.policy(), timer.target(), timer.length(), timer.steps(), timer.time(), true,
                T0, Duration.ZERO, 1);
        SlaTimer shorter = warned.retargeted(Duration.ofHours(2), T0.plusSeconds(3 * 3600));
        assertTrue(shorter.remaining(T0.plusSeconds(3 * 3600)).isNegative());
        assertEquals(T0.plusSeconds(3 * 3600), shorter.nextDue(), "the breach, now past, fires at once");
        assertEquals(1, shorter.next());
    }

    @Test
    void severityIsHowFarOutsideTheAgreement() {
        Severity.Thresholds t = Severity.Thresholds.DEFAULT;
        Duration target = Duration.ofSeconds(100);
        assertNull(t.of(target, Duration.ofSeconds(100)));
        assertEquals(Severity.MINOR, t.of(target, Duration.ofSeconds(124)));
        assertEquals(Severity.MAJOR, t.of(target, Duration.ofSeconds(125)));
        assertEquals(Severity.MAJOR, t.of(target, Duration.ofSeconds(199)));
        assertEquals(Severity.CRITICAL, t.of(target, Duration.ofSeconds(200)));
    }
}
