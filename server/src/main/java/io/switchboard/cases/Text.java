package io.switchboard.cases;

/** Checks on the free text a case holds: bounded, so a case hash never grows without limit. */
final class Text {
    private Text() {
    }

    static String required(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        return optional(value, field, max);
    }

    static String optional(String value, String field, int max) {
        if (value == null) {
            return "";
        }
        String trimmed = value.strip();
        if (trimmed.length() > max) {
            throw new IllegalArgumentException(field + " is at most " + max + " characters");
        }
        return trimmed;
    }
}
