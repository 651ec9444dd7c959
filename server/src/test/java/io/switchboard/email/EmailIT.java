package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Api;
import io.switchboard.testing.Rules;
import io.switchboard.testing.SmtpClient;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.lettuce.core.RedisClient;
import io.switchboard.store.redis.RedisKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Inbound email over a real SMTP socket: interactions, customers and case threading. */
@ExtendWith(TestRedis.class)
class EmailIT {
    private TestNode node;
    private Api admin;
    private String prefix;
    private String redisUri;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        prefix = redis.newPrefix();
        redisUri = redis.uri();
        node = TestNode.on(redis, prefix).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_EMAIL_THREAD_DAYS", "30").start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private static String message(String messageId, String subject, String headers, String body) {
        return "From: Ada Lovelace <ada@example.com>\nTo: support@switchboard.example\nSubject: " + subject
                + "\nMessage-ID: <" + messageId + ">\n" + headers + "\n" + body + "\n";
    }

    private String interactionOf(String reply) {
        SmtpClient.expect("250", reply);
        return reply.substring(reply.lastIndexOf(' ') + 1);
    }

    /** Rules that give email no route are the operator's mistake: the sender is told to try again, not bounced. */
    @Test
    void mailTheRulesGiveNoRouteIsRefusedForNowNotForGood(TestRedis redis, @TempDir Path temp) {
        try (TestNode chatOnly = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, """
                queues:
                  support: {members: 'true', channels: [voice, chat]}
                workflow: default
                default: {steps: [{queue: support}]}
                """)).start();
             SmtpClient smtp = new SmtpClient(chatOnly.server().smtpPort())) {
            smtp.reply();
            SmtpClient.expect("250", smtp.command("EHLO client.example"));
            String reply = smtp.send("ada@example.com", "support@switchboard.example",
                    message("nr1@example.com", "Hello", "", "Anyone?"));
            assertTrue(reply.startsWith("451 "), "the MTA keeps it and tries again: " + reply);
        }
    }

    @Test
    void repliesThreadOntoTheirCaseByTagOrByReferences() {
        try (SmtpClient smtp = new SmtpClient(node.server().smtpPort())) {
            assertTrue(smtp.reply().startsWith("220 switchboard"));
            String ehlo = smtp.command("EHLO client.example");
            assertTrue(ehlo.contains("250-SIZE 10485760"), ehlo);

            String first = interactionOf(smtp.send("ada@example.com", "support@switchboard.example",
                    message("m1@example.com", "Charged twice", "", "I was charged twice.\n.signature line")));
            JsonObject interaction = admin.get("/api/v1/interactions/" + first).expect(200).json();
            assertEquals("email", interaction.getString("channel"));
            assertEquals("Charged twice", interaction.getJsonObject("attributes").getString("subject"));
            String customerId = interaction.getString("customerId");
            JsonObject email = admin.get("/api/v1/interactions/" + first + "/email").expect(200).json();
            assertEquals("I was charged twice.\r\n.signature line", email.getString("text"), "dot-stuffing undone");
            String caseId = email.getString("caseId");

            assertThreadedFor(Duration.ofDays(30), "m1@example.com");

            String byReference = interactionOf(smtp.send("ada@example.com", "support@switchboard.example",
                    message("m2@example.com", "Re: Charged twice", "In-Reply-To: <m1@example.com>\n", "Any news?")));
            admin.post("/api/v1/cases/" + caseId + "/resolve", new JsonObject().put("resolution", "Refunded"))
                    .expect(200);
            String byTag = interactionOf(smtp.send("ada@example.com", "support@switchboard.example",
                    message("m3@example.com", "Still charged [#" + caseId + "]", "", "Not refunded yet")));
            String fresh = interactionOf(smtp.send("ada@example.com", "support@switchboard.example",
                    message("m4@example.com", "Another topic", "", "New question")));

            JsonObject thread = admin.get("/api/v1/cases/" + caseId).expect(200).json();
            assertEquals(List.of(first, byReference, byTag), thread.getJsonArray("interactions").getList());
            assertEquals("open", thread.getString("status"), "a reply reopens a resolved case");
            assertEquals(false, thread.getBoolean("firstContactResolution"));

            JsonObject view = admin.get("/api/v1/customers/" + customerId).expect(200).json();
            assertEquals("Ada Lovelace", view.getString("name"));
            assertEquals(List.of("ada@example.com"), view.getJsonArray("emails").getList());
            JsonArray cases = view.getJsonArray("cases");
            assertEquals(2, cases.size());
            assertEquals(List.of(fresh), cases.getJsonObject(0).getJsonArray("interactions").getList());
            assertEquals(4, view.getJsonArray("interactions").size());

            assertTrue(smtp.command("QUIT").startsWith("221"));
        }
        String scrape = admin.get("/metrics").expect(200).body();
        assertTrue(scrape.contains("switchboard_emails_received_total{outcome=\"threaded\"} 2.0"), scrape);
        assertTrue(scrape.contains("switchboard_emails_received_total{outcome=\"new_case\"} 2.0"), scrape);
    }

    /** An HTML-only mail reaches the agent as readable text: a line per paragraph and item, entities decoded. */
    @Test
    void anHtmlOnlyMailReadsAsText() {
        try (SmtpClient smtp = new SmtpClient(node.server().smtpPort())) {
            smtp.reply();
            smtp.command("EHLO client.example");
            String id = interactionOf(smtp.send("ada@example.com", "support@switchboard.example", message(
                    "h1@example.com", "Broken cups", "MIME-Version: 1.0\nContent-Type: text/html; charset=UTF-8\n",
                    "<html><head><style>p{margin:0}</style></head><body><p>Hi&nbsp;there,</p>"
                            + "<p>Two cups from Caf&eacute; &amp; Co arrived <b>broken</b>:</p>"
                            + "<ol><li>the blue one</li><li>the &quot;big&quot; one</li></ol></body></html>")));
            assertEquals("Hi there,\n\nTwo cups from Café & Co arrived broken:\n\n- the blue one\n- the \"big\" one",
                    admin.get("/api/v1/interactions/" + id + "/email").expect(200).json().getString("text"));
        }
    }

    /**
     * An out-of-office answering our mail on a resolved case: kept on the case's thread, where agents see it, not routed
     * to anyone, and the case stays resolved (it used to reopen it, count it against first-contact resolution and start
     * its clocks again).
     */
    @Test
    void anAutoReplyIsKeptOnItsCaseWithoutReopeningIt() {
        try (SmtpClient smtp = new SmtpClient(node.server().smtpPort())) {
            smtp.reply();
            smtp.command("EHLO client.example");
            String first = interactionOf(smtp.send("ada@example.com", "support@switchboard.example",
                    message("a1@example.com", "Cannot log in", "", "My login fails.")));
            String caseId = admin.get("/api/v1/interactions/" + first + "/email").expect(200).json().getString("caseId");
            admin.post("/api/v1/cases/" + caseId + "/resolve", new JsonObject().put("resolution", "Reset")).expect(200);
            String auto = interactionOf(smtp.send("ada@example.com", "support@switchboard.example",
                    message("a2@example.com", "Automatic reply: Cannot log in [#" + caseId + "]",
                            "Auto-Submitted: auto-replied\nIn-Reply-To: <a1@example.com>\n", "I am out of the office.")));
            JsonObject resolved = admin.get("/api/v1/cases/" + caseId).expect(200).json();
            assertEquals("resolved", resolved.getString("status"));
            assertEquals(List.of(first), resolved.getJsonArray("interactions").getList(), "no contact for an agent");
            assertTrue(resolved.getJsonArray("emails").encode().contains("I am out of the office."), resolved.encode());
            admin.get("/api/v1/interactions/" + auto).expect(404);
        }
        assertTrue(admin.get("/metrics").body().contains(
                "switchboard_emails_received_total{outcome=\"automatic_on_case\"} 1.0"));
    }

    /**
     * The same message delivered twice (an MTA that never got our 250 sends it again, the same mail by SMTP and IMAP):
     * one contact, one line in its case's thread, the second delivery answered with the first's id. The same
     * Message-ID from another sender is a message of its own.
     */
    @Test
    void aMessageDeliveredTwiceIsOneContact() {
        String mail = message("twice@example.com", "Charged twice", "", "Once, please.");
        String first;
        String other;
        try (SmtpClient smtp = new SmtpClient(node.server().smtpPort())) {
            smtp.reply();
            smtp.command("EHLO client.example");
            first = interactionOf(smtp.send("ada@example.com", "support@switchboard.example", mail));
            assertEquals(first, interactionOf(smtp.send("ada@example.com", "support@switchboard.example", mail)));
            other = interactionOf(smtp.send("bob@example.com", "support@switchboard.example",
                    mail.replace("Ada Lovelace <ada@example.com>", "Bob <bob@example.com>")));

            // a message another node is taking in right now (its claim in Redis): try again later, nothing made
            RedisClient client = RedisClient.create(redisUri);
            try (var connection = client.connect()) {
                connection.sync().set(RedisKeys.of(prefix).emailIntake(
                        io.switchboard.routing.Sha256.hex("ada@example.com\nbusy@example.com")), "taking");
            } finally {
                client.shutdown();
            }
            String busy = smtp.send("ada@example.com", "support@switchboard.example",
                    message("busy@example.com", "In flight", "", "Being taken in elsewhere"));
            assertTrue(busy.startsWith("451"), busy);
        }
        assertTrue(!first.equals(other), "another sender's message");
        JsonArray emails = admin.get("/api/v1/interactions?channel=email").expect(200).json()
                .getJsonArray("interactions");
        assertEquals(2, emails.size(), emails.encode());
        String caseId = admin.get("/api/v1/interactions/" + first + "/email").expect(200).json().getString("caseId");
        JsonObject onCase = admin.get("/api/v1/cases/" + caseId).expect(200).json();
        assertEquals(List.of(first), onCase.getJsonArray("interactions").getList());
        assertEquals(1, onCase.getJsonArray("emails").size(), onCase.encode());
        String scrape = admin.get("/metrics").expect(200).body();
        assertTrue(scrape.contains("switchboard_emails_received_total{outcome=\"duplicate\"} 1.0"), scrape);
        assertTrue(scrape.contains("switchboard_emails_received_total{outcome=\"new_case\"} 2.0"), scrape);
        assertTrue(scrape.contains("switchboard_emails_received_total{outcome=\"in_progress\"} 1.0"), scrape);
        assertTrue(scrape.contains("switchboard_emails_received_total{outcome=\"failed\"} 0.0"), scrape);
    }

    /** The Message-ID threads replies for email.threadDays, then expires (Redis forgets it on its own). */
    private void assertThreadedFor(Duration days, String messageId) {
        RedisClient client = RedisClient.create(redisUri);
        try (var connection = client.connect()) {
            long ttl = connection.sync().ttl(RedisKeys.of(prefix).emailThread(messageId));
            assertTrue(ttl > days.toSeconds() - 60 && ttl <= days.toSeconds(), "ttl " + ttl);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void theSessionFollowsTheProtocol() {
        try (SmtpClient smtp = new SmtpClient(node.server().smtpPort())) {
            smtp.reply();
            SmtpClient.expect("503", smtp.command("MAIL FROM:<a@example.com>"));
            SmtpClient.expect("250", smtp.command("HELO client.example"));
            SmtpClient.expect("503", smtp.command("RCPT TO:<support@switchboard.example>"));
            SmtpClient.expect("552", smtp.command("MAIL FROM:<a@example.com> SIZE=999999999"));
            SmtpClient.expect("250", smtp.command("MAIL FROM:<a@example.com>"));
            SmtpClient.expect("503", smtp.command("DATA"));
            SmtpClient.expect("250", smtp.command("RSET"));
            SmtpClient.expect("500", smtp.command("BOGUS"));
            SmtpClient.expect("554", smtp.send("a@example.com", "support@switchboard.example",
                    "Subject: no sender\n\nhello"));
            // pipelined: all commands at once, the replies come back in order
            smtp.write("MAIL FROM:<b@example.com>\r\nRCPT TO:<support@switchboard.example>\r\nNOOP\r\n");
            SmtpClient.expect("250 2.1.0", smtp.reply());
            SmtpClient.expect("250 2.1.5", smtp.reply());
            SmtpClient.expect("250 2.0.0", smtp.reply());
        }
    }

    /**
     * SMTP smuggling: a "." next to a bare LF does not end the data, so the second message hidden in the first (with
     * its own envelope and From) never becomes a mail of its own; the message with a bare LF is refused whole, and the
     * session goes on.
     */
    @Test
    void aBareLineFeedNeitherEndsTheDataNorSmugglesASecondMessage() {
        try (SmtpClient smtp = new SmtpClient(node.server().smtpPort())) {
            smtp.reply();
            SmtpClient.expect("250", smtp.command("EHLO client.example"));
            SmtpClient.expect("250", smtp.command("MAIL FROM:<mallory@example.com>"));
            SmtpClient.expect("250", smtp.command("RCPT TO:<support@switchboard.example>"));
            SmtpClient.expect("354", smtp.command("DATA"));
            smtp.write("From: Mallory <mallory@example.com>\r\nSubject: hello\r\n\r\nfirst\n.\r\n"
                    + "MAIL FROM:<ceo@customer.example>\r\nRCPT TO:<support@switchboard.example>\r\nDATA\r\n"
                    + "From: The CEO <ceo@customer.example>\r\nSubject: smuggled\r\n\r\npay them\r\n.\r\n");
            SmtpClient.expect("554 5.6.11", smtp.reply());
            SmtpClient.expect("250", smtp.send("ada@example.com", "support@switchboard.example",
                    message("after@example.com", "Still here", "", "the session goes on")));
        }
        JsonArray emails = admin.get("/api/v1/interactions?channel=email").expect(200).json()
                .getJsonArray("interactions");
        assertEquals(1, emails.size(), "only the well-formed mail: " + emails.encode());
        assertEquals("Still here", emails.getJsonObject(0).getJsonObject("attributes").getString("subject"));
    }

    /** With email.acceptRecipients set, mail for anyone else is refused at RCPT: no case opens for spam to strangers. */
    @Test
    void onlyTheServicesAddressesAreAccepted(TestRedis redis, @TempDir Path temp) {
        try (TestNode only = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_EMAIL_ACCEPT", "support@switchboard.example,@help.example").start();
             SmtpClient smtp = new SmtpClient(only.server().smtpPort())) {
            smtp.reply();
            SmtpClient.expect("250", smtp.command("EHLO client.example"));
            SmtpClient.expect("250", smtp.command("MAIL FROM:<ada@example.com>"));
            SmtpClient.expect("550 5.1.1", smtp.command("RCPT TO:<someone@elsewhere.example>"));
            SmtpClient.expect("250", smtp.command("RCPT TO:<Support@Switchboard.example>"));
            SmtpClient.expect("250", smtp.command("RCPT TO:<billing@help.example>"));
            SmtpClient.expect("250", smtp.command("RSET"));
            String id = interactionOf(smtp.send("ada@example.com", "support@switchboard.example",
                    message("acc1@example.com", "Hello", "", "For the service")));
            assertEquals("email", only.api().get("/api/v1/interactions/" + id).expect(200).json().getString("channel"));
        }
    }
}
