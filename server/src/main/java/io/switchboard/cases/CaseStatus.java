package io.switchboard.cases;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A case's life: {@code new -> open -> (pending_customer <-> open) -> resolved -> closed}. A resolved
 * case may be reopened (the customer comes back on it), which also takes away its first-contact
 * resolution; a closed case is final. Any live case may be closed directly (a duplicate, spam).
 */
public enum CaseStatus {
    NEW, OPEN, PENDING_CUSTOMER, RESOLVED, CLOSED;

    public Set<CaseStatus> next() {
        return switch (this) {
            case NEW -> EnumSet.of(OPEN, PENDING_CUSTOMER, RESOLVED, CLOSED);
            case OPEN -> EnumSet.of(PENDING_CUSTOMER, RESOLVED, CLOSED);
            case PENDING_CUSTOMER -> EnumSet.of(OPEN, RESOLVED, CLOSED);
            case RESOLVED -> EnumSet.of(OPEN, CLOSED);
            case CLOSED -> EnumSet.noneOf(CaseStatus.class);
        };
    }

    public boolean canMoveTo(CaseStatus target) {
        return next().contains(target);
    }

    /** Still needs work: new, open or waiting for the customer. */
    public boolean live() {
        return this == NEW || this == OPEN || this == PENDING_CUSTOMER;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CaseStatus parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "status must be one of new, open, pending_customer, resolved, closed: " + value);
        }
    }
}
