package io.switchboard.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Nothing a caller sends may add a line to an AGI command or an AMI action. */
class LineTextTest {

    @Test
    void controlCharactersAreRefusedOrRemoved() {
        String injection = "Ann\r\nAction: Originate\r\nChannel: PJSIP/premium";
        assertFalse(LineText.isSafe(injection));
        assertThrows(IllegalArgumentException.class, () -> LineText.require("value", injection));
        assertEquals("AnnAction: OriginateChannel: PJSIP/premium", LineText.clean(injection));
        assertEquals("x".repeat(80), LineText.clean("x".repeat(500)));
        assertEquals("101", VoiceChannel.extension("PJSIP/101"));
        assertEquals("101", VoiceChannel.extension("Local/101@agents"));
        assertEquals("7000", VoiceChannel.extension("7000"));
    }
}
