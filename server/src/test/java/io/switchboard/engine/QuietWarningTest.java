package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class QuietWarningTest {
    /** A sweep failing every 100 ms while Redis is away says so once, not ten times a second. */
    @Test
    void aRepeatingFailureIsToldOncePerPeriod() {
        Logger log = (Logger) LoggerFactory.getLogger(QuietWarningTest.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            QuietWarning failures = new QuietWarning(QuietWarningTest.class);
            for (int i = 0; i < 50; i++) {
                failures.warn("sweep failed: {}", "Redis unavailable");
            }
            assertEquals(List.of("sweep failed: Redis unavailable"),
                    seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        } finally {
            log.detachAppender(seen);
        }
    }
}
