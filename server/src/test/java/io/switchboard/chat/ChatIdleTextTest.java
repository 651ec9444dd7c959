package io.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The idle-close text says the timeout as configured: whole minutes in minutes, else seconds, singular for one. */
class ChatIdleTextTest {
    @Test
    void saysTheTimeoutAsItIs() {
        assertEquals("90 seconds", ChatSession.idleTime(Duration.ofSeconds(90)), "not '1 minutes'");
        assertEquals("1 second", ChatSession.idleTime(Duration.ofSeconds(1)));
        assertEquals("1 minute", ChatSession.idleTime(Duration.ofMinutes(1)));
        assertEquals("10 minutes", ChatSession.idleTime(Duration.ofMinutes(10)));
    }
}
