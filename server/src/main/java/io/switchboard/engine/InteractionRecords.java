package io.switchboard.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** The JSON form of an interaction read from its Redis hash and history list. */
final class InteractionRecords {
    private static final List<String> TIMESTAMPS = List.of("created", "queued", "offered", "answered", "connected", "ended",
            "completed");

    private InteractionRecords() {
    }

    static JsonObject json(String id, Map<String, String> hash, List<String> history) {
        JsonObject timestamps = new JsonObject();
        for (String t : TIMESTAMPS) {
            String v = hash.get(t);
            timestamps.put(t, v == null || v.isEmpty() ? null : Long.parseLong(v));
        }
        JsonArray events = new JsonArray();
        history.forEach(h -> events.add(new JsonObject(h)));
        return new JsonObject()
                .put("id", id)
                .put("channel", hash.get("channel"))
                .put("direction", hash.getOrDefault("direction", "inbound"))
                .put("status", hash.get("status"))
                .put("reason", hash.get("reason"))
                .put("queue", hash.get("queue"))
                .put("priority", Double.parseDouble(hash.getOrDefault("priority", "0")))
                .put("customerId", emptyToNull(hash.get("customerId")))
                .put("customerTier", emptyToNull(hash.get("tier")))
                .put("attributes", new JsonObject(hash.getOrDefault("attributes", "{}")))
                .put("workflow", hash.get("workflow"))
                .put("filter", hash.get("filter"))
                .put("step", Integer.parseInt(hash.getOrDefault("step", "0")))
                .put("plan", new JsonArray(hash.getOrDefault("plan", "[]")))
                .put("agentId", emptyToNull(hash.get("agent")))
                .put("reservationId", emptyToNull(hash.get("rsv")))
                .put("disposition", emptyToNull(hash.get("disposition")))
                .put("notes", emptyToNull(hash.get("notes")))
                .put("offers", Integer.parseInt(hash.getOrDefault("offers", "0")))
                .put("sla", sla(hash))
                .put("timestamps", timestamps)
                .put("history", events);
    }

    /** The answer target's agreement, if a policy applied: {policy, target, dueAt, state, breachedAt, severity}. */
    private static JsonObject sla(Map<String, String> hash) {
        if (emptyToNull(hash.get("slaPolicy")) == null) {
            return null;
        }
        return new JsonObject()
                .put("policy", hash.get("slaPolicy"))
                .put("target", hash.get("slaTarget"))
                .put("dueAt", number(hash.get("slaDueAt")))
                .put("state", hash.get("slaState"))
                .put("breachedAt", number(hash.get("slaBreachedAt")))
                .put("severity", emptyToNull(hash.get("slaSeverity")))
                .put("metAt", number(hash.get("slaMetAt")))
                .put("elapsedMs", number(hash.get("slaElapsedMs")));
    }

    private static Long number(String s) {
        return s == null || s.isEmpty() ? null : (long) Double.parseDouble(s);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
