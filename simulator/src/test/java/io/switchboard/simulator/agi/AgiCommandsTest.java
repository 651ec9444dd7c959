package io.switchboard.simulator.agi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** find_command(): words must all match, case-insensitively; dead-channel permissions as res_agi's. */
class AgiCommandsTest {

    @Test
    void findsCommandsByTheirWords() {
        assertEquals(List.of("get", "variable"), AgiCommands.find(List.of("GET", "VARIABLE", "X")).words());
        assertEquals(List.of("get", "data"), AgiCommands.find(List.of("get", "data", "beep")).words());
        assertNull(AgiCommands.find(List.of("GET")));
        assertNull(AgiCommands.find(List.of("FROBNICATE")));
        assertNull(AgiCommands.find(List.of()));
    }

    @Test
    void onlySomeCommandsRunOnADeadChannel() {
        assertTrue(AgiCommands.find(List.of("GET", "VARIABLE", "X")).deadSafe());
        assertTrue(AgiCommands.find(List.of("EXEC", "NoOp")).deadSafe());
        assertTrue(AgiCommands.find(List.of("NOOP")).deadSafe());
        assertFalse(AgiCommands.find(List.of("ANSWER")).deadSafe());
        assertFalse(AgiCommands.find(List.of("STREAM", "FILE", "x", "")).deadSafe());
        assertFalse(AgiCommands.find(List.of("WAIT", "FOR", "DIGIT", "1")).deadSafe());
    }
}
