package io.switchboard.sla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Deadlines in open time: weekends, holidays, starts outside hours, DST changes. */
class SlaBusinessCalendarTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    // 2025-05-01 (Thursday) and 2025-05-02 (Friday, a bridge day) are holidays here
    private final BusinessCalendar office = weekdays(PARIS, "09:00-17:00",
            Set.of(LocalDate.of(2025, 5, 1), LocalDate.of(2025, 5, 2)));

    private static BusinessCalendar weekdays(ZoneId zone, String hours, Set<LocalDate> holidays) {
        Map<DayOfWeek, List<BusinessCalendar.OpenHours>> weekly = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek day : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
                DayOfWeek.FRIDAY)) {
            weekly.put(day, List.of(BusinessCalendar.OpenHours.parse(hours)));
        }
        return new BusinessCalendar("office", zone, weekly, holidays);
    }

    private static Instant paris(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(PARIS).toInstant();
    }

    @Test
    void withinOneDay() {
        assertEquals(paris("2025-04-08T13:30"), office.plus(paris("2025-04-08T10:00"), Duration.ofMinutes(210)));
    }

    @Test
    void fourHoursFromFridayAfternoonEndMondayNoon() {
        // Friday 16:00 + 4 h: 1 h on Friday, the weekend is closed, 3 h on Monday
        assertEquals(paris("2025-04-14T12:00"), office.plus(paris("2025-04-11T16:00"), Duration.ofHours(4)));
        assertEquals(Duration.ofHours(4), office.between(paris("2025-04-11T16:00"), paris("2025-04-14T12:00")));
    }

    @Test
    void holidaysAreSkipped() {
        // Wednesday 16:00 + 2 h: 1 h on Wednesday; Thursday and Friday are holidays; Monday 10:00
        assertEquals(paris("2025-05-05T10:00"), office.plus(paris("2025-04-30T16:00"), Duration.ofHours(2)));
        assertEquals(Duration.ZERO, office.between(paris("2025-05-01T00:00"), paris("2025-05-05T09:00")));
    }

    @Test
    void startingOutsideHoursCountsFromTheNextOpening() {
        assertEquals(paris("2025-04-14T10:00"), office.plus(paris("2025-04-12T10:00"), Duration.ofHours(1)), "Saturday");
        assertEquals(paris("2025-04-09T09:30"), office.plus(paris("2025-04-08T20:00"), Duration.ofMinutes(30)), "evening");
        assertEquals(paris("2025-04-08T09:30"), office.plus(paris("2025-04-08T06:00"), Duration.ofMinutes(30)), "morning");
        assertEquals(paris("2025-04-08T17:00"), office.plus(paris("2025-04-08T09:00"), Duration.ofHours(8)), "to the close");
    }

    @Test
    void dstSpringForwardDayIsAnHourShorter() {
        // Europe/Paris skips 02:00-03:00 on Sunday 2025-03-30; open every day around the clock
        Map<DayOfWeek, List<BusinessCalendar.OpenHours>> always = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek d : DayOfWeek.values()) {
            always.put(d, List.of(BusinessCalendar.OpenHours.parse("00:00-24:00")));
        }
        BusinessCalendar allDay = new BusinessCalendar("all", PARIS, always, Set.of());
        assertEquals(Duration.ofHours(23), allDay.between(paris("2025-03-30T00:00"), paris("2025-03-31T00:00")));
        // 24 h of open time from Saturday noon ends Sunday 13:00 local: real hours, not wall hours
        assertEquals(paris("2025-03-30T13:00"), allDay.plus(paris("2025-03-29T12:00"), Duration.ofHours(24)));
        // the autumn change gives an hour back
        assertEquals(Duration.ofHours(25), allDay.between(paris("2025-10-26T00:00"), paris("2025-10-27T00:00")));
    }

    @Test
    void openingHoursAcrossTheDstGapCountRealTime() {
        Map<DayOfWeek, List<BusinessCalendar.OpenHours>> night = new EnumMap<>(DayOfWeek.class);
        night.put(DayOfWeek.SUNDAY, List.of(BusinessCalendar.OpenHours.parse("01:00-04:00")));
        BusinessCalendar shift = new BusinessCalendar("night", PARIS, night, Set.of());
        assertEquals(Duration.ofHours(2), shift.between(paris("2025-03-30T00:00"), paris("2025-03-31T00:00")));
        assertEquals(Duration.ofHours(3), shift.between(paris("2025-04-06T00:00"), paris("2025-04-07T00:00")));
    }

    @Test
    void betweenUndoesPlus() {
        Random random = new Random(42);
        Instant origin = paris("2025-01-01T00:00");
        for (int i = 0; i < 2_000; i++) {
            Instant start = origin.plusSeconds(random.nextInt(365 * 86_400));
            Duration amount = Duration.ofSeconds(random.nextInt(40 * 3600));
            Instant end = office.plus(start, amount);
            assertEquals(amount, office.between(start, end), "from " + start + " plus " + amount);
        }
    }

    @Test
    void alwaysOpenCountsEverySecond() {
        WorkingTime always = new WorkingTime.AlwaysOpen();
        Instant t = Instant.parse("2025-03-30T00:30:00Z");
        assertEquals(t.plusSeconds(20), always.plus(t, Duration.ofSeconds(20)));
        assertEquals(Duration.ZERO, always.between(t, t.minusSeconds(1)));
    }

    @Test
    void badHoursAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> BusinessCalendar.OpenHours.parse("17:00-09:00"));
        assertThrows(IllegalArgumentException.class, () -> BusinessCalendar.OpenHours.parse("9h-17h"));
        assertThrows(IllegalArgumentException.class, () -> new BusinessCalendar("x", PARIS, Map.of(), Set.of()));
    }

    /** A queue's hours of operation: open or closed at an instant, and when that changes next. */
    @Test
    void openAndTheNextChange() {
        assertEquals(true, office.isOpen(paris("2025-04-08T09:00")), "the opening minute is open");
        assertEquals(false, office.isOpen(paris("2025-04-08T17:00")), "the closing minute is closed");
        assertEquals(paris("2025-04-08T17:00"), office.nextChange(paris("2025-04-08T10:00")));
        assertEquals(paris("2025-04-09T09:00"), office.nextChange(paris("2025-04-08T17:00")));
        assertEquals(paris("2025-04-14T09:00"), office.nextChange(paris("2025-04-11T18:00")), "over the weekend");
        assertEquals(false, office.isOpen(paris("2025-05-01T10:00")), "a holiday");
        assertEquals(paris("2025-05-05T09:00"), office.nextChange(paris("2025-04-30T17:30")), "over two holidays");
        assertEquals(true, new WorkingTime.AlwaysOpen().isOpen(paris("2025-04-08T03:00")));
        assertEquals(null, new WorkingTime.AlwaysOpen().nextChange(paris("2025-04-08T03:00")));
    }

    /** Periods that meet at midnight are one open spell: the night shift closes at 06:00, not at 24:00. */
    @Test
    void periodsMeetingAtMidnightAreOneSpell() {
        Map<DayOfWeek, List<BusinessCalendar.OpenHours>> weekly = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek day : DayOfWeek.values()) {
            weekly.put(day, List.of(BusinessCalendar.OpenHours.parse("00:00-06:00"),
                    BusinessCalendar.OpenHours.parse("22:00-24:00")));
        }
        BusinessCalendar nights = new BusinessCalendar("nights", PARIS, weekly, Set.of());
        assertEquals(paris("2025-04-09T06:00"), nights.nextChange(paris("2025-04-08T23:00")));
        assertEquals(paris("2025-04-08T22:00"), nights.nextChange(paris("2025-04-08T12:00")));
        // the night DST starts (2025-03-30, 02:00 -> 03:00): the spell is an hour shorter, and still one
        assertEquals(paris("2025-03-30T06:00"), nights.nextChange(paris("2025-03-29T23:00")));
    }

    /** Open around the clock: nothing changes (null), until a holiday says otherwise. */
    @Test
    void aCalendarOpenAroundTheClockChangesOnlyOnHolidays() {
        Map<DayOfWeek, List<BusinessCalendar.OpenHours>> weekly = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek day : DayOfWeek.values()) {
            weekly.put(day, List.of(BusinessCalendar.OpenHours.parse("00:00-24:00")));
        }
        assertEquals(null, new BusinessCalendar("always", PARIS, weekly, Set.of()).nextChange(paris("2025-04-08T12:00")));
        BusinessCalendar christmas = new BusinessCalendar("always", PARIS, weekly, Set.of(LocalDate.of(2025, 12, 25)));
        assertEquals(paris("2025-12-25T00:00"), christmas.nextChange(paris("2025-04-08T12:00")));
        assertEquals(paris("2025-12-26T00:00"), christmas.nextChange(paris("2025-12-25T08:00")));
    }
}
