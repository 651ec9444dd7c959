package io.switchboard.api.http;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Bearer-token authentication. Admin and supervisor keys come from config; agent tokens are random,
 * stored hashed in Redis with a TTL, so any node accepts a token any other node issued.
 */
final class Authenticator {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String adminKey;
    private final List<String> supervisorKeys;
    private final SwitchboardConfig.Security security;
    private final RoutingStore store;
    private final RedisKeys keys;

    Authenticator(String adminKey, SwitchboardConfig.Security security, RoutingStore store) {
        this.adminKey = adminKey;
        this.supervisorKeys = security.supervisorKeys();
        this.security = security;
        this.store = store;
        this.keys = store.keys();
    }

    /** Sets the principal on the context, or ends the request with 401. */
    void handle(RoutingContext ctx) {
        String token = bearer(ctx);
        if (token == null) {
            Errors.send(ctx, 401, "unauthorized", "send 'Authorization: Bearer <token>'");
            return;
        }
        resolve(token).onComplete(ar -> {
            if (ar.succeeded() && ar.result() != null) {
                ctx.put(Principal.CONTEXT_KEY, ar.result());
                ctx.next();
            } else if (ar.succeeded()) {
                Errors.send(ctx, 401, "unauthorized", "unknown or expired token");
            } else {
                ctx.fail(ar.cause());
            }
        });
    }

    Future<Principal> resolve(String token) {
        if (constantTimeEquals(token, adminKey)) {
            return Future.succeededFuture(new Principal(Principal.Role.ADMIN, null));
        }
        for (String key : supervisorKeys) {
            if (constantTimeEquals(token, key)) {
                return Future.succeededFuture(new Principal(Principal.Role.SUPERVISOR, null));
            }
        }
        return store.get(keys.token(hash(token)))
                .map(agentId -> agentId == null ? null : new Principal(Principal.Role.AGENT, agentId));
    }

    Future<String> issueAgentToken(String agentId) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String token = "agt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return store.setWithTtl(keys.token(hash(token)), agentId, security.agentTokenTtl()).map(token);
    }

    long tokenTtlSeconds() {
        return security.agentTokenTtl().toSeconds();
    }

    /** Browsers cannot set headers on a WebSocket, so the token may also come as ?access_token=. */
    static String bearer(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        String query = ctx.request().getParam("access_token");
        return query == null || query.isEmpty() ? null : query;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return b != null && !b.isEmpty()
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
