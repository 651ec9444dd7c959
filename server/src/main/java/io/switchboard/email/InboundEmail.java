package io.switchboard.email;

import java.util.List;

/**
 * One email as the channel needs it, parsed from its MIME form.
 *
 * @param messageId the Message-ID without angle brackets, empty if the sender gave none
 * @param replyTo where the sender wants answers (RFC 5322 Reply-To), else the From address
 * @param references In-Reply-To then References ids, without angle brackets, nearest first
 * @param text the plain-text body (the text/plain part, or text/html with tags removed), bounded
 * @param automatic sent by a robot (RFC 3834 Auto-Submitted other than "no"): never acknowledged
 * @param attachments the attachments kept, in order
 * @param dropped the attachments over the size limits, not kept
 */
public record InboundEmail(String messageId, String from, String fromName, String replyTo, String subject,
                           List<String> references,
                           String text, boolean automatic, List<Attachment> attachments, List<Dropped> dropped) {
    public InboundEmail {
        references = List.copyOf(references);
        attachments = List.copyOf(attachments);
        dropped = List.copyOf(dropped);
    }

    /** An attachment kept: {@code contentType} is the base type only (no parameters). */
    public record Attachment(String filename, String contentType, byte[] content) {
    }

    /** An attachment not kept, and why. */
    public record Dropped(String filename, long size, String reason) {
    }
}
