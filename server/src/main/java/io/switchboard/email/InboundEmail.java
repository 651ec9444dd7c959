package io.switchboard.email;

import java.util.List;

/**
 * One email as the channel needs it, parsed from its MIME form.
 *
 * @param messageId the Message-ID without angle brackets, empty if the sender gave none
 * @param replyTo where the sender wants answers (RFC 5322 Reply-To), else the From address
 * @param references In-Reply-To then References ids, without angle brackets, nearest first
 * @param text the plain-text body (the text/plain part, or text/html with tags removed), bounded
 * @param robot whether a robot sent it ({@link Robot}): a robot's mail is never acknowledged
 * @param attachments the attachments kept, in order
 * @param dropped the attachments over the size limits, not kept
 */
public record InboundEmail(String messageId, String from, String fromName, String replyTo, String subject,
                           List<String> references,
                           String text, Robot robot, List<Attachment> attachments, List<Dropped> dropped) {
    public InboundEmail {
        references = List.copyOf(references);
        attachments = List.copyOf(attachments);
        dropped = List.copyOf(dropped);
    }

    /** Who sent it, as its headers say (RFC 3834, and the marks older responders use). */
    public enum Robot {
        /** A person (or nothing says otherwise). */
        NONE,
        /** A robot's notice (Auto-Submitted: auto-generated, Precedence: bulk): may carry a person's words. */
        NOTICE,
        /** An automatic answer to our mail (an out-of-office: Auto-Submitted: auto-replied, X-Autoreply: yes). */
        AUTO_REPLY
    }

    /** Sent by a robot: never acknowledged (no mail loops). */
    public boolean automatic() {
        return robot != Robot.NONE;
    }

    /** An automatic answer: asks nothing of anyone. */
    public boolean autoReply() {
        return robot == Robot.AUTO_REPLY;
    }

    /** An attachment kept: {@code contentType} is the base type only (no parameters). */
    public record Attachment(String filename, String contentType, byte[] content) {
    }

    /** An attachment not kept, and why. */
    public record Dropped(String filename, long size, String reason) {
    }
}
