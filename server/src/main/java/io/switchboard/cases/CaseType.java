package io.switchboard.cases;

import java.util.Locale;

/** Why the customer got in touch; a complaint carries a {@link Complaint} besides. */
public enum CaseType {
    SERVICE_REQUEST, COMPLAINT, RETURN, INFORMATION_REQUEST;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CaseType parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "type must be one of service_request, complaint, return, information_request: " + value);
        }
    }
}
