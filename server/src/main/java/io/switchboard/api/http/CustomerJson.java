package io.switchboard.api.http;

import io.switchboard.engine.ApiException;
import io.switchboard.routing.Customer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A customer as {@code POST /api/v1/customers} takes it, every field checked: a wrong type or a malformed address is
 * a 400 that names the field (it used to be a Java cast error, or stored as sent: an "email" no mail could match).
 */
final class CustomerJson {
    /** One '@' with something on each side and a dot in the domain, no spaces: what an inbound mail's sender is. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    /** Digits, an optional leading '+', and the usual separators; at least two digits. */
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ().\\-/]*[0-9][0-9 ().\\-/]*[0-9][0-9 ().\\-/]*");
    private static final int MAX_ADDRESS = 254;

    private CustomerJson() {
    }

    /** @param where where the customer is in the body, for the message ("" or "[3]") */
    static Customer parse(Object value, String where) {
        String at = "customer" + where;
        if (!(value instanceof JsonObject json)) {
            throw ApiException.badRequest(at + ": must be a JSON object");
        }
        if (!(json.getValue("id") instanceof String id) || id.isBlank()) {
            throw ApiException.badRequest(at + ": 'id' is required (the customer's id, as your CRM knows it)");
        }
        Object ltv = json.getValue("lifetimeValue");
        if (ltv != null && !(ltv instanceof Number)) {
            throw ApiException.badRequest(at + ": 'lifetimeValue' must be a number");
        }
        if (ltv != null && Double.isInfinite(((Number) ltv).doubleValue())) { // 1e400: kept as Infinity, shown as a string
            throw ApiException.badRequest(at + ": 'lifetimeValue' must be a number from 0 up, was " + ltv);
        }
        try {
            return new Customer(id, text(json, "name", at), text(json, "tier", at),
                    ltv == null ? 0.0 : ((Number) ltv).doubleValue(),
                    list(json, "phones", at, CustomerJson::isPhone, "a phone number"),
                    list(json, "emails", at, CustomerJson::isEmail, "an email address"),
                    text(json, "language", at));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(at + ": " + e.getMessage());
        }
    }

    /** A phone number as customers are found by: digits with an optional '+' and the usual separators. */
    static boolean isPhone(String phone) {
        return phone.length() <= 32 && PHONE.matcher(phone).matches();
    }

    /** An address an inbound mail's sender could be. */
    static boolean isEmail(String email) {
        return email.length() <= MAX_ADDRESS && EMAIL.matcher(email).matches();
    }

    private static String text(JsonObject json, String field, String at) {
        Object value = json.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw ApiException.badRequest(at + ": '" + field + "' must be a string");
        }
        return (String) value;
    }

    private static List<String> list(JsonObject json, String field, String at, Predicate<String> valid, String what) {
        Object value = json.getValue(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw ApiException.badRequest(at + ": '" + field + "' must be a JSON array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object item : array) {
            if (!(item instanceof String s) || !valid.test(s.strip())) {
                throw ApiException.badRequest(at + ": '" + field + "' holds " + (item == null ? "null" : "'" + item + "'")
                        + ", which is not " + what);
            }
            out.add(s.strip());
        }
        return out;
    }
}
