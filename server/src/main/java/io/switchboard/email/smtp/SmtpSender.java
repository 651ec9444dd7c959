package io.switchboard.email.smtp;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.email.OutboundEmail;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import jakarta.mail.internet.MimeUtility;
import java.util.stream.Collectors;

/**
 * Sends Switchboard's mail through the site's relay with the Vert.x mail client (non-blocking, pooled
 * connections). The future fails when the relay refuses or cannot be reached: callers tell the agent.
 */
public final class SmtpSender {
    /** A relay that takes longer than this to accept a connection counts as down. */
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final MailClient client;
    private final String from;

    public SmtpSender(Vertx vertx, SwitchboardConfig.Email config) {
        SwitchboardConfig.Email.Outbound out = config.outbound();
        MailConfig mail = new MailConfig().setHostname(out.host()).setPort(out.port())
                .setStarttls(out.starttls() ? StartTLSOptions.REQUIRED : StartTLSOptions.DISABLED)
                .setLogin(out.username().isEmpty() ? LoginOption.DISABLED : LoginOption.REQUIRED)
                .setOwnHostname(config.from().substring(config.from().indexOf('@') + 1))
                .setKeepAlive(true);
        mail.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        if (!out.username().isEmpty()) {
            mail.setUsername(out.username()).setPassword(out.password());
        }
        this.client = MailClient.create(vertx, mail);
        this.from = config.from();
    }

    public Future<Void> send(OutboundEmail email) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Message-ID", "<" + email.messageId() + ">");
        if (!email.inReplyTo().isEmpty()) {
            headers.add("In-Reply-To", "<" + email.inReplyTo() + ">");
        }
        if (!email.references().isEmpty()) {
            headers.add("References", email.references().stream().map(r -> "<" + r + ">")
                    .collect(Collectors.joining(" ")));
        }
        if (email.automatic()) {
            headers.add("Auto-Submitted", "auto-replied");
        }
        MailMessage message = new MailMessage().setFrom(from).setTo(email.to()).setSubject(subject(email.subject()))
                .setText(email.text()).setHeaders(headers);
        if (email.html() != null) {
            message.setHtml(email.html());
        }
        return client.sendMail(message).mapEmpty();
    }

    /**
     * The subject as RFC 2047 encoded words when it is not ASCII: the mail client's own encoding turns characters beyond
     * the Basic Multilingual Plane (an emoji) into "??"; an ASCII subject it passes as it is.
     */
    static String subject(String text) {
        if (text.chars().allMatch(c -> c < 128)) {
            return text;
        }
        try {
            // one line: the client folds the header itself, and a CRLF in a subject is refused as an injection
            return MimeUtility.encodeText(text, "UTF-8", "B").replaceAll("\\r\\n[ \\t]", " ");
        } catch (java.io.UnsupportedEncodingException e) {
            throw new IllegalStateException(e); // UTF-8 is always there
        }
    }

    public Future<Void> close() {
        return client.close();
    }
}
