package io.switchboard.store.redis;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run of the routing script answered.
 *
 * @param error null on success, else not_found, forbidden or conflict
 * @param events what changed, in order (offers, state changes, completions...), for metrics and webhooks
 */
public record ScriptResult(JsonObject result, String error, List<JsonObject> events) {

    static ScriptResult parse(String json) {
        JsonObject reply = new JsonObject(json);
        Object rawResult = reply.getValue("result");
        JsonObject result = rawResult instanceof JsonObject o ? o : new JsonObject();
        List<JsonObject> events = new ArrayList<>();
        if (reply.getValue("events") instanceof JsonArray array) {
            array.forEach(e -> events.add((JsonObject) e));
        }
        return new ScriptResult(result, reply.getString("error"), events);
    }

    public boolean ok() {
        return error == null;
    }
}
