package io.switchboard.api.http;

import static io.switchboard.api.http.HttpApi.body;
import static io.switchboard.api.http.HttpApi.principal;
import static io.switchboard.api.http.HttpApi.reply;

import io.switchboard.engine.ApiException;
import io.switchboard.voice.CallMonitor;
import io.switchboard.voice.VoiceChannel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Supervisors on agents' calls (listen, whisper, barge) from their own phone: staff only. The agent is not asked;
 * the interaction's history records who joined, how, and for how long.
 */
final class MonitorApi {
    private final Supplier<VoiceChannel> voice;

    MonitorApi(Supplier<VoiceChannel> voice) {
        this.voice = voice;
    }

    void mount(Router router) {
        router.post("/api/v1/agents/:id/monitor").handler(this::start);
        router.get("/api/v1/monitors").handler(ctx -> {
            principal(ctx).requireStaff();
            reply(ctx, monitor().connected().map(list -> new JsonObject().put("monitors", new JsonArray(list))));
        });
        router.delete("/api/v1/monitors/:id").handler(ctx -> {
            principal(ctx).requireStaff();
            reply(ctx, monitor().stop(ctx.pathParam("id")));
        });
    }

    /** {"mode": "listen"|"whisper"|"barge", "endpoint": the supervisor's phone, "name"?} -> 202 while it rings. */
    private void start(RoutingContext ctx) {
        Principal principal = principal(ctx);
        principal.requireStaff();
        JsonObject body = body(ctx);
        monitor().start(ctx.pathParam("id"), string(body, "mode"), string(body, "endpoint"),
                        HttpApi.displayName(ctx, body), HttpApi.actorName(ctx))
                .onSuccess(entry -> ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                        .end(entry.encode()))
                .onFailure(ctx::fail);
    }

    private static String string(JsonObject body, String field) {
        return body.getValue(field) instanceof String s ? s : null;
    }

    private CallMonitor monitor() {
        VoiceChannel channel = voice.get();
        if (channel == null) {
            throw new ApiException(503, "unavailable", "the voice channel is not running");
        }
        return channel.monitor();
    }
}
