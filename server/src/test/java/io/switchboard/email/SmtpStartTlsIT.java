package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Rules;
import io.switchboard.testing.SmtpClient;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.net.SelfSignedCertificate;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * STARTTLS on the inbound SMTP listener (RFC 3207), with a self-signed certificate: offered in EHLO, required when so
 * configured, commands pipelined in the clear after STARTTLS are not taken, and a real client (Jakarta Mail) delivers
 * over TLS.
 */
@ExtendWith(TestRedis.class)
class SmtpStartTlsIT {
    private static final String SUPPORT = "support@switchboard.example";

    @Test
    void mailIsTakenOnlyOverTlsAndNothingSentInTheClearAfterStartTlsCounts(TestRedis redis, @TempDir Path temp)
            throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_EMAIL_FROM", SUPPORT)
                .env("SWITCHBOARD_SMTP_TLS_CERT", certificate.certificatePath())
                .env("SWITCHBOARD_SMTP_TLS_KEY", certificate.privateKeyPath())
                .env("SWITCHBOARD_SMTP_REQUIRE_TLS", "true").start()) {
            int port = node.server().smtpPort();
            try (SmtpClient smtp = new SmtpClient(port)) {
                smtp.reply();
                assertTrue(smtp.command("EHLO client.example").contains("250-STARTTLS"));
                assertTrue(smtp.command("MAIL FROM:<ada@example.com>").startsWith("530 5.7.0"), "TLS is required");
                assertTrue(smtp.command("RCPT TO:<" + SUPPORT + ">").startsWith("530 5.7.0"), "for every command");
                // a MAIL pipelined in the clear behind STARTTLS (the CVE-2011-0411 injection) must not count
                smtp.write("STARTTLS\r\nMAIL FROM:<mallory@example.com>\r\n");
                SmtpClient.expect("220", smtp.reply());
                smtp.tls();
                String ehlo = smtp.command("EHLO client.example");
                assertFalse(ehlo.contains("STARTTLS"), "not offered twice: " + ehlo);
                SmtpClient.expect("503", smtp.command("RCPT TO:<" + SUPPORT + ">")); // no MAIL was taken
                SmtpClient.expect("503", smtp.command("STARTTLS"));
                String queued = smtp.send("ada@example.com", SUPPORT,
                        "From: Ada <ada@example.com>\nSubject: Over TLS\n\nHello");
                SmtpClient.expect("250", queued);
                String id = queued.substring(queued.lastIndexOf(' ') + 1);
                assertEquals("Over TLS", node.api().get("/api/v1/interactions/" + id + "/email").expect(200).json()
                        .getString("subject"));
            }

            Properties props = new Properties();
            props.put("mail.smtp.host", "localhost"); // the certificate's name
            props.put("mail.smtp.port", Integer.toString(port));
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
            props.put("mail.smtp.ssl.trust", "*");
            props.put("mail.smtp.timeout", "10000");
            MimeMessage mail = new MimeMessage(Session.getInstance(props));
            mail.setFrom(new InternetAddress("bo@example.com"));
            mail.setRecipient(Message.RecipientType.TO, new InternetAddress(SUPPORT));
            mail.setSubject("From a real client");
            mail.setText("Hello over STARTTLS");
            Transport.send(mail);
            io.switchboard.testing.Await.until("both mails taken", () -> node.api().get("/metrics").body()
                    .contains("switchboard_emails_received_total{outcome=\"new_case\"} 2.0"));
        }
    }

    /**
     * Offered, not required: plain mail is still taken, the injection behind STARTTLS is still not, and STARTTLS
     * after a delivery is refused (the reader then resumes outside a network read, where the injection would pass).
     */
    @Test
    void offeredTlsStillKeepsCommandsSentInTheClearOutOfTheSession(TestRedis redis, @TempDir Path temp) {
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_EMAIL_FROM", SUPPORT)
                .env("SWITCHBOARD_SMTP_TLS_CERT", certificate.certificatePath())
                .env("SWITCHBOARD_SMTP_TLS_KEY", certificate.privateKeyPath()).start();
             SmtpClient plain = new SmtpClient(node.server().smtpPort());
             SmtpClient injected = new SmtpClient(node.server().smtpPort())) {
            plain.reply();
            SmtpClient.expect("250", plain.command("EHLO client.example"));
            SmtpClient.expect("250", plain.send("ada@example.com", SUPPORT, "From: Ada <ada@example.com>\nSubject: In the clear\n\nHello"));
            plain.write("STARTTLS\r\nMAIL FROM:<mallory@example.com>\r\n");
            assertEquals("503 5.5.1 STARTTLS only before the first mail transaction", plain.reply());
            SmtpClient.expect("250", plain.reply()); // the MAIL, taken in the clear as the session is

            injected.reply();
            SmtpClient.expect("250", injected.command("EHLO client.example"));
            injected.write("STARTTLS\r\nMAIL FROM:<mallory@example.com>\r\nRCPT TO:<" + SUPPORT + ">\r\n");
            SmtpClient.expect("220", injected.reply());
            injected.tls();
            String ehlo = injected.command("EHLO client.example");
            assertTrue(ehlo.startsWith("250-switchboard"), "the first reply in TLS is the EHLO's, not the MAIL's: " + ehlo);
            SmtpClient.expect("503", injected.command("RCPT TO:<" + SUPPORT + ">"));
        }
    }
}
