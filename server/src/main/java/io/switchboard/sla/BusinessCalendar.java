package io.switchboard.sla;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Business hours: weekly opening hours in a time zone, minus holidays. A target with a calendar
 * counts only open time, so "4 h" on a Friday at 16:00 with 9-17 hours ends Monday at 12:00.
 *
 * <p>Opening hours are local wall times; instants are computed with {@link java.time.ZonedDateTime},
 * so a DST change shortens or lengthens that day's open period by the real hour gained or lost.
 */
public final class BusinessCalendar implements WorkingTime {
    /** A search never walks further than this: a calendar with hours finds open time within a week plus holidays. */
    private static final int MAX_DAYS = 3 * 366;

    private final String name;
    private final ZoneId zone;
    private final Map<DayOfWeek, List<OpenHours>> weekly;
    private final Set<LocalDate> holidays;

    /** Open from {@code from} to {@code to} (exclusive) in minutes after local midnight; {@code to} may be 1440. */
    public record OpenHours(int fromMinute, int toMinute) {
        public OpenHours {
            if (fromMinute < 0 || toMinute > 1440 || fromMinute >= toMinute) {
                throw new IllegalArgumentException("opening hours must be within 00:00-24:00 and end after they start");
            }
        }

        /** Parses {@code "09:00-17:30"}; {@code 24:00} is the end of the day. */
        public static OpenHours parse(String text) {
            String[] parts = text.trim().split("-");
            if (parts.length != 2) {
                throw new IllegalArgumentException("opening hours look like 09:00-17:00, was '" + text + "'");
            }
            return new OpenHours(minute(parts[0]), minute(parts[1]));
        }

        private static int minute(String hhmm) {
            String t = hhmm.trim();
            if (t.equals("24:00")) {
                return 1440;
            }
            try {
                LocalTime time = LocalTime.parse(t.length() == 4 ? "0" + t : t);
                return time.getHour() * 60 + time.getMinute();
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("expected a time HH:MM, was '" + hhmm + "'");
            }
        }
    }

    public BusinessCalendar(String name, ZoneId zone, Map<DayOfWeek, List<OpenHours>> weekly, Set<LocalDate> holidays) {
        this.name = Objects.requireNonNull(name, "name");
        this.zone = Objects.requireNonNull(zone, "zone");
        Map<DayOfWeek, List<OpenHours>> copy = new EnumMap<>(DayOfWeek.class);
        weekly.forEach((day, hours) -> {
            List<OpenHours> sorted = new ArrayList<>(hours);
            sorted.sort(java.util.Comparator.comparingInt(OpenHours::fromMinute));
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i).fromMinute() < sorted.get(i - 1).toMinute()) {
                    throw new IllegalArgumentException("opening hours of " + day + " overlap");
                }
            }
            copy.put(day, List.copyOf(sorted));
        });
        if (copy.values().stream().allMatch(List::isEmpty)) {
            throw new IllegalArgumentException("calendar '" + name + "' has no opening hours");
        }
        this.weekly = copy;
        this.holidays = Set.copyOf(holidays);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ZoneId zone() {
        return zone;
    }

    @Override
    public Instant plus(Instant start, Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("amount must not be negative");
        }
        Duration left = amount;
        LocalDate day = start.atZone(zone).toLocalDate();
        for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
            for (Instant[] open : openPeriods(day)) {
                Instant from = open[0].isAfter(start) ? open[0] : start;
                if (!open[1].isAfter(from)) {
                    continue;
                }
                Duration available = Duration.between(from, open[1]);
                if (left.compareTo(available) <= 0) {
                    return from.plus(left);
                }
                left = left.minus(available);
            }
        }
        throw new IllegalStateException("calendar '" + name + "' has no open time within " + MAX_DAYS + " days of " + start);
    }

    @Override
    public Duration between(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Duration.ZERO;
        }
        Duration total = Duration.ZERO;
        LocalDate day = from.atZone(zone).toLocalDate();
        LocalDate last = to.atZone(zone).toLocalDate();
        for (; !day.isAfter(last); day = day.plusDays(1)) {
            for (Instant[] open : openPeriods(day)) {
                Instant a = open[0].isAfter(from) ? open[0] : from;
                Instant b = open[1].isBefore(to) ? open[1] : to;
                if (b.isAfter(a)) {
                    total = total.plus(Duration.between(a, b));
                }
            }
        }
        return total;
    }

    @Override
    public boolean isOpen(Instant at) {
        for (Instant[] open : openPeriods(at.atZone(zone).toLocalDate())) {
            if (!at.isBefore(open[0]) && at.isBefore(open[1])) {
                return true;
            }
        }
        return false;
    }

    /**
     * When open: the end of the open spell {@code at} is in, periods that meet (22:00-24:00, then 00:00-06:00)
     * counting as one. When closed: the start of the next open period. Null when nothing changes within the search
     * (a calendar open around the clock with no holiday ahead).
     */
    @Override
    public Instant nextChange(Instant at) {
        boolean open = isOpen(at);
        Instant edge = at;
        LocalDate day = at.atZone(zone).toLocalDate();
        for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
            for (Instant[] period : openPeriods(day)) {
                if (!open && period[0].isAfter(at)) {
                    return period[0];
                }
                if (open && period[0].isAfter(edge)) {
                    return edge;
                }
                if (open && period[1].isAfter(edge)) {
                    edge = period[1];
                }
            }
        }
        return null;
    }

    /** The open periods of one local date as instants; none on a holiday. */
    private List<Instant[]> openPeriods(LocalDate day) {
        if (holidays.contains(day)) {
            return List.of();
        }
        List<Instant[]> periods = new ArrayList<>();
        for (OpenHours hours : weekly.getOrDefault(day.getDayOfWeek(), List.of())) {
            periods.add(new Instant[] {at(day, hours.fromMinute()), at(day, hours.toMinute())});
        }
        return periods;
    }

    /** Local wall time to an instant; a time in a DST gap moves forward by the gap, as ZonedDateTime does. */
    private Instant at(LocalDate day, int minute) {
        ZonedDateTime zoned = minute == 1440 ? day.plusDays(1).atStartOfDay(zone)
                : day.atTime(minute / 60, minute % 60).atZone(zone);
        return zoned.toInstant();
    }
}
