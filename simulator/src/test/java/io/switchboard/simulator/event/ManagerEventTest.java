package io.switchboard.simulator.event;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ManagerEventTest {

    private final ManagerEvent event = ManagerEvent.builder("Newstate", EventCategory.CALL)
        .header("Channel", "Local/8000@from-pstn-00000000;2")
        .timestamp(1_795_369_009_123_456L)
        .build();

    @Test
    void frameStartsWithEventAndPrivilege() {
        assertEquals(List.of(new Header("Event", "Newstate"), new Header("Privilege", "call,all"),
            new Header("Channel", "Local/8000@from-pstn-00000000;2")), event.frame(false));
    }

    @Test
    void timestampeventsPutsTheTimestampRightAfterPrivilege() {
        assertEquals(new Header("Timestamp", "1795369009.123456"), event.frame(true).get(2));
        assertEquals("Channel", event.frame(true).get(3).name());
    }
}
