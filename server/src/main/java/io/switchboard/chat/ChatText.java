package io.switchboard.chat;

/** Text typed by people: control characters (but line breaks and tabs) removed, length bounded. */
final class ChatText {
    /** A message longer than this is refused; a chat is not a document upload. */
    static final int MAX_MESSAGE = 4000;

    private ChatText() {
    }

    static String clean(String text, String field, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().filter(c -> c == '\n' || c == '\t' || !Character.isISOControl(c))
                .forEach(out::appendCodePoint);
        String cleaned = out.toString().strip();
        if (cleaned.length() > max) {
            throw new IllegalArgumentException(field + " is at most " + max + " characters");
        }
        return cleaned;
    }
}
