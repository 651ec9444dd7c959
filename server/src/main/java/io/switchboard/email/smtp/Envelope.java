package io.switchboard.email.smtp;

import java.util.List;

/**
 * One message received (over SMTP, or fetched by IMAP): the envelope sender (empty for a delivery report, null when
 * not known) and recipients, and the message bytes as sent.
 */
public record Envelope(String mailFrom, List<String> recipients, byte[] data) {
    public Envelope {
        recipients = List.copyOf(recipients);
    }
}
