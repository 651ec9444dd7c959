package io.switchboard.api.http;

import static io.switchboard.api.http.HttpApi.body;
import static io.switchboard.api.http.HttpApi.reply;
import static io.switchboard.api.http.HttpApi.required;

import io.switchboard.email.SelfService;
import io.switchboard.engine.ApiException;
import io.switchboard.store.redis.RateLimiter;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/v1/self-service/*}: the customer's case status and messages, without a login (the case
 * number and the customer's email address, or the key of the link we mailed, are the proof; see {@link SelfService}
 * for the limits).
 */
final class SelfServiceApi {
    private final SelfService selfService;

    SelfServiceApi(SelfService selfService) {
        this.selfService = selfService;
    }

    /** After the body handler, before authentication. */
    void mountPublic(Router router) {
        router.post("/api/v1/self-service/case").handler(ctx -> {
            JsonObject body = body(ctx);
            reply(ctx, selfService.status(client(ctx), required(body, "caseId").strip(), proof(body)));
        });
        router.post("/api/v1/self-service/case/message").handler(ctx -> {
            JsonObject body = body(ctx);
            String caseId = required(body, "caseId").strip();
            SelfService.Proof proof = proof(body);
            String text = required(body, "text").strip();
            if (text.length() > SelfService.MAX_MESSAGE) {
                throw ApiException.unprocessable("'text' is at most " + SelfService.MAX_MESSAGE + " characters");
            }
            reply(ctx, selfService.message(client(ctx), caseId, proof, text));
        });
    }

    /** {@code email} (typed by the customer) or {@code key} (from the link we mailed). */
    private static SelfService.Proof proof(JsonObject body) {
        Object email = body.getValue("email");
        Object key = body.getValue("key");
        if ((email != null && !(email instanceof String)) || (key != null && !(key instanceof String))) {
            throw ApiException.badRequest("'email' and 'key' are strings");
        }
        return new SelfService.Proof((String) email, (String) key);
    }

    /**
     * The client the limits count: the peer address. Behind a reverse proxy every customer shares the
     * proxy's address, so the proxy should rate-limit too (X-Forwarded-For is not trusted: anyone can send it).
     */
    private static String client(RoutingContext ctx) {
        return RateLimiter.client(ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress());
    }
}
