package io.switchboard.engine;

import io.switchboard.routing.AttributeValues;
import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.routing.RoutePlan;
import io.switchboard.routing.RoutePlanner;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges a patch into an interaction's attributes (RFC 7396: a null removes one). A waiting or offered
 * interaction that its workflow placed is then routed again, as TaskRouter re-evaluates an updated task: when
 * its attributes now give another route plan it moves onto it, keeping its place in line (queued time, SLA
 * clock); a chat, email or callback offer made on the old route is withdrawn, and a ringing call's offer
 * stands, the new route applying if the call comes back. A route a person chose (transfer, move) stays. The
 * routing script's {@code reattribute} compares-and-sets the attributes and the plan this read.
 */
final class AttributeUpdates {
    /**
     * How often an update that raced another update (or a transfer) reads the interaction again. Each round one of
     * the racing updates wins, so n concurrent updates of one interaction all land within n rounds.
     */
    private static final int STALE_RETRIES = 32;

    private final RoutingEngine engine;

    AttributeUpdates(RoutingEngine engine) {
        this.engine = engine;
    }

    Future<JsonObject> update(String interactionId, Map<String, Object> patch, String actor) {
        return update(interactionId, patch, actor, STALE_RETRIES);
    }

    private Future<JsonObject> update(String interactionId, Map<String, Object> patch, String actor, int tries) {
        return engine.interactionHash(interactionId).compose(hash -> {
            String stored = hash.getOrDefault("attributes", "");
            Map<String, Object> current = new JsonObject(stored.isEmpty() ? "{}" : stored).getMap();
            List<String> changed = AttributeValues.changed(current, patch);
            if (changed.isEmpty()) {
                return Future.succeededFuture(new JsonObject().put("status", hash.get("status"))
                        .put("queue", hash.get("queue")).put("changed", new JsonArray()).put("rerouted", false));
            }
            Map<String, Object> merged = AttributeValues.merge(current, patch);
            String encoded = new JsonObject(new LinkedHashMap<>(merged)).encode();
            // only growth is refused: a contact made bigger inside (a long mail subject) still takes small changes
            if (encoded.length() > RoutingEngine.MAX_ATTRIBUTES_JSON && encoded.length() > stored.length()) {
                return Future.failedFuture(ApiException.unprocessable("attributes would be over "
                        + RoutingEngine.MAX_ATTRIBUTES_JSON + " characters of JSON: keep documents in the CRM"));
            }
            return replan(hash, current, merged, actor).compose(replan -> engine.commit("reattribute", interactionId,
                    stored, encoded, hash.getOrDefault("plan", ""),
                    replan.plan() == null ? "" : RoutingEngine.planJson(replan.plan()),
                    replan.plan() == null ? "" : replan.plan().filter(), new JsonArray(changed).encode(),
                    RoutingEngine.orEmpty(actor))
                    .compose(r -> {
                        if (!r.result().getBoolean("stale", false)) {
                            JsonObject result = r.result().put("changed", new JsonArray(changed));
                            return Future.succeededFuture(replan.problem() == null ? result
                                    : result.put("rerouteProblem", replan.problem()));
                        }
                        return tries > 1 ? update(interactionId, patch, actor, tries - 1) : Future.failedFuture(
                                ApiException.conflict("the interaction kept changing; try again"));
                    }));
        });
    }

    /**
     * The route the workflow gives the new attributes when it differs from the one it gives the old ones under the
     * same rules (so a reload of the rules since it was queued moves nothing), or none: the interaction is not routed
     * again. {@code problem}: why the new attributes have no route (the rules' fault); the interaction keeps its own.
     */
    private record Replan(RoutePlan plan, String problem) {
        static final Replan NONE = new Replan(null, null);
    }

    private Future<Replan> replan(Map<String, String> hash, Map<String, Object> before, Map<String, Object> after,
                                  String actor) {
        String status = hash.get("status");
        String workflow = hash.get("workflow");
        // a route a person chose stays (transfers counted it before `manual` was written)
        boolean manual = "1".equals(hash.get("manual")) || !"0".equals(hash.getOrDefault("transfers", "0"));
        if (actor != null || manual || engine.rules().workflow(workflow) == null
                || !("queued".equals(status) || "reserved".equals(status))) {
            return Future.succeededFuture(Replan.NONE);
        }
        String customerId = hash.get("customerId") == null || hash.get("customerId").isEmpty() ? null
                : hash.get("customerId");
        Channel channel = Channel.parse(hash.get("channel"));
        return engine.customer(customerId).map(customer -> {
            RoutePlanner planner = engine.planner();
            RoutePlan next;
            try {
                next = planner.plan(new InteractionRequest(channel, after, customerId, workflow, 0), customer);
            } catch (IllegalArgumentException e) {
                return new Replan(null, e.getMessage());
            }
            try {
                RoutePlan now = planner.plan(new InteractionRequest(channel, before, customerId, workflow, 0),
                        customer);
                return RoutingEngine.planJson(now).equals(RoutingEngine.planJson(next)) ? Replan.NONE
                        : new Replan(next, null);
            } catch (IllegalArgumentException e) {
                return new Replan(next, null); // the old attributes have no route under these rules: the new ones do
            }
        });
    }
}
