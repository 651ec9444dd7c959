package io.switchboard.simulator;

import io.switchboard.simulator.agi.AgiTranscript;
import io.switchboard.simulator.pbx.SoundLibrary;
import io.switchboard.simulator.support.AgiServerFixture;
import io.switchboard.simulator.support.RawAgiServer;
import io.switchboard.simulator.support.Traces;
import org.asteriskjava.fastagi.AgiRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator's FastAGI client against the capture's fastagi-session.txt: the environment block, the
 * replies to the captured commands, and the session as a FastAGI server library (Asterisk-Java) sees it.
 */
class FastAgiTraceIT {

    /** The capture's clock: the first channels get Uniqueids 1795369009.0 and .1 as in the trace. */
    private static SimulatorConfig traceLike(int agiPort) {
        return SimulatorConfig.defaults()
            .agiPort(agiPort)
            .sounds(SoundLibrary.none())
            .startEpochMicros(1_795_369_009_000_000L)
            .timeScale(1);
    }

    private static String expectedSession(int port) {
        return Traces.fastAgiSession().replace("agi://127.0.0.1:4573/", "agi://127.0.0.1:" + port + "/");
    }

    @Test
    void transcriptEqualsTheCapturedSession() throws Exception {
        List<String> commands = Traces.fastAgiCommands();
        try (RawAgiServer agi = new RawAgiServer(session -> {
                for (String c : commands) {
                    session.send(c);
                }
            });
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(traceLike(agi.port()))) {
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            AgiTranscript transcript = call.awaitAgiSessionClosed(Duration.ofSeconds(10));
            assertEquals(expectedSession(agi.port()), transcript.format());
            assertTrue(agi.failures().isEmpty(), () -> "script failed: " + agi.failures());
        }
    }

    @Test
    void asteriskJavaParsesTheCapturedEnvironmentAndGetsTheCapturedReplies() throws Exception {
        List<String> commands = Traces.fastAgiCommands();
        try (AgiServerFixture agi = new AgiServerFixture((request, channel) -> {
                for (String c : commands) {
                    channel.sendCommand(new AgiServerFixture.Raw(c));
                }
            });
             SimulatedAsterisk asterisk = SimulatedAsterisk.start(traceLike(agi.port()))) {
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            AgiTranscript transcript = call.awaitAgiSessionClosed(Duration.ofSeconds(10));

            assertEquals(1, agi.requests().size());
            AgiRequest r = agi.requests().get(0);
            assertEquals("inbound", r.getScript());
            assertEquals("agi://127.0.0.1:" + agi.port() + "/inbound", r.getRequestURL());
            assertEquals("Local/8000@from-pstn-00000000;2", r.getChannel());
            assertEquals("en", r.getLanguage());
            assertEquals("Local", r.getType());
            assertEquals("1795369009.1", r.getUniqueId());
            assertTrue(String.valueOf(r.getAsteriskVersion()).contains("22"), "agi_version 22.10.1");
            assertEquals("15551230001", r.getCallerIdNumber());
            assertEquals("Ann Caller", r.getCallerIdName());
            assertNull(r.getDnid(), "agi_dnid: unknown");
            assertNull(r.getRdnis(), "agi_rdnis: unknown");
            assertEquals("from-pstn", r.getContext());
            assertEquals("8000", r.getExtension());
            assertEquals(3, r.getPriority());
            assertEquals(Boolean.FALSE, r.getEnhanced());
            assertEquals("", r.getAccountCode() == null ? "" : r.getAccountCode());
            assertTrue(agi.failures().isEmpty(), () -> "script failed: " + agi.failures());

            // The environment block byte for byte, and the replies to the captured commands.
            List<String> env = Traces.fastAgiEnvironment().stream()
                .map(l -> l.replace("127.0.0.1:4573", "127.0.0.1:" + agi.port())).toList();
            assertEquals(env, transcript.environment());
            String expected = expectedSession(agi.port());
            assertTrue(transcript.format().startsWith(expected),
                () -> "transcript differs from the capture:\n" + transcript.format());
        }
    }
}
