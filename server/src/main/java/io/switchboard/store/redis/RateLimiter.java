package io.switchboard.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Fixed-window request counters in Redis, shared by every node (a client spreading its guesses over
 * the nodes still meets one limit). Futures complete on the caller's Vert.x context.
 */
public final class RateLimiter {
    private static final LuaScript SCRIPT = LuaScript.resource("ratelimit.lua");

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;

    public RateLimiter(RoutingStore store) {
        this.vertx = store.vertx();
        this.redis = store.commands();
        this.keys = store.keys();
    }

    /** Counts one request of {@code client}; true while the window holds at most {@code limit} of them. */
    public Future<Boolean> hit(String scope, String client, int limit, Duration window) {
        String[] keyArray = {keys.rateLimit(scope, client)};
        String[] args = {Long.toString(window.toMillis())};
        return RedisFutures.onContext(vertx, () -> SCRIPT.<Long>run(redis, ScriptOutputType.INTEGER, keyArray, args))
                .map(count -> count <= limit);
    }

    /**
     * Takes back one counted request that turned out to be no failure (a right guess): counting first and forgiving
     * after lets no burst of parallel guesses past the limit, as reading the count before each would.
     */
    public Future<Void> forgive(String scope, String client) {
        String[] keyArray = {keys.rateLimit(scope, client)};
        return RedisFutures.onContext(vertx, () -> SCRIPT.<Long>run(redis, ScriptOutputType.INTEGER, keyArray,
                new String[] {"forgive"})).mapEmpty();
    }

    /**
     * The client a limit counts, from its peer address: an IPv4 address as is, an IPv6 address by its /64, the prefix
     * one subscriber gets (counting each of its 2^64 addresses apart would be no limit at all).
     */
    public static String client(String hostAddress) {
        if (hostAddress == null || hostAddress.isEmpty()) {
            return "unknown";
        }
        byte[] ip = io.netty.util.NetUtil.createByteArrayFromIpAddressString(hostAddress);
        if (ip == null || ip.length != 16) {
            return hostAddress;
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }
}
