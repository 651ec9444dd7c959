package io.switchboard.email;

import static io.switchboard.email.EmailReplyIT.deliver;
import static io.switchboard.email.EmailReplyIT.inbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The acknowledgement with the case number, received by a real SMTP server, and the mail loops it must not start. */
@ExtendWith(TestRedis.class)
class EmailAcknowledgementIT {
    @RegisterExtension
    static final GreenMailExtension RELAY = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_EMAIL_FROM", "support@switchboard.example")
                .env("SWITCHBOARD_SMTP_OUT_ENABLED", "true")
                .env("SWITCHBOARD_SMTP_OUT_HOST", "127.0.0.1")
                .env("SWITCHBOARD_SMTP_OUT_PORT", Integer.toString(RELAY.getSmtp().getPort()))
                .env("SWITCHBOARD_SMTP_OUT_STARTTLS", "false").start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String caseOf(String interactionId) {
        return admin.get("/api/v1/interactions/" + interactionId + "/email").expect(200).json().getString("caseId");
    }

    @Test
    void aNewCaseIsAcknowledgedOnceAndRobotsAreNeverAnswered() throws Exception {
        String first = deliver(node, "ada@example.com", inbound("n1@example.com", "Where is my order?", "", "Order 42"));
        String caseId = caseOf(first);
        assertTrue(RELAY.waitForIncomingEmail(5_000, 1));
        MimeMessage ack = RELAY.getReceivedMessages()[0];
        assertEquals("We received your message: Where is my order? [#" + caseId + "]", ack.getSubject());
        assertEquals("ada@example.com", ack.getAllRecipients()[0].toString());
        assertEquals("auto-replied", ack.getHeader("Auto-Submitted", null));
        assertEquals("<n1@example.com>", ack.getHeader("In-Reply-To", null));
        assertTrue(GreenMailUtil.getBody(ack).contains("Your case number is " + caseId), GreenMailUtil.getBody(ack));

        // a reply on the case (by tag), robots, bounces and our own address: no acknowledgement
        deliver(node, "ada@example.com", inbound("n2@example.com", "More [#" + caseId + "]", "", "Any news?"));
        deliver(node, "ada@example.com", inbound("n3@example.com", "Re: Where is my order?",
                "In-Reply-To: <" + ack.getHeader("Message-ID", null).replaceAll("[<>]", "") + ">\n", "Thanks"));
        deliver(node, "bob@example.com", inbound("r1@example.com", "Out of office", "Auto-Submitted: auto-generated\n",
                "I am away").replace("Ada Lovelace <ada@example.com>", "bob@example.com"));
        deliver(node, "", inbound("r2@example.com", "Undeliverable", "", "bounce")
                .replace("Ada Lovelace <ada@example.com>", "MAILER-DAEMON@mx.example.com"));
        deliver(node, "support@switchboard.example", inbound("r3@example.com", "Loop", "", "ourselves")
                .replace("Ada Lovelace <ada@example.com>", "support@switchboard.example"));
        // a person's new case afterwards is acknowledged: once it is here, anything sent before it would be too
        deliver(node, "cy@example.com", inbound("c1@example.com", "Hello", "", "New question")
                .replace("Ada Lovelace <ada@example.com>", "cy@example.com"));
        assertTrue(RELAY.waitForIncomingEmail(5_000, 2));

        List<String> to = Arrays.stream(RELAY.getReceivedMessages()).map(m -> {
            try {
                return m.getAllRecipients()[0].toString();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertEquals(List.of("ada@example.com", "cy@example.com"), to);
        JsonArray thread = admin.get("/api/v1/cases/" + caseId).expect(200).json().getJsonArray("emails");
        assertEquals(List.of("inbound/received", "inbound/received", "inbound/received", "outbound/sent"),
                thread.stream().map(m -> (JsonObject) m).map(m -> m.getString("direction") + "/" + m.getString("status"))
                        .sorted().toList(), "the answer to our acknowledgement threads onto the case too");
        // the relay holds the message a moment before the node hears its 250 and counts it
        Await.until("two acknowledgements sent and three suppressed, counted", () -> {
            String scrape = admin.get("/metrics").expect(200).body();
            String acks = "switchboard_emails_sent_total{kind=\"acknowledgement\",outcome=";
            return scrape.contains(acks + "\"sent\"} 2.0") && scrape.contains(acks + "\"suppressed\"} 3.0");
        });
    }

    /**
     * A subject whose encoded word hides a line break (=0A) reaches the acknowledgement's Subject on one line: it adds
     * no header of the sender's choosing to a mail our relay sends.
     */
    /**
     * With email.selfServiceUrl set, the acknowledgement carries the case's self-service link: its key opens the case
     * with no email address typed, in the page too; a key of another case, or a made-up one, opens nothing.
     */
    @Test
    void theAcknowledgementLinksToTheCase(TestRedis redis, @TempDir Path temp) throws Exception {
        Path config = java.nio.file.Files.createDirectories(temp.resolve("config"));
        java.nio.file.Files.writeString(config.resolve("switchboard.yaml"), """
                email:
                  selfServiceUrl: https://support.example.com/self-service/
                  acknowledgement:
                    body: "Your case is {caseId}. Follow it at {selfServiceLink}"
                """);
        node.close();
        node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_CONFIG_DIR", config.toString())
                .env("SWITCHBOARD_SMTP_OUT_ENABLED", "true")
                .env("SWITCHBOARD_SMTP_OUT_HOST", "127.0.0.1")
                .env("SWITCHBOARD_SMTP_OUT_PORT", Integer.toString(RELAY.getSmtp().getPort()))
                .env("SWITCHBOARD_SMTP_OUT_STARTTLS", "false").start();
        admin = node.api();
        String caseId = caseOf(deliver(node, "ada@example.com", inbound("l1@example.com", "Broken kettle", "", "It leaks.")));
        String other = caseOf(deliver(node, "bob@example.com", inbound("l2@example.com", "Late parcel", "", "Where?")
                .replace("Ada Lovelace <ada@example.com>", "bob@example.com")));
        assertTrue(RELAY.waitForIncomingEmail(5_000, 2));
        String body = Arrays.stream(RELAY.getReceivedMessages()).map(GreenMailUtil::getBody)
                .filter(b -> b.contains(caseId + ".")).findFirst().orElseThrow();
        java.util.regex.Matcher link = java.util.regex.Pattern.compile(
                "https://support\\.example\\.com/self-service/#case=(C-\\d+)&key=([A-Za-z0-9_-]+)").matcher(body);
        assertTrue(link.find(), body);
        assertEquals(caseId, link.group(1));
        String key = link.group(2);

        Api customer = admin.as(null);
        JsonObject view = customer.post("/api/v1/self-service/case", new JsonObject().put("caseId", caseId)
                .put("key", key)).expect(200).json();
        assertEquals("Broken kettle", view.getString("subject"));
        customer.post("/api/v1/self-service/case", new JsonObject().put("caseId", other).put("key", key)).expect(404);
        customer.post("/api/v1/self-service/case", new JsonObject().put("caseId", caseId)
                .put("key", "A".repeat(key.length()))).expect(404);
        customer.post("/api/v1/self-service/case", new JsonObject().put("caseId", caseId).put("key", key)
                .put("email", "ada@example.com")).expect(400);
        customer.post("/api/v1/self-service/case/message", new JsonObject().put("caseId", caseId).put("key", key)
                .put("text", "Still leaking")).expect(200);
        JsonObject onCase = admin.get("/api/v1/cases/" + caseId).expect(200).json();
        assertEquals(2, onCase.getJsonArray("interactions").size());
        String written = onCase.getJsonArray("interactions").getString(1);
        assertEquals("ada@example.com", admin.get("/api/v1/interactions/" + written + "/email").json().getString("from"));

        try (io.switchboard.testing.Browser browser = io.switchboard.testing.Browser.open()) {
            browser.get(admin.base() + "/self-service/#case=" + caseId + "&key=" + key);
            browser.untilText("#case-status", "received");
            assertTrue(browser.text("#updates").contains("Still leaking"), browser.text("#updates"));
        }
    }

    @Test
    void aLineBreakInTheSubjectAddsNoHeaderToTheAcknowledgement() throws Exception {
        String id = deliver(node, "ada@example.com", inbound("h1@example.com", "=?us-ascii?Q?Hi=0AX-Injected:_yes?=",
                "", "Hello"));
        assertTrue(RELAY.waitForIncomingEmail(5_000, 1));
        MimeMessage ack = RELAY.getReceivedMessages()[0];
        assertEquals(null, ack.getHeader("X-Injected"), "no header added");
        assertEquals("We received your message: Hi X-Injected: yes [#" + caseOf(id) + "]", ack.getSubject());
    }

    /** A subject beyond the Basic Multilingual Plane (an emoji) comes back whole, not as "??". */
    @Test
    void anEmojiInTheSubjectComesBackWhole() throws Exception {
        String subject = "Help \uD83D\uDE00 please";
        String encoded = "=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString(
                subject.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "?=";
        String id = deliver(node, "ada@example.com", inbound("e1@example.com", encoded, "", "Hello"));
        assertTrue(RELAY.waitForIncomingEmail(5_000, 1));
        assertEquals("We received your message: " + subject + " [#" + caseOf(id) + "]",
                RELAY.getReceivedMessages()[0].getSubject());

        // a long one: cut at 200 characters, between characters (the emoji at 199-200 stays whole)
        String longSubject = "x".repeat(198) + "\uD83D\uDE00" + "y".repeat(5000);
        String longId = deliver(node, "ada@example.com", inbound("e2@example.com", "=?UTF-8?B?" + java.util.Base64
                .getEncoder().encodeToString(longSubject.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "?=",
                "", "Hello"));
        assertTrue(RELAY.waitForIncomingEmail(5_000, 2));
        assertEquals("We received your message: " + "x".repeat(198) + "\uD83D\uDE00y... [#" + caseOf(longId) + "]",
                RELAY.getReceivedMessages()[1].getSubject());
        // 200 CJK characters encode past a header line's 998: shortened, still readable, its case tag kept
        String cjk = "\u6f22".repeat(300);
        String cjkId = deliver(node, "ada@example.com", inbound("e4@example.com", "=?UTF-8?B?" + java.util.Base64
                .getEncoder().encodeToString(cjk.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "?=", "", "Hi"));
        assertTrue(RELAY.waitForIncomingEmail(5_000, 3));
        String cjkAck = RELAY.getReceivedMessages()[2].getSubject();
        assertTrue(cjkAck.matches("We received your message: \u6f22{50,200}(\\.\\.\\.)? \\[#" + caseOf(cjkId) + "\\]"), cjkAck);
        // the case's subject (200 UTF-16 units) ends before the emoji it would have cut in half
        String cutBefore = "x".repeat(199) + "\uD83D\uDE00" + "y".repeat(10);
        String cutId = deliver(node, "ada@example.com", inbound("e3@example.com", "=?UTF-8?B?" + java.util.Base64
                .getEncoder().encodeToString(cutBefore.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "?=", "", "Hi"));
        assertEquals("x".repeat(199), admin.get("/api/v1/cases/" + caseOf(cutId)).expect(200).json().getString("subject"));
    }

    /** RFC 3834 section 4: the acknowledgement goes to the envelope sender (a list's bounce address), not From. */
    @Test
    void theAcknowledgementGoesToTheEnvelopeSender() throws Exception {
        deliver(node, "bounces+ada=example.com@lists.example.org", inbound("l1@example.com", "Via the list", "",
                "Hello"));
        assertTrue(RELAY.waitForIncomingEmail(5_000, 1));
        assertEquals("bounces+ada=example.com@lists.example.org",
                RELAY.getReceivedMessages()[0].getAllRecipients()[0].toString());
    }

    /**
     * The relay is down when a new case is acknowledged: the failure is on the thread, the acknowledgement waits in
     * the outbox, and a minute later (the first retry delay) it goes out once the relay is back.
     */
    @Test
    void aFailedAcknowledgementIsSentAgainOnceTheRelayIsBack(TestRedis redis, @TempDir Path temp) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort(); // nothing listens there until the relay comes back
        }
        TestClock clock = new TestClock();
        GreenMail relay = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        try (TestNode down = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).clock(clock)
                .env("SWITCHBOARD_EMAIL_FROM", "support@switchboard.example")
                .env("SWITCHBOARD_SMTP_OUT_ENABLED", "true").env("SWITCHBOARD_SMTP_OUT_HOST", "127.0.0.1")
                .env("SWITCHBOARD_SMTP_OUT_PORT", Integer.toString(port))
                .env("SWITCHBOARD_SMTP_OUT_STARTTLS", "false").start()) {
            Api api = down.api();
            String id = deliver(down, "ada@example.com", inbound("d1@example.com", "Relay down", "", "Hello"));
            String caseId = api.get("/api/v1/interactions/" + id + "/email").expect(200).json().getString("caseId");
            Await.until("the failed attempt on the thread", () -> statuses(api, caseId).contains("outbound/failed"));

            relay.start();
            clock.advance(Duration.ofSeconds(61));
            assertTrue(relay.waitForIncomingEmail(15_000, 1), "sent again once due");
            assertEquals("ada@example.com", relay.getReceivedMessages()[0].getAllRecipients()[0].toString());
            Await.until("the retry on the thread", () -> statuses(api, caseId).contains("outbound/sent"));
            assertEquals(List.of("inbound/received", "outbound/failed", "outbound/sent"), statuses(api, caseId));
        } finally {
            relay.stop();
        }
    }

    private static List<String> statuses(Api api, String caseId) {
        return api.get("/api/v1/cases/" + caseId).expect(200).json().getJsonArray("emails").stream()
                .map(m -> (JsonObject) m).map(m -> m.getString("direction") + "/" + m.getString("status"))
                .sorted().toList();
    }
}
