package io.switchboard.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reading the routing dry run ({@code POST /api/v1/routing/explain}). */
public final class Explanations {
    private Explanations() {
    }

    /** The verdict's reason for one agent in a step's {@code agents}. */
    public static String reason(JsonArray agents, String agentId) {
        return agents.stream().map(JsonObject.class::cast).filter(a -> agentId.equals(a.getString("agentId")))
                .findFirst().orElseThrow(() -> new AssertionError("no verdict for " + agentId + " in " + agents))
                .getString("reason");
    }

    /** The reason for one agent at the first step of the explanation of this interaction. */
    public static String reason(Api api, JsonObject interaction, String agentId) {
        JsonArray steps = api.post("/api/v1/routing/explain", interaction).expect(200).json().getJsonArray("steps");
        return reason(steps.getJsonObject(0).getJsonArray("agents"), agentId);
    }
}
