package io.switchboard.api.http;

import static io.switchboard.api.http.HttpApi.text;

import io.switchboard.engine.ApiException;
import io.switchboard.engine.SlaService;
import io.switchboard.sla.Severity;
import io.switchboard.sla.SlaTarget;
import io.switchboard.store.redis.SlaTimerCodec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;

/**
 * The SLA routes of {@code /api/v1}: timers, breaches, pause/resume. SLA events reach supervisors on the
 * same {@code /api/v1/supervisor/events} stream as every routing event.
 */
final class SlaApi {
    private static final int DEFAULT_BREACHES = 1_000;
    private static final int MAX_BREACHES = 10_000;
    private static final long DEFAULT_AT_RISK_SECONDS = 300;
    private static final long MAX_AT_RISK_SECONDS = 86_400;
    /** A year, as in sla.yaml: longer is a typo. */
    private static final long MAX_TARGET_SECONDS = 366L * 86_400;
    /** The console shows a short list; the soonest are the ones to act on. */
    private static final int MAX_AT_RISK = 200;

    private final SlaService sla;

    SlaApi(SlaService sla) {
        this.sla = sla;
    }

    /** The REST routes, mounted after authentication. */
    void mount(Router router) {
        router.get("/api/v1/sla/timers").handler(ctx -> {
            staff(ctx);
            String id = ctx.request().getParam("interactionId");
            String caseId = ctx.request().getParam("caseId");
            if (caseId != null && !caseId.isBlank()) {
                reply(ctx, sla.caseTimers(caseId).map(t -> new JsonObject().put("caseId", caseId).put("timers", t)));
                return;
            }
            if (id == null || id.isBlank()) {
                throw ApiException.badRequest("'interactionId' or 'caseId' is required");
            }
            reply(ctx, sla.timers(id));
        });
        router.get("/api/v1/sla/breaches").handler(ctx -> {
            staff(ctx);
            long now = Instant.now().toEpochMilli();
            String severity = ctx.request().getParam("severity");
            if (severity != null) {
                severity = Severity.parse(severity).wireName();
            }
            int limit = limit(ctx.request().getParam("limit"));
            // with `from` a poller reads forward from where it was (oldest first); without, the latest come first
            String from = ctx.request().getParam("from");
            boolean forward = from != null && !from.isBlank(); // ?from= is no from, as instant() reads it
            reply(ctx, sla.breaches(instant(ctx, "from", 0), instant(ctx, "to", Long.MAX_VALUE / 2),
                    ctx.request().getParam("queue"), severity, limit, forward)
                    .map(list -> new JsonObject().put("breaches", list).put("count", list.size())
                            .put("asOf", now)));
        });
        router.get("/api/v1/sla/at-risk").handler(ctx -> {
            staff(ctx);
            long within = bounded(ctx, "withinSeconds", DEFAULT_AT_RISK_SECONDS, MAX_AT_RISK_SECONDS);
            int limit = (int) bounded(ctx, "limit", MAX_AT_RISK, MAX_AT_RISK);
            reply(ctx, sla.atRisk(Duration.ofSeconds(within), limit)
                    .map(timers -> new JsonObject().put("timers", timers)));
        });
        router.post("/api/v1/interactions/:id/sla/retarget").handler(ctx -> {
            String id = ctx.pathParam("id");
            reply(ctx, retarget(ctx, id, SlaTarget.ANSWER).compose(changed -> sla.timers(id)
                    .map(t -> t.put("changed", changed))));
        });
        router.post("/api/v1/cases/:id/sla/retarget").handler(ctx -> {
            String id = ctx.pathParam("id");
            reply(ctx, retarget(ctx, SlaTimerCodec.caseSubject(id), SlaTarget.RESOLUTION).compose(changed ->
                    sla.caseTimers(id).map(t -> new JsonObject().put("caseId", id).put("timers", t)
                            .put("changed", changed))));
        });
        router.post("/api/v1/interactions/:id/sla/pause").handler(ctx -> pauseOrResume(ctx, true));
        router.post("/api/v1/interactions/:id/sla/resume").handler(ctx -> pauseOrResume(ctx, false));
    }

    /** A new length for one armed target: {@code {"target": ..., "targetSeconds": n}}; fired steps stay fired. */
    private Future<Boolean> retarget(RoutingContext ctx, String subject, SlaTarget defaultTarget) {
        staff(ctx);
        JsonObject body = HttpApi.body(ctx);
        SlaTarget target = SlaTarget.parse(text(body, "target", defaultTarget.wireName()));
        // an interaction has one target (its answer), a case the others: a case's "answer" changed nothing, with a 200
        if ((target == SlaTarget.ANSWER) != (defaultTarget == SlaTarget.ANSWER)) {
            throw ApiException.badRequest(defaultTarget == SlaTarget.ANSWER ? "an interaction's target is 'answer'"
                    : "a case's target is one of firstResponse, nextResponse, resolution");
        }
        Object seconds = body.getValue("targetSeconds");
        if (!(seconds instanceof Number n) || n.longValue() != n.doubleValue() || n.longValue() < 1
                || n.longValue() > MAX_TARGET_SECONDS) {
            throw ApiException.badRequest("'targetSeconds' must be a whole number from 1 to " + MAX_TARGET_SECONDS);
        }
        return sla.retarget(subject, target, Duration.ofSeconds(((Number) seconds).longValue()));
    }

    private void pauseOrResume(RoutingContext ctx, boolean pause) {
        staff(ctx);
        JsonObject body = HttpApi.body(ctx);
        SlaTarget target = SlaTarget.parse(text(body, "target", "answer"));
        String id = ctx.pathParam("id");
        Future<Boolean> done = pause ? sla.pause(id, target) : sla.resume(id, target);
        reply(ctx, done.compose(changed -> sla.timers(id).map(t -> t.put("changed", changed))));
    }

    private static void staff(RoutingContext ctx) {
        Principal principal = ctx.get(Principal.CONTEXT_KEY);
        principal.requireStaff();
    }

    /** A whole number parameter from 1 to {@code max}; {@code defaultValue} when absent. */
    private static long bounded(RoutingContext ctx, String name, long defaultValue, long max) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        if (!value.matches("\\d{1,9}") || Long.parseLong(value) < 1 || Long.parseLong(value) > max) {
            throw ApiException.badRequest("'" + name + "' must be a whole number from 1 to " + max);
        }
        return Long.parseLong(value);
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_BREACHES;
        }
        if (!value.matches("\\d{1,6}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MAX_BREACHES) {
            throw ApiException.badRequest("'limit' must be a whole number from 1 to " + MAX_BREACHES);
        }
        return Integer.parseInt(value);
    }

    private static long instant(RoutingContext ctx, String name, long defaultValue) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return value.chars().allMatch(Character::isDigit) ? Long.parseLong(value) : Instant.parse(value).toEpochMilli();
        } catch (RuntimeException e) {
            throw ApiException.badRequest("'" + name + "' must be epoch milliseconds or an ISO-8601 instant, was '"
                    + value + "'");
        }
    }

    private static void reply(RoutingContext ctx, Future<JsonObject> result) {
        result.onSuccess(ctx::json).onFailure(ctx::fail);
    }
}
