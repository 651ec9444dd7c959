package io.switchboard.api.http;

import static io.switchboard.api.http.HttpApi.reply;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.engine.ApiException;
import io.switchboard.engine.RoutingEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Comparator;
import java.util.List;

/**
 * What the agent desktop reads besides the routing resources: the directory of transfer targets and
 * the configured wrap-up codes. Any signed-in caller may read them; the directory names queues and
 * agents, never their PINs, skills or endpoints.
 */
final class DeskApi {
    /** Transfer pickers list the agents who can take the call now first. */
    private static final List<String> STATE_ORDER = List.of("available", "wrap_up", "busy", "reserved", "away", "offline");

    private final RoutingEngine engine;
    private final SwitchboardConfig.Desktop settings;

    DeskApi(RoutingEngine engine, SwitchboardConfig.Desktop settings) {
        this.engine = engine;
        this.settings = settings;
    }

    /** Completing with a code the wrap-up form does not offer would split reports by typos: refused. */
    void requireKnownDisposition(String code) {
        if (code != null && !settings.knows(code)) {
            throw ApiException.unprocessable("unknown disposition '" + code + "' (GET /api/v1/dispositions lists them)");
        }
    }

    /** An amount is a sale's (a code with revenue: true): on any other it would still be counted as revenue. */
    void requireRevenueCode(String code, double amount) {
        if (amount > 0 && settings.dispositions().stream().noneMatch(d -> d.code().equals(code) && d.revenue())) {
            throw ApiException.badRequest("'amount' is for a disposition with revenue: true (GET /api/v1/dispositions), "
                    + "not '" + code + "'");
        }
    }

    void mount(Router router) {
        router.get("/api/v1/dispositions").handler(ctx -> ctx.json(new JsonArray(settings.dispositions().stream()
                .map(d -> new JsonObject().put("code", d.code()).put("label", d.label()).put("revenue", d.revenue()))
                .toList())));
        router.get("/api/v1/directory").handler(ctx -> reply(ctx, engine.agents().map(agents -> new JsonObject()
                .put("queues", new JsonArray(engine.rules().queues().keySet().stream().sorted().toList()))
                .put("agents", new JsonArray(agents.stream()
                        .sorted(Comparator.comparingInt(DeskApi::stateRank)
                                .thenComparing(DeskApi::displayName))
                        .map(DeskApi::entry).toList())))));
    }

    private static JsonObject entry(JsonObject agent) {
        return new JsonObject().put("id", agent.getString("id")).put("name", agent.getString("name"))
                .put("team", agent.getString("team")).put("state", agent.getString("state"));
    }

    private static String displayName(JsonObject agent) {
        String name = agent.getString("name");
        return name == null || name.isBlank() ? agent.getString("id") : name;
    }

    private static int stateRank(JsonObject agent) {
        int rank = STATE_ORDER.indexOf(agent.getString("state"));
        return rank < 0 ? STATE_ORDER.size() : rank;
    }
}
