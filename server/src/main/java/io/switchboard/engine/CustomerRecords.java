package io.switchboard.engine;

import io.switchboard.routing.Customer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a customer is kept in its Redis hash, and its JSON form. */
public final class CustomerRecords {
    private CustomerRecords() {
    }

    /** A customer an import wrote: the CRM's; its phones and emails are its own. */
    static final String IMPORTED = "import";
    /**
     * A customer a chat or an email created for an address nobody had: its address yields to an import that names it
     * (the customer the CRM knows is the real one).
     */
    static final String FROM_CONTACT = "contact";

    static Map<String, String> fields(Customer c, String origin) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("origin", origin);
        fields.put("name", c.name());
        fields.put("tier", c.tier());
        fields.put("lifetimeValue", Double.toString(c.lifetimeValue()));
        fields.put("phones", new JsonArray(new ArrayList<>(c.phones())).encode());
        fields.put("emails", new JsonArray(new ArrayList<>(c.emails())).encode());
        fields.put("language", c.language());
        return fields;
    }

    static Customer customer(String id, Map<String, String> hash) {
        return new Customer(id, hash.get("name"), hash.get("tier"),
                Double.parseDouble(hash.getOrDefault("lifetimeValue", "0")),
                strings(hash.get("phones")), strings(hash.get("emails")), hash.get("language"));
    }

    private static List<String> strings(String json) {
        List<String> out = new ArrayList<>();
        if (json != null) {
            new JsonArray(json).forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }

    public static JsonObject json(Customer c) {
        return new JsonObject().put("id", c.id()).put("name", c.name()).put("tier", c.tier())
                .put("lifetimeValue", c.lifetimeValue()).put("phones", new JsonArray(new ArrayList<>(c.phones())))
                .put("emails", new JsonArray(new ArrayList<>(c.emails()))).put("language", c.language());
    }
}
