package io.switchboard.simulator;

import io.switchboard.simulator.event.Header;
import io.switchboard.simulator.support.AjEvents;
import io.switchboard.simulator.support.RawAmiClient;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.action.PingAction;
import org.asteriskjava.manager.event.ConnectEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.response.PingResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.switchboard.simulator.support.RawAmiClient.event;
import static io.switchboard.simulator.support.RawAmiClient.response;
import static io.switchboard.simulator.support.RawAmiClient.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad clients must not hurt good ones: malformed input is answered as Asterisk answers it, a client that
 * vanishes mid-action leaves the server serving everyone else, and the server can be stopped, restarted
 * and have its connections dropped while a real client library reconnects.
 */
class AmiRobustnessIT {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Port 1: no FastAGI server, so calls placed here never reach a real one running on 4573. */
    private static SimulatorConfig config() {
        return SimulatorConfig.defaults().agiPort(1).timeScale(10).loginFailureDelay(Duration.ofMillis(10));
    }

    @Test
    void malformedInputIsAnsweredAndOtherClientsKeepWorking() throws Exception {
        try (SimulatedAsterisk asterisk = SimulatedAsterisk.start(config());
             RawAmiClient good = new RawAmiClient(asterisk.amiPort());
             RawAmiClient bad = new RawAmiClient(asterisk.amiPort())) {
            good.login("good-login");

            // Before login only Login, Logoff and Challenge are allowed.
            bad.send("Action", "Ping", "ActionID", "early");
            assertEquals("Permission denied", value(bad.awaitFrame(response("early"), WAIT), "Message"));
            bad.login("bad-login");

            // A blank line alone is a message without an Action.
            bad.sendRaw("\r\n");
            assertEquals("Missing action in request",
                value(bad.awaitFrame(f -> "Missing action in request".equals(value(f, "Message")), WAIT), "Message"));

            // Garbage lines without colons, then the end of the message.
            bad.sendRaw("this is not AMI\r\n\u0001\u0002\u00ff garbage\r\nActionID: junk-1\r\n\r\n");
            assertEquals("Error", value(bad.awaitFrame(response("junk-1"), WAIT), "Response"));

            bad.send("Action", "NoSuchThing", "ActionID", "unknown-1");
            assertEquals("Invalid/unknown command: NoSuchThing. Use Action: ListCommands to show available commands.",
                value(bad.awaitFrame(response("unknown-1"), WAIT), "Message"));

            // A line far beyond Asterisk's 1 KiB buffer is discarded and the message refused.
            bad.sendRaw("Action: Ping\r\nActionID: long-1\r\nX-Junk: " + "x".repeat(64 * 1024) + "\r\n\r\n");
            List<Header> tooLong = bad.awaitFrame(f -> "Failed to parse message: line too long".equals(value(f, "Message")), WAIT);
            assertEquals("Error", value(tooLong, "Response"));

            // More than 128 header lines.
            StringBuilder many = new StringBuilder("Action: Ping\r\nActionID: many-1\r\n");
            for (int i = 0; i < 200; i++) {
                many.append("X-Header-").append(i).append(": ").append(i).append("\r\n");
            }
            bad.sendRaw(many.append("\r\n").toString());
            bad.awaitFrame(f -> "Too many lines in message or allocation failure".equals(value(f, "Message")), WAIT);

            // The misbehaving client itself still works, and so does everyone else.
            bad.send("Action", "Ping", "ActionID", "ping-bad");
            assertEquals("Pong", value(bad.awaitFrame(response("ping-bad"), WAIT), "Ping"));
            good.send("Action", "Ping", "ActionID", "ping-good");
            assertEquals("Pong", value(good.awaitFrame(response("ping-good"), WAIT), "Ping"));
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            good.awaitFrame(event("Newchannel", "Channel", call.callerChannel()), WAIT);
            bad.awaitFrame(event("Newchannel", "Channel", call.callerChannel()), WAIT);
        }
    }

