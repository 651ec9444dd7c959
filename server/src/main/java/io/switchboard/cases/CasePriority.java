package io.switchboard.cases;

import java.util.Locale;

/** How soon a case needs work. */
public enum CasePriority {
    LOW, NORMAL, HIGH, URGENT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CasePriority parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("priority must be one of low, normal, high, urgent: " + value);
        }
    }
}
