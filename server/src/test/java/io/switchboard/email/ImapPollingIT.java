package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** IMAP polling against GreenMail's real IMAP server, by two nodes on one Redis: each message taken once. */
@ExtendWith(TestRedis.class)
class ImapPollingIT {
    @RegisterExtension
    static final GreenMailExtension MAILBOX = new GreenMailExtension(ServerSetupTest.IMAP.dynamicPort());

    private static MimeMessage mime(String raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    private TestNode.Builder poller(TestRedis redis, String prefix, Path rules) {
        return TestNode.on(redis, prefix).rules(rules)
                .env("SWITCHBOARD_IMAP_ENABLED", "true")
                .env("SWITCHBOARD_IMAP_HOST", "127.0.0.1")
                .env("SWITCHBOARD_IMAP_PORT", Integer.toString(MAILBOX.getImap().getPort()))
                .env("SWITCHBOARD_IMAP_SSL", "false")
                .env("SWITCHBOARD_IMAP_USERNAME", "support")
                .env("SWITCHBOARD_IMAP_PASSWORD", "secret")
                .env("SWITCHBOARD_IMAP_POLL_MILLIS", "100");
    }

    @Test
    void twoNodesPollOneMailboxAndEachMessageIsTakenOnce(TestRedis redis, @TempDir Path temp) throws Exception {
        GreenMailUser support = MAILBOX.setUser("support@switchboard.example", "support", "secret");
        int messages = 5;
        for (int i = 0; i < messages; i++) {
            support.deliver(mime("From: Customer " + i + " <c" + i + "@example.com>\nTo: support@switchboard.example\n"
                    + "Subject: Question " + i + "\nMessage-ID: <imap" + i + "@example.com>\n\nBody " + i + "\n"));
        }
        support.deliver(mime("To: support@switchboard.example\nSubject: nobody sent this\n\nno sender\n"));

        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        try (TestNode one = poller(redis, prefix, rules).start(); TestNode two = poller(redis, prefix, rules).start()) {
            var inbox = MAILBOX.getManagers().getImapHostManager().getInbox(support);
            Await.until("every message flagged seen", () -> inbox.getMessages().stream()
                    .allMatch(m -> m.isSet(Flags.Flag.SEEN)));

            Api admin = one.api();
            JsonArray cases = admin.get("/api/v1/cases?limit=100").expect(200).array();
            assertEquals(messages, cases.size(), "one case per message, none taken twice: " + cases.encode());
            for (Object c : cases) {
                assertEquals(1, ((JsonObject) c).getJsonArray("interactions").size());
            }
            List<String> subjects = cases.stream().map(c -> ((JsonObject) c).getString("subject")).sorted().toList();
            assertEquals(List.of("Question 0", "Question 1", "Question 2", "Question 3", "Question 4"), subjects);

            List<StoredMessage> flagged = inbox.getMessages().stream().filter(m -> m.isSet(Flags.Flag.FLAGGED)).toList();
            assertEquals(1, flagged.size(), "the message without a sender is left for a person");
            assertTrue(flagged.get(0).getMimeMessage().getSubject().contains("nobody sent this"));

            String scrape = two.api().get("/metrics").expect(200).body() + admin.get("/metrics").expect(200).body();
            assertTrue(scrape.contains("switchboard_emails_received_total{outcome=\"rejected\"} 1.0"), scrape);
        }
    }
}
