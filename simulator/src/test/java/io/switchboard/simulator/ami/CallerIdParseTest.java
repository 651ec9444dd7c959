package io.switchboard.simulator.ami;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** ast_callerid_parse() on the forms Originate's CallerID header takes. */
class CallerIdParseTest {

    @Test
    void parsesNameAndNumber() {
        assertArrayEquals(new String[] {"Ann Caller", "15551230001"}, ChannelActions.parseCallerId("\"Ann Caller\" <15551230001>"));
        assertArrayEquals(new String[] {"Agent 102", "102"}, ChannelActions.parseCallerId("Agent 102 <102>"));
        assertArrayEquals(new String[] {null, "15551230001"}, ChannelActions.parseCallerId("15551230001"));
        assertArrayEquals(new String[] {"Reception", null}, ChannelActions.parseCallerId("Reception"));
        assertArrayEquals(new String[] {null, null}, ChannelActions.parseCallerId(""));
        assertArrayEquals(new String[] {null, "5551234"}, ChannelActions.parseCallerId("<555-1234>"));
    }
}
