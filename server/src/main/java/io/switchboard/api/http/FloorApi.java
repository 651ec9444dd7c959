package io.switchboard.api.http;

import static io.switchboard.api.http.HttpApi.body;
import static io.switchboard.api.http.HttpApi.principal;
import static io.switchboard.api.http.HttpApi.reply;

import io.switchboard.engine.ApiException;
import io.switchboard.engine.RoutingEngine;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The supervisor's hands on the waiting lines (staff only): who waits in a queue, in serving order, and
 * moving one up or down. Moving to another queue or agent is the transfer endpoint, which lets staff
 * move a waiting interaction too.
 */
final class FloorApi {
    static final int DEFAULT_WAITING_LIMIT = 50;
    static final int MAX_WAITING_LIMIT = 500;
    /** Priorities given at creation are -100..100; a supervisor may go beyond, within reason. */
    static final double MAX_PRIORITY = 1000;

    private final RoutingEngine engine;

    FloorApi(RoutingEngine engine) {
        this.engine = engine;
    }

    void mount(Router router) {
        router.get("/api/v1/queues/:name/waiting").handler(ctx -> {
            principal(ctx).requireStaff();
            reply(ctx, engine.waiting(ctx.pathParam("name"), limit(ctx)));
        });
        router.post("/api/v1/interactions/:id/priority").handler(this::priority);
    }

    /** {"priority": n} sets the priority, {"raise": points} adds to it; both re-place it in line at once. */
    private void priority(RoutingContext ctx) {
        principal(ctx).requireStaff();
        JsonObject body = body(ctx);
        Number target = number(body, "priority");
        Number raise = number(body, "raise");
        if ((target == null) == (raise == null)) {
            throw ApiException.badRequest("give exactly one of 'priority' or 'raise'");
        }
        String id = ctx.pathParam("id");
        String reason = "supervisor";
        if (raise != null) {
            reply(ctx, engine.raise(id, bounded(raise.doubleValue(), "raise"), reason, ""));
            return;
        }
        double wanted = bounded(target.doubleValue(), "priority");
        reply(ctx, engine.interaction(id).compose(i ->
                engine.raise(id, wanted - i.getDouble("priority", 0.0), reason, "")));
    }

    private static Number number(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value != null && !(value instanceof Number)) {
            throw ApiException.badRequest("'" + field + "' must be a number");
        }
        return (Number) value;
    }

    private static double bounded(double value, String field) {
        if (Double.isNaN(value) || Math.abs(value) > MAX_PRIORITY) {
            throw ApiException.badRequest("'" + field + "' must be between -" + (int) MAX_PRIORITY + " and "
                    + (int) MAX_PRIORITY);
        }
        return value;
    }

    private static int limit(RoutingContext ctx) {
        String value = ctx.request().getParam("limit");
        try {
            int limit = value == null || value.isBlank() ? DEFAULT_WAITING_LIMIT : Integer.parseInt(value);
            if (limit < 1 || limit > MAX_WAITING_LIMIT) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be 1-" + MAX_WAITING_LIMIT);
        }
    }
}
