package io.switchboard.simulator.support;

import io.switchboard.simulator.event.Header;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares AMI frames with the capture: same frames in the same order, same header names in the same
 * order, same values except those that legitimately differ between runs (ids, times, ports, measured
 * durations).
 */
public final class TraceComparison {

    /** Headers whose values depend on when and where the run happens. */
    public static final Set<String> VOLATILE = Set.of(
        "Uniqueid", "Linkedid", "DestUniqueid", "DestLinkedid", "LocalOneUniqueid", "LocalOneLinkedid",
        "LocalTwoUniqueid", "LocalTwoLinkedid", "BridgeUniqueid", "CommandId", "EventTV", "SessionTV", "SessionID",
        "LocalAddress", "RemoteAddress", "Uptime", "LastReload", "Duration", "Seconds", "LoginTime", "LastCall",
        "HoldTime", "TalkTime", "RingTime", "Holdtime");

    /** VarSet values that are measured durations. */
    public static final Set<String> TIMED_VARIABLES = Set.of(
        "ANSWEREDTIME", "ANSWEREDTIME_MS", "DIALEDTIME", "DIALEDTIME_MS", "QUEUEWAIT", "QUEUEWAIT_MS");

    private TraceComparison() {
    }

    public static void assertFrames(List<List<Header>> expected, List<List<Header>> actual, String what) {
        List<String> problems = new ArrayList<>();
        int n = Math.max(expected.size(), actual.size());
        for (int i = 0; i < n && problems.size() < 10; i++) {
            List<Header> e = i < expected.size() ? expected.get(i) : List.of();
            List<Header> a = i < actual.size() ? actual.get(i) : List.of();
            String diff = compare(e, a);
            if (diff != null) {
                problems.add(what + " frame " + i + ": " + diff + "\n   expected " + e + "\n   actual   " + a);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertEquals(expected.size(), actual.size(), what + ": number of frames");
    }

    /** Null when the frames agree, else what differs first. */
    public static String compare(List<Header> e, List<Header> a) {
        if (e.size() != a.size()) {
            return "header count " + e.size() + " vs " + a.size();
        }
        String variable = null;
        for (int i = 0; i < e.size(); i++) {
            Header he = e.get(i);
            Header ha = a.get(i);
            if (!he.name().equals(ha.name())) {
                return "header " + i + " is " + ha.name() + ", expected " + he.name();
            }
            if (he.name().equals("Variable")) {
                variable = he.value();
            }
            if (VOLATILE.contains(he.name())) {
                continue;
            }
            if (he.name().equals("Value") && TIMED_VARIABLES.contains(variable) && !he.value().isEmpty()) {
                continue;
            }
            if (he.name().equals("AppData") && he.value().startsWith("agi://")) {
                if (!ha.value().startsWith("agi://127.0.0.1:") || !ha.value().endsWith("/inbound")) {
                    return "AppData " + ha.value();
                }
                continue;
            }
            if (!he.value().equals(ha.value())) {
                return he.name() + ": '" + ha.value() + "', expected '" + he.value() + "'";
            }
        }
        return null;
    }

    /** The frames without the given event (for events whose place is a race in Asterisk itself). */
    public static List<List<Header>> without(List<List<Header>> frames, String event) {
        return frames.stream().filter(f -> f.isEmpty() || !(f.get(0).name().equals("Event") && f.get(0).value().equals(event))).toList();
    }

    public static List<Header> only(List<List<Header>> frames, String event) {
        return frames.stream().filter(f -> !f.isEmpty() && f.get(0).name().equals("Event") && f.get(0).value().equals(event))
            .findFirst().orElseThrow();
    }
}
