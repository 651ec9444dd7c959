package io.switchboard.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Supervisors monitoring calls, in Redis: each monitoring as JSON by the uniqueid of the supervisor's channel
 * ({@code voice:monitor:<id>}), and the ones connected now in a sorted set by when they connected
 * ({@code voice:monitors}). Every node sees the ChanSpyStart and ChanSpyStop events; the scripts let exactly one
 * of them record each, in the interaction's history.
 */
public final class MonitorStore {
    /**
     * Connected: kept a day, marked connected (once), told in the interaction's history. The entry, or nil; nil too
     * when its end was recorded first (a script retried after NOSCRIPT may run after the stop's).
     */
    private static final LuaScript STARTED = new LuaScript("""
            local entry = redis.call('GET', KEYS[1])
            if not entry then return false end
            local e = cjson.decode(entry)
            if e.ended then return false end
            if redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[1]) == 0 then return false end
            e.channel = ARGV[3]
            e.since = tonumber(ARGV[2])
            entry = cjson.encode(e)
            redis.call('SET', KEYS[1], entry, 'PX', ARGV[4])
            redis.call('RPUSH', KEYS[3], cjson.encode({type = 'monitor_started', monitor = ARGV[1], mode = e.mode,
              by = e.by, role = e.role, at = tonumber(ARGV[2])}))
            return entry
            """);
    /**
     * Over: out of the set and the history told (once); the entry, or nil when it was not connected. A stop that
     * comes before its start marks the entry ended, so that the start, when it comes, is not taken as connected.
     */
    private static final LuaScript ENDED = new LuaScript("""
            if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then
              local waiting = redis.call('GET', KEYS[1])
              if waiting then
                local w = cjson.decode(waiting)
                if not w.since then
                  w.ended = true
                  redis.call('SET', KEYS[1], cjson.encode(w), 'KEEPTTL')
                end
              end
              return false
            end
            local entry = redis.call('GET', KEYS[1])
            redis.call('DEL', KEYS[1])
            if not entry then return false end
            local e = cjson.decode(entry)
            redis.call('RPUSH', KEYS[3], cjson.encode({type = 'monitor_ended', monitor = ARGV[1], mode = e.mode,
              by = e.by, role = e.role, at = tonumber(ARGV[2])}))
            return entry
            """);

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;

    public MonitorStore(RoutingStore store) {
        this.vertx = store.vertx();
        this.redis = store.commands();
        this.keys = store.keys();
    }

    /** A monitoring asked for, until its phone answers (or for {@code ttl}). */
    public Future<Void> save(String id, JsonObject entry, Duration ttl) {
        return RedisFutures.onContext(vertx, () -> redis.psetex(entry(id), ttl.toMillis(), entry.encode())).mapEmpty();
    }

    public Future<JsonObject> get(String id) {
        return RedisFutures.onContext(vertx, () -> redis.get(entry(id))).map(MonitorStore::json);
    }

    /**
     * Its ChanSpyStart: the entry (with the supervisor's {@code channel} and {@code since}) for the one node that
     * records it; null for the others, and for a channel that is not a monitoring of ours.
     */
    public Future<JsonObject> started(String id, String interactionId, String channel, long now, Duration kept) {
        String[] k = {entry(id), active(), keys.history(interactionId)};
        String[] args = {id, Long.toString(now), channel, Long.toString(kept.toMillis())};
        return RedisFutures.onContext(vertx, () -> STARTED.<String>run(redis, ScriptOutputType.VALUE, k, args))
                .map(MonitorStore::json);
    }

    /** Its ChanSpyStop (or its channel found gone): the entry for the one node that records it, else null. */
    public Future<JsonObject> ended(String id, String interactionId, long now) {
        String[] k = {entry(id), active(), keys.history(interactionId)};
        String[] args = {id, Long.toString(now)};
        return RedisFutures.onContext(vertx, () -> ENDED.<String>run(redis, ScriptOutputType.VALUE, k, args))
                .map(MonitorStore::json);
    }

    /** The monitorings connected now, oldest first; ids whose entry expired (a stop never seen) are dropped. */
    public Future<List<JsonObject>> connected() {
        return RedisFutures.onContext(vertx, () -> redis.zrange(active(), 0, -1)).compose(ids -> {
            if (ids.isEmpty()) {
                return Future.succeededFuture(List.of());
            }
            String[] entryKeys = ids.stream().map(this::entry).toArray(String[]::new);
            return RedisFutures.onContext(vertx, () -> redis.mget(entryKeys)).compose(values -> {
                String[] gone = java.util.stream.IntStream.range(0, ids.size())
                        .filter(i -> !values.get(i).hasValue()).mapToObj(ids::get).toArray(String[]::new);
                Future<Long> pruned = gone.length == 0 ? Future.succeededFuture(0L)
                        : RedisFutures.onContext(vertx, () -> redis.zrem(active(), gone));
                return pruned.map(n -> values.stream().filter(v -> v.hasValue()).map(v -> json(v.getValue())).toList());
            });
        });
    }

    private String entry(String id) {
        return keys.prefix() + ":voice:monitor:" + id;
    }

    private String active() {
        return keys.prefix() + ":voice:monitors";
    }

    private static JsonObject json(String value) {
        return value == null ? null : new JsonObject(value);
    }
}
