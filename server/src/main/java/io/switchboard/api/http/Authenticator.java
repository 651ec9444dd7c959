package io.switchboard.api.http;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.routing.Sha256;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import javax.crypto.Mac;

/**
 * Bearer-token authentication. Admin and supervisor keys come from config. Agent tokens are signed
 * (HMAC-SHA256 over agent id, session and expiry) with a secret that the first node creates in Redis and every
 * node reads at start, so any node verifies a token any other node issued; whether its session is still the
 * agent's is one read of the agent's hash per request.
 */
final class Authenticator {
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * What a signature of this token format covers before its payload: a token of the format before sessions signed
     * "<id>.<expiry>", which for an id ending in ".<digits>" reads as another agent's "<id>.<session>.<expiry>" (ids
     * hold no '|', so no older signature can match).
     */
    private static final String SIGNED_AS = "agent-session|";

    private final String adminKey;
    private final List<String> supervisorKeys;
    private final SwitchboardConfig.Security security;
    private final RoutingStore store;
    private final InstantSource clock;
    /** An agent's current session (RoutingEngine#session). */
    private final Function<String, Future<Long>> sessions;
    private volatile byte[] secret;
    /** Keyed once at start; each signature clones it (finding and keying a Mac per request showed in profiles). */
    private volatile Mac keyedMac;

    Authenticator(String adminKey, SwitchboardConfig.Security security, RoutingStore store, InstantSource clock,
                  Function<String, Future<Long>> sessions) {
        this.adminKey = adminKey;
        this.supervisorKeys = security.supervisorKeys();
        this.security = security;
        this.store = store;
        this.clock = clock;
        this.sessions = sessions;
    }

    /** Reads (or, on the first node ever, creates) the shared signing secret. */
    Future<Void> start() {
        byte[] candidate = new byte[32];
        RANDOM.nextBytes(candidate);
        String key = store.keys().prefix() + ":token-secret";
        return store.setIfAbsent(key, HexFormat.of().formatHex(candidate))
                .compose(v -> store.get(key))
                .map(hex -> {
                    secret = HexFormat.of().parseHex(hex);
                    keyedMac = hmac(secret);
                    return null;
                });
    }

    /**
     * Sets the principal on the context, or ends the request with 401. An agent's token must also be of the agent's
     * current session, read from Redis on every request: a sign-out or a new PIN ends it on every node at once.
     */
    void handle(RoutingContext ctx) {
        String token = bearer(ctx);
        Principal principal = token == null ? null : resolve(token);
        if (principal == null) {
            Errors.send(ctx, 401, "unauthorized", token == null ? "send 'Authorization: Bearer <token>'"
                    : "unknown or expired token");
            return;
        }
        if (!principal.isAgent()) {
            accept(ctx, principal);
            return;
        }
        sessions.apply(principal.agentId()).onSuccess(current -> {
            if (current == principal.session()) {
                accept(ctx, principal);
            } else {
                Errors.send(ctx, 401, "unauthorized", "this session was signed out; log in again");
            }
        }).onFailure(ctx::fail);
    }

    private static void accept(RoutingContext ctx, Principal principal) {
        ctx.put(Principal.CONTEXT_KEY, principal);
        ctx.next();
    }

    /** The principal a token names if it is well signed and not expired (an agent's session is checked apart). */
    Principal resolve(String token) {
        if (constantTimeEquals(token, adminKey)) {
            return new Principal(Principal.Role.ADMIN, null, 0);
        }
        for (String key : supervisorKeys) {
            if (constantTimeEquals(token, key)) {
                return new Principal(Principal.Role.SUPERVISOR, null, 0);
            }
        }
        // agt.<agentId>.<session>.<expiresEpochSeconds>.<signature>; ids may hold dots, the other parts do not
        if (!token.startsWith("agt.")) {
            return null;
        }
        int sigDot = token.lastIndexOf('.');
        int expDot = token.lastIndexOf('.', sigDot - 1);
        int sessionDot = expDot < 0 ? -1 : token.lastIndexOf('.', expDot - 1);
        if (sessionDot <= 3) {
            return null;
        }
        String agentId = token.substring(4, sessionDot);
        long session;
        long expires;
        try {
            session = Long.parseLong(token.substring(sessionDot + 1, expDot));
            expires = Long.parseLong(token.substring(expDot + 1, sigDot));
        } catch (NumberFormatException e) {
            return null;
        }
        String payload = token.substring(4, sigDot);
        if (expires * 1000 < clock.millis()
                || !constantTimeEquals(token.substring(sigDot + 1), sign(SIGNED_AS + payload))) {
            return null;
        }
        return new Principal(Principal.Role.AGENT, agentId, session);
    }

    String issueAgentToken(String agentId, long session) {
        long expires = clock.millis() / 1000 + security.agentTokenTtl().toSeconds();
        String payload = agentId + "." + session + "." + expires;
        return "agt." + payload + "." + sign(SIGNED_AS + payload);
    }

    long tokenTtlSeconds() {
        return security.agentTokenTtl().toSeconds();
    }

    private String sign(String payload) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac().doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac mac() {
        try {
            return (Mac) keyedMac.clone();
        } catch (CloneNotSupportedException e) {
            return hmac(secret); // a provider whose Macs cannot be cloned (some FIPS or PKCS#11 set-ups)
        }
    }

    private static Mac hmac(byte[] secret) {
        return Sha256.hmacKeyed(secret);
    }

    /**
     * Browsers cannot set headers on a WebSocket, so its upgrade may carry the token as ?access_token=; nothing else
     * may: URLs end up in proxies' access logs, and a staff key there never expires.
     */
    static String bearer(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
            return null;
        }
        String query = ctx.request().getParam("access_token");
        return query == null || query.isEmpty() ? null : query;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return b != null && !b.isEmpty()
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
