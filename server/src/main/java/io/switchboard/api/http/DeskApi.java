package io.switchboard.api.http;

import static io.switchboard.api.http.HttpApi.reply;

import io.switchboard.engine.RoutingEngine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Comparator;
import java.util.List;

/**
 * What the agent desktop reads besides the routing resources: the directory of transfer targets. Any
 * signed-in caller may read it; it names queues and agents, never their PINs, skills or endpoints.
 */
final class DeskApi {
    /** Transfer pickers list the agents who can take the call now first. */
    private static final List<String> STATE_ORDER = List.of("available", "wrap_up", "busy", "reserved", "away", "offline");

    private final RoutingEngine engine;

    DeskApi(RoutingEngine engine) {
        this.engine = engine;
    }

    void mount(Router router) {
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
