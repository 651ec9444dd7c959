package io.switchboard.email.smtp;

import java.util.List;

/** One message received over SMTP: the envelope sender and recipients, and the message bytes as sent. */
public record Envelope(String mailFrom, List<String> recipients, byte[] data) {
    public Envelope {
        recipients = List.copyOf(recipients);
    }
}
