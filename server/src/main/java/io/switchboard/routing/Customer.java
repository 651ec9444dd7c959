package io.switchboard.routing;

import java.util.List;
import java.util.Objects;

/**
 * What routing needs to know about a customer: their value to the business.
 *
 * @param tier a configured value tier, e.g. standard, silver, gold, platinum
 * @param lifetimeValue customer lifetime value in the account currency
 */
public record Customer(String id, String name, String tier, double lifetimeValue, List<String> phones,
                       List<String> emails, String language) {
    public Customer {
        Objects.requireNonNull(id, "id");
        if (!Ids.isValid(id)) {
            throw new IllegalArgumentException("customer id must be 1-64 letters, digits, '-', '_' or '.': " + id);
        }
        if (lifetimeValue < 0 || Double.isNaN(lifetimeValue)) {
            throw new IllegalArgumentException("lifetimeValue must be >= 0");
        }
        tier = tier == null || tier.isBlank() ? "standard" : tier;
        phones = List.copyOf(phones == null ? List.of() : phones);
        emails = List.copyOf(emails == null ? List.of() : emails);
        name = name == null ? "" : name;
        language = language == null ? "" : language;
    }

    public static Customer anonymous(String id) {
        return new Customer(id, "", "standard", 0, List.of(), List.of(), "");
    }
}
