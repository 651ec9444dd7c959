package io.switchboard.email;

import java.util.List;

/**
 * One email as the channel needs it, parsed from its MIME form.
 *
 * @param messageId the Message-ID without angle brackets, empty if the sender gave none
 * @param references In-Reply-To then References ids, without angle brackets, nearest first
 * @param text the plain-text body (the text/plain part, or text/html with tags removed), bounded
 */
public record InboundEmail(String messageId, String from, String fromName, String subject, List<String> references,
                           String text) {
}
