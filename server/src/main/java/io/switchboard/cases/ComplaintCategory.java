package io.switchboard.cases;

import java.util.Locale;

/**
 * The cause of a complaint. A closed list on purpose: it is a metric label
 * ({@code switchboard_complaints_total{category}}), and reports group by it; the product complained
 * about is free text on the {@link Complaint} instead.
 */
public enum ComplaintCategory {
    PRODUCT_QUALITY, DELIVERY, BILLING, SERVICE, STAFF, POLICY, OTHER;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ComplaintCategory parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("complaint category must be one of product_quality, delivery, billing, "
                    + "service, staff, policy, other: " + value);
        }
    }
}
