package io.switchboard.simulator.queue;

import io.switchboard.simulator.event.Header;
import io.switchboard.simulator.support.Traces;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** app_queue's member container order, checked against the QueueStatus reply of the capture. */
class MemberOrderTest {

    @Test
    void membersComeInTheOrderOfTheCapturedQueueStatus() {
        List<String> captured = Traces.amiSections().get("scenario 2").stream()
            .filter(f -> f.get(0).value().equals("QueueMember"))
            .map(f -> f.stream().filter(h -> h.name().equals("Name")).findFirst().map(Header::value).orElseThrow())
            .toList();
        CallQueue support = QueueConfig.defaults().build(0).get("support");
        assertEquals(captured, support.members().stream().map(QueueMember::interfaceName).toList());
    }

    @Test
    void queuesConfHasTheCapturedSettings() {
        CallQueue support = QueueConfig.defaults().build(0).get("support");
        assertEquals("leastrecent", support.strategy());
        assertEquals(15, support.timeoutSeconds());
        assertEquals(1, support.retrySeconds());
        assertEquals(20, support.serviceLevel());
        assertEquals(50, support.members().size());
        assertEquals("Local/101@agents", support.member("Local/101@agents/n").device());
    }
}
