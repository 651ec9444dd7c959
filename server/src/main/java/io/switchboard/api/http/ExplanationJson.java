package io.switchboard.api.http;

import io.switchboard.routing.RoutingExplainer.AgentVerdict;
import io.switchboard.routing.RoutingExplainer.Explanation;
import io.switchboard.routing.RoutingExplainer.FilterCheck;
import io.switchboard.routing.RoutingExplainer.StepExplanation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The JSON answer of {@code POST /api/v1/routing/explain}. */
final class ExplanationJson {
    private ExplanationJson() {
    }

    static JsonObject of(Explanation e) {
        JsonArray filters = new JsonArray();
        for (FilterCheck f : e.filters()) {
            filters.add(new JsonObject().put("filter", f.filter()).put("expression", f.expression())
                    .put("matched", f.matched()));
        }
        JsonArray steps = new JsonArray();
        for (StepExplanation s : e.steps()) {
            JsonArray agents = new JsonArray();
            for (AgentVerdict v : s.agents()) {
                agents.add(new JsonObject().put("agentId", v.agentId()).put("eligible", v.eligible())
                        .put("reason", v.reason()));
            }
            steps.add(new JsonObject().put("step", s.step()).put("queue", s.queue()).put("pool", s.pool())
                    .put("agentExpression", s.agentExpression()).put("order", s.order())
                    .put("priority", s.priority()).put("timeoutSeconds", s.timeoutSeconds())
                    .put("skipIf", s.skipIf() == null ? null : s.skipIf().wireName())
                    .put("offerTimeoutSeconds", s.offerTimeoutSeconds() == 0 ? null : s.offerTimeoutSeconds())
                    .put("agents", agents));
        }
        return new JsonObject().put("workflow", e.workflow()).put("filter", e.filter()).put("filtersChecked", filters)
                .put("basePriority", e.basePriority()).put("steps", steps);
    }
}
