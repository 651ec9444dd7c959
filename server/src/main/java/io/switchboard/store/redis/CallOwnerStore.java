package io.switchboard.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Ownership of calls by Switchboard nodes sharing one Asterisk: every node receives every AMI event,
 * and only the call's owner acts on it. The node that answered the call in its IVR owns it
 * ({@code <prefix>:call:<uniqueid>:owner}); each node keeps a heartbeat ({@code <prefix>:node:<id>},
 * expiring after the TTL unless refreshed), and a node that sees an event of a call whose owner's
 * heartbeat is gone takes the call over ({@code call_owner.lua}, atomic).
 */
public final class CallOwnerStore {
    private static final LuaScript SCRIPT = LuaScript.resource("call_owner.lua");
    /** Longest a call's owner record is kept: no call lasts a day. */
    private static final Duration CALL_LIFETIME = Duration.ofDays(1);

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final String prefix;
    private final String nodeId;

    public CallOwnerStore(RoutingStore store, String nodeId) {
        this.vertx = store.vertx();
        this.redis = store.commands();
        this.prefix = store.keys().prefix();
        this.nodeId = nodeId;
    }

    /**
     * This node is alive for another {@code ttl}, and can act on the calls of the Asterisk servers it has an AMI link
     * to now: refresh well before it runs out. A node whose link to an Asterisk is down stops saying so, and its calls
     * there go over to a node that can act on them (it would see none of their events).
     */
    public Future<Void> heartbeat(Duration ttl, Collection<String> connectedAsterisks) {
        List<Future<String>> beats = new ArrayList<>();
        beats.add(RedisFutures.onContext(vertx, () -> redis.psetex(nodeKey(nodeId), ttl.toMillis(), "1")));
        for (String asterisk : connectedAsterisks) {
            beats.add(RedisFutures.onContext(vertx, () -> redis.psetex(nodeKey(nodeId) + ":" + asterisk, ttl.toMillis(),
                    "1")));
        }
        return Future.all(beats).mapEmpty();
    }

    /** A link to that Asterisk was lost: its calls go to another node at their next event, without waiting. */
    public Future<Void> cannotAct(String asterisk) {
        return RedisFutures.onContext(vertx, () -> redis.del(nodeKey(nodeId) + ":" + asterisk)).mapEmpty();
    }

    /** A clean stop: other nodes take this node's calls over at their next event, without waiting. */
    public Future<Void> leave(Collection<String> asterisks) {
        List<String> keys = new ArrayList<>();
        keys.add(nodeKey(nodeId));
        asterisks.forEach(a -> keys.add(nodeKey(nodeId) + ":" + a));
        return Future.all(keys.stream().map(k -> RedisFutures.onContext(vertx, () -> redis.del(k))).toList())
                .mapEmpty();
    }

    /** This node owns the call (it answered it). */
    public Future<Void> claim(String uniqueId) {
        return RedisFutures.onContext(vertx, () -> redis.setex(ownerKey(uniqueId), CALL_LIFETIME.toSeconds(), nodeId))
                .mapEmpty();
    }

    /**
     * True when this node owns the call, taking it over if its owner can no longer act on it (gone, or its link to
     * the call's Asterisk down).
     */
    public Future<Boolean> owns(String uniqueId, String asterisk) {
        String[] keys = {ownerKey(uniqueId)};
        String[] args = {nodeId, prefix + ":node:", Long.toString(CALL_LIFETIME.toSeconds()), asterisk};
        return RedisFutures.onContext(vertx, () -> SCRIPT.<Long>run(redis, ScriptOutputType.INTEGER, keys, args))
                .map(won -> won == 1L);
    }

    private String ownerKey(String uniqueId) {
        return prefix + ":call:" + uniqueId + ":owner";
    }

    private String nodeKey(String id) {
        return prefix + ":node:" + id;
    }
}
