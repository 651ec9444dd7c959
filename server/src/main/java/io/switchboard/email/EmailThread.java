package io.switchboard.email;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** How messages of a case's thread name each other: subjects with the case tag, Message-IDs, References. */
public final class EmailThread {
    /** The case tag in a subject, {@code [#C-10001]}. */
    public static final Pattern CASE_TAG = Pattern.compile("\\[#(C-\\d{1,12})]");
    /** References kept on a reply: the first message and the newest ones (RFC 5322 3.6.4 allows trimming). */
    static final int MAX_REFERENCES = 20;
    private static final Pattern REPLY_PREFIX = Pattern.compile("^(?i)((re|aw|sv|fwd?)\\s*:\\s*)+");

    private EmailThread() {
    }

    /** {@code Re: <original without prefixes or case tags> [#C-10001]}: the case reference exactly once. */
    public static String replySubject(String original, String caseId) {
        String bare = CASE_TAG.matcher(original == null ? "" : original).replaceAll(" ").strip();
        bare = REPLY_PREFIX.matcher(bare).replaceFirst("").replaceAll("\\s+", " ").strip();
        return "Re: " + (bare.isEmpty() ? "" : bare + " ") + tag(caseId);
    }

    public static String tag(String caseId) {
        return "[#" + caseId + "]";
    }

    /**
     * The References of a reply to a message (RFC 5322 3.6.4): that message's own references, oldest
     * first, then its Message-ID; trimmed to the first and the newest ones.
     *
     * @param nearestFirst the answered message's In-Reply-To then References, nearest first (as parsed)
     */
    public static List<String> references(List<String> nearestFirst, String messageId) {
        List<String> out = new ArrayList<>();
        for (int i = nearestFirst.size() - 1; i >= 0; i--) {
            if (!out.contains(nearestFirst.get(i))) {
                out.add(nearestFirst.get(i));
            }
        }
        if (!messageId.isEmpty() && !out.contains(messageId)) {
            out.add(messageId);
        }
        if (out.size() > MAX_REFERENCES) {
            List<String> trimmed = new ArrayList<>(List.of(out.get(0)));
            trimmed.addAll(out.subList(out.size() - MAX_REFERENCES + 1, out.size()));
            return trimmed;
        }
        return out;
    }

    /** A new, globally unique Message-ID in the domain of our address. */
    public static String newMessageId(String fromAddress) {
        return UUID.randomUUID() + "@" + fromAddress.substring(fromAddress.indexOf('@') + 1).toLowerCase(Locale.ROOT);
    }
}
