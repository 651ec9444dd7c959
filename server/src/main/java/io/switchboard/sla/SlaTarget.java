package io.switchboard.sla;

import java.util.Locale;

/**
 * What an agreement promises. Interactions have {@link #ANSWER} (an agent accepts it); cases have first
 * response, next response and resolution, through the same timers.
 */
public enum SlaTarget {
    ANSWER("answer", "a"),
    FIRST_RESPONSE("firstResponse", "f"),
    NEXT_RESPONSE("nextResponse", "n"),
    RESOLUTION("resolution", "r");

    private final String wireName;
    private final String code;

    SlaTarget(String wireName, String code) {
        this.wireName = wireName;
        this.code = code;
    }

    public String wireName() {
        return wireName;
    }

    /** One letter, in timer ids in Redis (they are kept small on purpose). */
    public String code() {
        return code;
    }

    public static SlaTarget parse(String value) {
        for (SlaTarget t : values()) {
            if (t.wireName.equalsIgnoreCase(value) || t.code.equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("target must be one of answer, firstResponse, nextResponse, resolution, was '"
                + value + "'");
    }

    @Override
    public String toString() {
        return wireName.toLowerCase(Locale.ROOT);
    }
}
