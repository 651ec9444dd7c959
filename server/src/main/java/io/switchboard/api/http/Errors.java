package io.switchboard.api.http;

import io.switchboard.engine.ApiException;
import io.switchboard.store.redis.RedisUnavailable;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every error the API answers is JSON {@code {"error": code, "message": text}}. */
final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    static void send(RoutingContext ctx, int status, String code, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", code).put("message", message).encode());
    }

    private static final java.util.regex.Pattern PARSER_LOCATION =
            java.util.regex.Pattern.compile("(?s)\\s*at \\[Source:.*?line: (\\d+), column: (\\d+)\\]");

    /**
     * What was wrong with the JSON, where: the parser's message without its own settings and class names ("Failed to
     * decode:... at [Source: REDACTED (`StreamReadFeature...` disabled); line: 1, column: 2]").
     */
    static String decodeProblem(String message) {
        String text = message == null ? "" : message.replaceFirst("^Failed to decode:\\s*", "");
        java.util.regex.Matcher location = PARSER_LOCATION.matcher(text);
        if (location.find()) {
            text = text.substring(0, location.start()) + " (line " + location.group(1) + ", column " + location.group(2)
                    + ")";
        }
        return text.replaceAll("\\s+", " ").strip();
    }

    /** The router's failure handler. */
    static void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof ApiException api) {
            if (api.retryAfter() != null) {
                ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, api.retryAfter().toSeconds())));
            }
            send(ctx, api.status(), api.code(), api.getMessage());
        } else if (failure instanceof RedisUnavailable unavailable && unavailable.mayHaveRun()) {
            LOG.warn("{} {}: {}", ctx.request().method(), ctx.request().path(), failure.getMessage());
            send(ctx, 504, "outcome_unknown", "the shared store did not answer in time: the request may have been"
                    + " done; read the state before trying again");
        } else if (failure instanceof RedisUnavailable) {
            // every request meets it while Redis is away: the readiness probe and the node's own log say so once
            LOG.debug("{} {}: {}", ctx.request().method(), ctx.request().path(), failure.getMessage());
            ctx.response().putHeader("Retry-After", "1");
            send(ctx, 503, "unavailable", "the shared store is unavailable for a moment: try again");
        } else if (failure instanceof DecodeException) {
            send(ctx, 400, "bad_request", "malformed JSON body: " + decodeProblem(failure.getMessage()));
        } else if (failure instanceof ClassCastException) {
            // a number read where the body has text, or the reverse: the exception names Java classes, not the field
            send(ctx, 400, "bad_request", "a value in the body has the wrong JSON type (text where a number, list or "
                    + "object belongs, or the reverse)");
        } else if (failure instanceof IllegalArgumentException) {
            send(ctx, 400, "bad_request", failure.getMessage());
        } else if (failure == null) {
            int status = ctx.statusCode();
            switch (status) {
                case 413 -> send(ctx, 413, "payload_too_large", "request body exceeds the configured limit");
                case 404 -> send(ctx, 404, "not_found", "no such endpoint");
                case 405 -> send(ctx, 405, "method_not_allowed", "method not allowed here");
                default -> send(ctx, status, "error", "request failed");
            }
        } else {
            LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
            send(ctx, 500, "internal", "internal error; see the server log");
        }
    }
}