    @Test
    void clientVanishingMidActionDoesNotDisturbOthers() throws Exception {
        try (SimulatedAsterisk asterisk = SimulatedAsterisk.start(config());
             RawAmiClient watcher = new RawAmiClient(asterisk.amiPort())) {
            watcher.login("watcher");
            asterisk.agentPhone("120", io.switchboard.simulator.pbx.PhoneBehavior.answersAfter(Duration.ofSeconds(2), Duration.ofSeconds(1)));

            // A synchronous Originate keeps the action open until the phone answers; the client leaves first.
            RawAmiClient quitter = new RawAmiClient(asterisk.amiPort());
            quitter.login("quitter");
            quitter.send("Action", "Originate", "ActionID", "sync-1", "Channel", "Local/120@agents",
                "Context", "caller", "Exten", "s", "Priority", "1");
            quitter.sendRaw("Action: Ping\r\nActionID: half"); // and half a message
            quitter.close();

            watcher.awaitFrame(event("Newexten", "Context", "caller", "Application", "Wait"), WAIT);
            watcher.send("Action", "Ping", "ActionID", "still-there");
            assertEquals("Pong", value(watcher.awaitFrame(response("still-there"), WAIT), "Ping"));
            assertEquals(1, asterisk.amiConnections());
        }
    }

    @Test
    void failedLoginIsRefusedAndTheConnectionClosed() throws Exception {
        try (SimulatedAsterisk asterisk = SimulatedAsterisk.start(config());
             RawAmiClient client = new RawAmiClient(asterisk.amiPort())) {
            client.send("Action", "Login", "ActionID", "wrong", "Username", "cti", "Secret", "nope");
            List<Header> answer = client.awaitFrame(response("wrong"), WAIT);
            assertEquals("Error", value(answer, "Response"));
            assertEquals("Authentication failed", value(answer, "Message"));
            assertTrue(client.awaitClosed(WAIT));
        }
    }

    @Test
    void eventsOffStillAnswersActions() throws Exception {
        try (SimulatedAsterisk asterisk = SimulatedAsterisk.start(config());
             RawAmiClient quiet = new RawAmiClient(asterisk.amiPort());
             RawAmiClient loud = new RawAmiClient(asterisk.amiPort())) {
            quiet.send("Action", "Login", "ActionID", "q", "Username", "cti", "Secret", "ctisecret", "Events", "off");
            quiet.awaitFrame(response("q"), WAIT);
            loud.login("l");
            SimulatedCall call = asterisk.placeCall(CallSpec.create());
            loud.awaitFrame(event("Newchannel", "Channel", call.agiChannel()), WAIT);
            quiet.send("Action", "Ping", "ActionID", "p");
            quiet.awaitFrame(response("p"), WAIT);
            assertTrue(quiet.frames().stream().noneMatch(f -> value(f, "Event") != null), "no events with Events: off");
        }
    }

    @Test
    void stopRestartAndDropLetAClientLibraryReconnect() throws Exception {
        try (SimulatedAsterisk asterisk = SimulatedAsterisk.start(config())) {
            int port = asterisk.amiPort();
            ManagerConnection mc = new ManagerConnectionFactory("127.0.0.1", port, "cti", "ctisecret").createManagerConnection();
            AjEvents events = new AjEvents();
            mc.addEventListener(events);
            mc.login();
            try {
                events.await(ConnectEvent.class, e -> true, WAIT); // the login's own
                asterisk.stopAmi();
                events.await(DisconnectEvent.class, e -> true, WAIT);
                RawAmiClient refused = null;
                try {
                    refused = new RawAmiClient(port);
                } catch (java.io.IOException expected) {
                    // nobody listens while stopped
                } finally {
                    assertTrue(refused == null, "AMI must not accept connections while stopped");
                }
                asterisk.startAmi();
                assertEquals(port, asterisk.amiPort(), "restarted on the same port");
                events.awaitCount(ConnectEvent.class, e -> true, 2, Duration.ofSeconds(15));
                assertEquals(ManagerConnectionState.CONNECTED, mc.getState());
                assertEquals("Pong", assertInstanceOf(PingResponse.class, mc.sendAction(new PingAction())).getPing());

                asterisk.dropAmiConnections();
                events.awaitCount(DisconnectEvent.class, e -> true, 2, WAIT);
                events.awaitCount(ConnectEvent.class, e -> true, 3, Duration.ofSeconds(15));
                assertEquals("Pong", assertInstanceOf(PingResponse.class, mc.sendAction(new PingAction())).getPing());
                assertNotEquals(0, asterisk.amiLoggedIn());
                assertFalse(events.of(ConnectEvent.class).isEmpty());
            } finally {
                mc.logoff();
            }
        }
    }
}
