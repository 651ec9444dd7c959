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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
     * the Basic Multilingual Plane (an emoji) into "??"; an ASCII subject it passes as it is. The words go on one line
     * (a CRLF in a subject is refused as an injection), which the client passes as it is only up to 998 characters (it
     * encodes a longer one again, and the customer reads "=?UTF-8?B?..."): a subject too long for that is shortened,
     * keeping its case tag.
     */
    static String subject(String text) {
        if (text.chars().allMatch(c -> c < 128)) {
            return text;
        }
        Matcher tagged = CASE_TAG_AT_END.matcher(text);
        String tag = tagged.find() ? tagged.group() : "";
        String words = text.substring(0, text.length() - tag.length());
        while (true) {
            String encoded = encoded(words + tag);
            int points = words.codePointCount(0, words.length());
            if (encoded.length() <= MAX_ENCODED_SUBJECT || points == 0) {
                return encoded;
            }
            words = words.substring(0, words.offsetByCodePoints(0, points * 3 / 4));
        }
    }

    private static String encoded(String text) {
        try {
            return MimeUtility.encodeText(text, "UTF-8", "B").replaceAll("\\r\\n[ \\t]", " ");
        } catch (java.io.UnsupportedEncodingException e) {
            throw new IllegalStateException(e); // UTF-8 is always there
        }
    }

    /** Under the 998 characters of a header line, "Subject: " included. */
    private static final int MAX_ENCODED_SUBJECT = 900;
    private static final Pattern CASE_TAG_AT_END = Pattern.compile("\\s*\\[#[^\\]]+\\]$");

    public Future<Void> close() {
        return client.close();
    }
}
