package io.switchboard.email;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One message Switchboard sends: an agent's reply or an acknowledgement.
 *
 * @param messageId our own Message-ID, without angle brackets (recorded so the answer threads)
 * @param inReplyTo the message answered, without angle brackets; empty for none
 * @param references the thread's Message-IDs, oldest first, without angle brackets
 * @param html an HTML alternative, or null
 * @param automatic an automatic reply: marked {@code Auto-Submitted: auto-replied} (RFC 3834) so that
 *                  other robots do not answer it
 */
public record OutboundEmail(String to, String subject, String text, String html, String messageId, String inReplyTo,
                            List<String> references, boolean automatic) {
    public OutboundEmail {
        // header values: a line break in one (a customer's subject decoded from =?..?Q?..=0A..?=, say) would start a
        // header, or the body, of the sender's choosing
        to = token(to);
        subject = oneLine(subject);
        messageId = token(messageId);
        inReplyTo = token(inReplyTo);
        references = references.stream().map(OutboundEmail::token).toList();
    }

    private static String oneLine(String value) {
        return value == null ? null : value.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
    }

    /** An address or a Message-ID: no white space or control character belongs in one. */
    private static String token(String value) {
        return value == null ? null : value.replaceAll("[\\s\\p{Cntrl}]", "");
    }

    /** As kept in the outbox, to send again. */
    JsonObject json() {
        return new JsonObject().put("to", to).put("subject", subject).put("text", text).put("html", html)
                .put("messageId", messageId).put("inReplyTo", inReplyTo).put("references", new JsonArray(references))
                .put("automatic", automatic);
    }

    static OutboundEmail fromJson(JsonObject json) {
        return new OutboundEmail(json.getString("to"), json.getString("subject"), json.getString("text"),
                json.getString("html"), json.getString("messageId"), json.getString("inReplyTo"),
                json.getJsonArray("references").stream().map(String::valueOf).toList(), json.getBoolean("automatic"));
    }
}
