package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which minute and hour buckets a statistics range reads: exact edges, hours only once rolled up, few keys. */
class KpiBucketsTest {
    private static final long MINUTE = 60_000;
    private static final long HOUR = 3_600_000;

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static long hour(String instant) {
        return at(instant) / HOUR;
    }

    @Test
    void aDayStartingAtAHalfHourReadsMinutesUntilTheHour() {
        long now = at("2026-03-10T18:40:00Z");
        List<String> keys = KpiCounters.buckets(at("2026-03-10T18:30:00Z"), now + 1, now, hour("2026-03-10T17:00:00Z"));
        assertEquals(11, keys.size(), keys.toString());
        assertEquals(":m:" + at("2026-03-10T18:30:00Z") / MINUTE, keys.get(0));
        assertEquals(":m:" + now / MINUTE, keys.get(10));
    }

    @Test
    void aUtcDaySoFarReadsTheRolledUpHoursAndTheCurrentHoursMinutes() {
        long now = at("2026-03-10T10:15:00Z");
        List<String> keys = KpiCounters.buckets(at("2026-03-10T00:00:00Z"), now + 1, now, hour("2026-03-10T09:00:00Z"));
        assertEquals(10 + 16, keys.size(), keys.toString());
        assertEquals(":h:" + at("2026-03-10T00:00:00Z") / HOUR, keys.get(0));
        assertEquals(":h:" + at("2026-03-10T09:00:00Z") / HOUR, keys.get(9));
        assertEquals(":m:" + at("2026-03-10T10:00:00Z") / MINUTE, keys.get(10), "the current hour is not summed yet");
        assertEquals(":m:" + now / MINUTE, keys.get(25));
    }

    @Test
    void anHourNotRolledUpYetIsReadFromItsMinutes() {
        long now = at("2026-03-10T10:03:00Z");
        List<String> keys = KpiCounters.buckets(at("2026-03-10T08:00:00Z"), now + 1, now, hour("2026-03-10T08:00:00Z"));
        assertEquals(1 + 60 + 4, keys.size(), keys.toString());
        assertEquals(":h:" + at("2026-03-10T08:00:00Z") / HOUR, keys.get(0));
        assertEquals(":m:" + at("2026-03-10T09:00:00Z") / MINUTE, keys.get(1), "9:00-10:00 is rolled up at 10:05");
    }

    @Test
    void aRangeIntoTheFutureEndsAtNow() {
        long now = at("2026-03-10T10:15:00Z");
        List<String> keys = KpiCounters.buckets(at("2026-03-10T10:00:00Z"), at("2027-03-10T00:00:00Z"), now,
                hour("2026-03-10T09:00:00Z"));
        assertEquals(16, keys.size(), "400 days ahead would be 576,000 minutes to read: " + keys.size());
        assertEquals(":m:" + now / MINUTE, keys.get(15));
        assertEquals(List.of(), KpiCounters.buckets(now + HOUR, now + 2 * HOUR, now, Long.MIN_VALUE));
    }

    @Test
    void withNothingRolledUpEveryKeptMinuteIsRead() {
        long now = at("2026-03-10T12:00:00Z");
        List<String> keys = KpiCounters.buckets(at("2026-03-10T09:00:00Z"), now, now, Long.MIN_VALUE);
        assertEquals(180, keys.size());
        assertEquals(":m:" + at("2026-03-10T09:00:00Z") / MINUTE, keys.get(0));
    }

    @Test
    void aPastRangeReadsMinutesAtBothEdgesAndWholeHoursBetween() {
        long now = at("2026-03-10T12:00:00Z");
        List<String> keys = KpiCounters.buckets(at("2026-03-10T09:30:00Z"), at("2026-03-10T11:15:00Z"), now,
                hour("2026-03-10T10:00:00Z"));
        assertEquals(30 + 1 + 15, keys.size(), keys.toString());
        assertEquals(":h:" + at("2026-03-10T10:00:00Z") / HOUR, keys.get(30));
        assertEquals(":m:" + at("2026-03-10T11:14:00Z") / MINUTE, keys.get(45));
    }

    @Test
    void minutesOlderThanTheirTwoDaysAreReadAsWholeHours() {
        long now = at("2026-03-10T12:00:00Z");
        List<String> keys = KpiCounters.buckets(at("2026-03-05T09:30:00Z"), at("2026-03-05T11:15:00Z"), now,
                Long.MIN_VALUE);
        assertEquals(List.of(":h:" + at("2026-03-05T09:00:00Z") / HOUR, ":h:" + at("2026-03-05T10:00:00Z") / HOUR,
                ":h:" + at("2026-03-05T11:00:00Z") / HOUR), keys);
    }
}
