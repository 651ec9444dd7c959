package io.switchboard.voice.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HoldScriptTest {

    @Test
    void theWaitIsToldInWholeMinutesRoundedUp() {
        assertEquals(1, HoldScript.minutes(0));
        assertEquals(1, HoldScript.minutes(59.9));
        assertEquals(3, HoldScript.minutes(180));
        assertEquals(4, HoldScript.minutes(180.5));
        assertEquals(6, HoldScript.minutes(360));
    }
}
