package io.switchboard.simulator.agi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** parse_args() of res_agi, on the command lines of the capture and a few harder ones. */
class AgiCommandLineTest {

    @Test
    void emptyQuotesAreAnEmptyArgument() {
        assertEquals(List.of("STREAM", "FILE", "silence/1", ""), AgiCommandLine.parse("STREAM FILE silence/1 \"\""));
    }

    @Test
    void quotesGroupWords() {
        assertEquals(List.of("VERBOSE", "switchboard queued", "1"), AgiCommandLine.parse("VERBOSE \"switchboard queued\" 1"));
    }

    @Test
    void commasStayInsideTheArgument() {
        assertEquals(List.of("EXEC", "MusicOnHold", "default,1"), AgiCommandLine.parse("EXEC MusicOnHold default,1"));
    }

    @Test
    void backslashEscapesAndRepeatedBlanks() {
        assertEquals(List.of("SET", "VARIABLE", "X", "a \"b\""), AgiCommandLine.parse("SET  VARIABLE\tX \"a \\\"b\\\"\""));
        assertEquals(List.of(), AgiCommandLine.parse(""));
    }
}
