package io.switchboard.api.http;

import io.switchboard.engine.RoutingEngine;
import io.switchboard.routing.RoutingExplainer.AgentVerdict;
import io.switchboard.routing.RoutingExplainer.Explanation;
import io.switchboard.routing.RoutingExplainer.FilterCheck;
import io.switchboard.routing.RoutingExplainer.StepExplanation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Predicate;

/** The JSON answers of {@code POST /api/v1/routing/explain} and {@code GET /api/v1/interactions/{id}/explain}. */
final class ExplanationJson {
    private ExplanationJson() {
    }

    /** @param open whether a queue is within its hours of operation now (a step's {@code queueOpen}) */
    static JsonObject of(Explanation e, Predicate<String> open) {
        JsonArray filters = new JsonArray();
        for (FilterCheck f : e.filters()) {
            filters.add(new JsonObject().put("filter", f.filter()).put("expression", f.expression())
                    .put("matched", f.matched()));
        }
        JsonArray steps = new JsonArray();
        e.steps().forEach(s -> steps.add(step(s, open)));
        return new JsonObject().put("workflow", e.workflow()).put("filter", e.filter()).put("filtersChecked", filters)
                .put("basePriority", e.basePriority()).put("steps", steps);
    }

    /** The answer of {@code GET /api/v1/interactions/{id}/explain}. */
    static JsonObject of(RoutingEngine.WaitingExplanation w, Predicate<String> open) {
        return new JsonObject().put("id", w.id()).put("status", w.status()).put("queue", w.queue())
                .put("filter", w.filter()).put("steps", w.steps()).put("priority", w.priority())
                .put("queuedAt", w.queuedAt()).put("step", step(w.step(), open));
    }

    private static JsonObject step(StepExplanation s, Predicate<String> open) {
        JsonArray agents = new JsonArray();
        for (AgentVerdict v : s.agents()) {
            agents.add(new JsonObject().put("agentId", v.agentId()).put("eligible", v.eligible())
                    .put("reason", v.reason()));
        }
        return new JsonObject().put("step", s.step()).put("queue", s.queue()).put("pool", s.pool())
                .put("agentExpression", s.agentExpression()).put("order", s.order())
                .put("priority", s.priority()).put("timeoutSeconds", s.timeoutSeconds())
                .put("skipIf", s.skipIf() == null ? null : s.skipIf().wireName())
                .put("queueOpen", open.test(s.queue()))
                .put("offerTimeoutSeconds", s.offerTimeoutSeconds() == 0 ? null : s.offerTimeoutSeconds())
                .put("passedOverNow", s.passedOver())
                .put("agents", agents);
    }
}
