package io.switchboard.api.http;

import static io.switchboard.api.http.HttpApi.body;
import static io.switchboard.api.http.HttpApi.principal;
import static io.switchboard.api.http.HttpApi.reply;

import io.switchboard.engine.ApiException;
import io.switchboard.engine.CannedResponses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * Canned responses: everyone signed in reads them (an agent filled in for a contact it holds), staff write them.
 */
final class ResponsesApi {
    private final CannedResponses responses;
    private final Function<RoutingContext, Future<JsonObject>> ownInteraction;

    ResponsesApi(CannedResponses responses, Function<RoutingContext, Future<JsonObject>> ownInteraction) {
        this.responses = responses;
        this.ownInteraction = ownInteraction;
    }

    void mount(Router router) {
        router.get("/api/v1/responses").handler(ctx -> reply(ctx, responses.all().map(ResponsesApi::listed)));
        router.put("/api/v1/responses/:code").handler(ctx -> {
            principal(ctx).requireStaff();
            JsonObject body = body(ctx);
            reply(ctx, responses.save(ctx.pathParam("code"), text(body, "title"), text(body, "text")));
        });
        router.delete("/api/v1/responses/:code").handler(ctx -> {
            principal(ctx).requireStaff();
            String code = ctx.pathParam("code");
            reply(ctx, responses.delete(code).map(found -> {
                if (!found) {
                    throw ApiException.notFound("no response '" + code + "'");
                }
                return new JsonObject().put("deleted", code);
            }));
        });
        router.get("/api/v1/interactions/:id/responses").handler(ctx -> reply(ctx,
                ownInteraction.apply(ctx).compose(responses::forContact).map(ResponsesApi::listed)));
    }

    private static JsonObject listed(List<JsonObject> list) {
        return new JsonObject().put("responses", new JsonArray(list));
    }

    private static String text(JsonObject body, String field) {
        return body.getValue(field) instanceof String s ? s : null;
    }
}
