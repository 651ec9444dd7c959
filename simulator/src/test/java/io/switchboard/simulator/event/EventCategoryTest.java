package io.switchboard.simulator.event;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventCategoryTest {

    @Test
    void masksParseAsManagerDoes() {
        assertEquals(EventCategory.ALL, EventCategory.parseMask("on"));
        assertEquals(EventCategory.ALL, EventCategory.parseMask(""));
        assertEquals(0, EventCategory.parseMask("off"));
        assertEquals(EventCategory.CALL.flag() | EventCategory.AGENT.flag(), EventCategory.parseMask("call,agent"));
        assertEquals("call,all", EventCategory.CALL.privilege());
    }
}
