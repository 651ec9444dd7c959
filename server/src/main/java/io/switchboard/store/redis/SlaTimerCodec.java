package io.switchboard.store.redis;

import io.switchboard.sla.Escalation;
import io.switchboard.sla.SlaTarget;
import io.switchboard.sla.SlaTimer;
import io.switchboard.sla.WorkingTime;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The timer's few bytes in Redis (format in {@code sla.lua}): a payload per timer and a ladder per
 * policy version. Base 36 keeps a typical payload around 50 characters, under the 64 bytes up to which
 * Redis stores hash values in its compact encoding.
 */
public final class SlaTimerCodec {
    private SlaTimerCodec() {
    }

    private static final String CASE = "case:";
    /** sla.lua's SLOT: the width of one slot of the timer wheel. */
    private static final long WHEEL_SLOT_MILLIS = 100;

    /** A timer id: the subject (an interaction id, or {@link #caseSubject}) and the target's letter. */
    public static String id(String subject, SlaTarget target) {
        return subject + "|" + target.code();
    }

    /** The subject of a case's timers: the script mirrors their state into the case's hash. */
    public static String caseSubject(String caseId) {
        return CASE + caseId;
    }

    /** {@code {"case": id}} or {@code {"interaction": id}}, as every SLA event names its subject. */
    public static JsonObject subjectJson(String subject) {
        return subject.startsWith(CASE) ? new JsonObject().put("case", subject.substring(CASE.length()))
                : new JsonObject().put("interaction", subject);
    }

    /** The ladder as the script reads it: {@code calendar;at:code[:points],...}. */
    public static String ladder(SlaTimer timer) {
        StringBuilder out = new StringBuilder(timer.time().name()).append(';');
        for (int i = 0; i < timer.steps().size(); i++) {
            Escalation e = timer.steps().get(i);
            out.append(i == 0 ? "" : ",").append(e.at()).append(':').append(e.action().code());
            if (e.points() != 0) {
                out.append(':').append(e.points());
            }
        }
        return out.toString();
    }

    /** The policy's name and a digest of its ladder: a changed policy gets a new ref, armed timers keep theirs. */
    public static String ref(SlaTimer timer) {
        return ref(timer, ladder(timer));
    }

    /** The same, from the timer's ladder when the caller has it (building it formats every share). */
    public static String ref(SlaTimer timer, String ladder) {
        return timer.policy() + "@" + Integer.toString(ladder.hashCode() & 0xffffff, 36);
    }

    /**
     * A new timer as {@code router.lua}'s enqueue arms it, in sla.lua's layout: its id, payload, index bucket,
     * ladder under its policy ref, and the wheel slot of its next step (the slot is floor(due / 100 ms), as in
     * sla.lua). Empty for none.
     */
    public static String armArgument(RedisKeys keys, String id, SlaTimer timer) {
        if (timer == null) {
            return "";
        }
        String ladder = ladder(timer); // once: formatting its shares showed in profiles of creating interactions
        String ref = ref(timer, ladder);
        JsonObject arm = new JsonObject().put("id", id).put("payload", payload(timer, ref))
                .put("idx", keys.slaIndex(id)).put("ref", ref).put("ladder", ladder);
        Instant next = timer.nextDue();
        if (next != null) {
            arm.put("at", next.toEpochMilli()).put("slot", Long.toString(next.toEpochMilli() / WHEEL_SLOT_MILLIS));
        }
        return arm.encode();
    }

    public static String payload(SlaTimer timer) {
        return payload(timer, ref(timer));
    }

    /** The same, with the timer's ref when the caller has it. */
    public static String payload(SlaTimer timer, String ref) {
        StringBuilder out = new StringBuilder(64).append(timer.running() ? 'r' : 'p').append('|').append(ref)
                .append('|').append(b36(timer.length().toMillis()))
                .append('|').append(b36(timer.segmentStart().toEpochMilli()))
                .append('|').append(b36(timer.counted().toMillis()))
                .append('|').append(timer.next()).append('|');
        if (timer.running()) {
            // each step after the one before: short numbers, and never negative (the ladder is sorted)
            long[] offsets = timer.offsetsMillis();
            for (int i = 0; i < offsets.length; i++) {
                out.append(i == 0 ? "" : ",").append(b36(i == 0 ? offsets[0] : offsets[i] - offsets[i - 1]));
            }
        }
        return out.toString();
    }

    /**
     * @param calendars the working time of a calendar name (24/7 for none or an unknown one)
     */
    public static SlaTimer decode(String id, String payload, String ladder, Function<String, WorkingTime> calendars) {
        String[] f = payload.split("\\|", -1);
        String[] l = ladder.split(";", -1);
        List<Escalation> steps = new ArrayList<>();
        if (l.length > 1 && !l[1].isEmpty()) {
            for (String step : l[1].split(",")) {
                String[] s = step.split(":");
                steps.add(new Escalation(Double.parseDouble(s[0]), Escalation.Action.ofCode(s[1]),
                        s.length > 2 ? Integer.parseInt(s[2]) : 0));
            }
        }
        String policy = f[1].substring(0, f[1].lastIndexOf('@'));
        return new SlaTimer(policy, SlaTarget.parse(id.substring(id.length() - 1)),
                Duration.ofMillis(Long.parseLong(f[2], 36)), steps, calendars.apply(l[0]), "r".equals(f[0]),
                Instant.ofEpochMilli(Long.parseLong(f[3], 36)), Duration.ofMillis(Long.parseLong(f[4], 36)),
                Integer.parseInt(f[5]));
    }

    private static String b36(long value) {
        return Long.toString(value, 36);
    }
}
