package io.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** A London office open 08:00-18:00 on weekdays, as an SLA file's calendar, and instants either side of an opening. */
public final class OfficeHours {
    /** A Monday, a minute before London opens (GMT: London's clock is UTC in December). */
    public static final Instant MONDAY_0759 = Instant.parse("2026-12-07T07:59:00Z");
    public static final Instant MONDAY_0800 = Instant.parse("2026-12-07T08:00:00Z");

    private static final String CALENDARS = """
            calendars:
              office:
                timeZone: Europe/London
                hours:
                  monday: "08:00-18:00"
                  tuesday: "08:00-18:00"
                  wednesday: "08:00-18:00"
                  thursday: "08:00-18:00"
                  friday: "08:00-18:00"
            """;

    private OfficeHours() {
    }

    /** An SLA file in {@code dir} that defines the calendar {@code office} and no agreement. */
    public static Path slaFile(Path dir) {
        try {
            return Files.writeString(dir.resolve("sla.yaml"), CALENDARS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
