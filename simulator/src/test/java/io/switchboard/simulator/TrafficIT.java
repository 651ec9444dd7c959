package io.switchboard.simulator;

import io.switchboard.simulator.event.EventLog;
import io.switchboard.simulator.support.RawAgiServer;
import io.switchboard.simulator.traffic.Distribution;
import io.switchboard.simulator.traffic.TrafficGenerator;
import io.switchboard.simulator.traffic.TrafficProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.switchboard.simulator.event.EventLog.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generated traffic against a FastAGI server: every caller reaches the IVR, presses its key, gives up. */
class TrafficIT {

    @Test
    void generatedCallersRunTheIvrAndAbandon() throws Exception {
        try (RawAgiServer agi = new RawAgiServer(s -> {
                s.send("ANSWER");
                String choice = s.send("GET DATA menu 3000 1");
                s.send("SET VARIABLE SB_CHOICE " + choice.substring("200 result=".length()).trim());
            });
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agi.port()).timeScale(10))) {
            TrafficProfile profile = TrafficProfile.defaults()
                .withCallsPerMinute(120)
                .withMaxCalls(8)
                .withPatience(Distribution.uniform(Duration.ofSeconds(5), Duration.ofSeconds(10)));
            TrafficGenerator traffic = asterisk.startTraffic(profile, 11);
            EventLog log = asterisk.events();
            log.awaitCount(event("VarSet", "Variable", "SB_CHOICE"), 8, Duration.ofSeconds(20));
            log.awaitCount(e -> e.name().equals("Hangup"), 16, Duration.ofSeconds(20));
            assertEquals(8, traffic.callsPlaced());
            assertTrue(log.matching(event("VarSet", "Variable", "SB_CHOICE")).stream()
                .allMatch(e -> e.get("Value").matches("[123]")), "every caller chose from the menu");
            assertTrue(agi.failures().isEmpty(), () -> "script: " + agi.failures());
            assertTrue(asterisk.channels().isEmpty());
        }
    }
}
