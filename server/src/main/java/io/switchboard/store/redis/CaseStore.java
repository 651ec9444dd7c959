package io.switchboard.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cases in Redis: a hash per case with a {@code version} field, written only through {@code cases.lua}
 * (compare-and-set on the version, indexes kept in the same step), and sorted-set indexes by customer,
 * status and type, newest last. Futures complete on the caller's Vert.x context.
 */
public final class CaseStore {
    private static final LuaScript SCRIPT = LuaScript.resource("cases.lua");

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;

    public CaseStore(RoutingStore store) {
        this.vertx = store.vertx();
        this.redis = store.commands();
        this.keys = store.keys();
    }

    public RedisKeys keys() {
        return keys;
    }

    /** The next case number (1, 2, ...), shared by every node. */
    public Future<Long> nextNumber() {
        return RedisFutures.onContext(vertx, () -> redis.incr(keys.caseSequence()));
    }

    /** The case's hash (with its {@code version}), empty if there is no such case. */
    public Future<Map<String, String>> read(String id) {
        return RedisFutures.onContext(vertx, () -> redis.hgetall(keys.caseRecord(id)));
    }

    public Future<List<Map<String, String>>> readAll(List<String> ids) {
        List<Future<Map<String, String>>> reads = ids.stream().map(this::read).toList();
        return Future.all(reads).map(c -> reads.stream().map(Future::result).toList());
    }

    /**
     * Writes the case if its version is still {@code expectedVersion} (0: it must not exist yet).
     * @return the new version, or 0 if someone else changed the case first (read again and retry)
     */
    public Future<Long> write(String id, long expectedVersion, Map<String, String> fields, String customerId,
                              String type, String status, long createdAt, String agentId) {
        String[] keyArray = {keys.caseRecord(id)};
        String[] args = {keys.prefix(), Long.toString(expectedVersion),
                new JsonObject(new LinkedHashMap<>(fields)).encode(), id, customerId, type, status,
                Long.toString(createdAt), agentId == null ? "" : agentId};
        return RedisFutures.onContext(vertx, () -> SCRIPT.<Long>run(redis, ScriptOutputType.INTEGER, keyArray, args));
    }

    /** Notes on the interaction's hash which case it is on (a field the routing script never writes). */
    public Future<Void> rememberCase(String interactionId, String caseId) {
        return RedisFutures.onContext(vertx, () -> redis.hset(keys.interaction(interactionId), "caseId", caseId))
                .mapEmpty();
    }

    /** The case an interaction is on, or null. */
    public Future<String> caseOf(String interactionId) {
        return RedisFutures.onContext(vertx, () -> redis.hget(keys.interaction(interactionId), "caseId"));
    }

    /** Up to {@code limit} ids from an index, newest first. */
    public Future<List<String>> newest(String indexKey, int limit) {
        return RedisFutures.onContext(vertx, () -> redis.zrevrange(indexKey, 0, limit - 1L));
    }
}
