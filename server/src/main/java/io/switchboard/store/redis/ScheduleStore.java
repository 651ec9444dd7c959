package io.switchboard.store.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/**
 * Contacts to make later, in Redis: the ids in a sorted set by due time ({@code contacts:scheduled}), each contact
 * beside it as JSON, its customer's set of them ({@code customer:<id>:scheduled}, for the 360 view), and while a node
 * makes one, a lease ({@code :making}). Claiming and canceling are each one script, so a cancel either wins (the
 * contact is never made) or is refused because a node is making it.
 */
public final class ScheduleStore {
    /** Saves an entry, its place by due time and in its customer's set (KEYS[4], when ARGV[5] is 1) in one step. */
    private static final LuaScript SAVE = new LuaScript("""
            redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
            if ARGV[5] == '1' then redis.call('SADD', KEYS[4], ARGV[1]) end
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
            return 1
            """);
    /** Claims a due entry for this node: its JSON, or nil when it is not due, leased by another node, or gone. */
    private static final LuaScript CLAIM = new LuaScript("""
            local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if not due or tonumber(due) > tonumber(ARGV[2]) then return false end
            if not redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[3]) then return false end
            local entry = redis.call('GET', KEYS[2])
            if not entry then
              redis.call('ZREM', KEYS[1], ARGV[1])
              redis.call('DEL', KEYS[3])
              return false
            end
            return entry
            """);
    /** 1 = canceled; 0 = nothing to cancel; -1 = a node is making it now. KEYS[4]: its customer's set. */
    private static final LuaScript CANCEL = new LuaScript("""
            if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
            if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
            redis.call('DEL', KEYS[2])
            redis.call('SREM', KEYS[4], ARGV[1])
            return 1
            """);
    /** Made: the id, its entry, its lease and its place in its customer's set go. */
    private static final LuaScript DONE = new LuaScript("""
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('DEL', KEYS[2], KEYS[3])
            redis.call('SREM', KEYS[4], ARGV[1])
            return 1
            """);

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;

    public ScheduleStore(RoutingStore store) {
        this.vertx = store.vertx();
        this.redis = store.commands();
        this.keys = store.keys();
    }

    public Future<Void> save(String id, String entry, long dueMs, Duration kept, String customerId) {
        String[] k = keysOf(id, customerId);
        String[] args = {id, entry, Long.toString(dueMs), Long.toString(kept.toMillis()), customerId == null ? "0" : "1"};
        return RedisFutures.onContext(vertx, () -> SAVE.<Long>run(redis, ScriptOutputType.INTEGER, k, args)).mapEmpty();
    }

    /** The entries scheduled for this customer; ids whose entry expired unmade are taken out of the set. */
    public Future<List<String>> ofCustomer(String customerId) {
        String set = customerSet(customerId);
        return RedisFutures.onContext(vertx, () -> redis.smembers(set)).compose(ids -> {
            List<String> list = List.copyOf(ids);
            return entries(list).compose(found -> {
                String[] gone = java.util.stream.IntStream.range(0, list.size()).filter(i -> found.get(i) == null)
                        .mapToObj(list::get).toArray(String[]::new);
                Future<Long> pruned = gone.length == 0 ? Future.succeededFuture(0L)
                        : RedisFutures.onContext(vertx, () -> redis.srem(set, gone));
                return pruned.map(n -> found.stream().filter(java.util.Objects::nonNull).toList());
            });
        });
    }

    /** The ids due by {@code nowMs}, soonest first. */
    public Future<List<String>> due(long nowMs, int limit) {
        return RedisFutures.onContext(vertx, () -> redis.zrangebyscore(index(),
                Range.create(Double.NEGATIVE_INFINITY, (double) nowMs), Limit.create(0, limit)));
    }

    /** The first {@code limit} ids, soonest first. */
    public Future<List<String>> head(int limit) {
        return RedisFutures.onContext(vertx, () -> redis.zrange(index(), 0, limit - 1L));
    }

    /** Their entries in one read, null where gone. */
    public Future<List<String>> entries(List<String> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        String[] entryKeys = ids.stream().map(keys::scheduledContact).toArray(String[]::new);
        return RedisFutures.onContext(vertx, () -> redis.mget(entryKeys))
                .map(values -> values.stream().map(v -> v.getValueOrElse(null)).toList());
    }

    /** This node makes it: its JSON, or null when it is not due, another node makes it, or it was canceled. */
    public Future<String> claim(String id, long nowMs, Duration lease) {
        String[] k = keysOf(id);
        String[] args = {id, Long.toString(nowMs), Long.toString(lease.toMillis())};
        return RedisFutures.onContext(vertx, () -> CLAIM.run(redis, ScriptOutputType.VALUE, k, args));
    }

    /** Tried again at {@code dueMs} (the lease given back). */
    public Future<Void> postpone(String id, long dueMs) {
        return RedisFutures.onContext(vertx, () -> redis.zadd(index(), dueMs, id))
                .compose(n -> RedisFutures.onContext(vertx, () -> redis.del(keys.scheduledContactLease(id))))
                .mapEmpty();
    }

    public Future<Void> done(String id, String customerId) {
        String[] k = keysOf(id, customerId);
        return RedisFutures.onContext(vertx, () -> DONE.<Long>run(redis, ScriptOutputType.INTEGER, k, new String[] {id}))
                .mapEmpty();
    }

    /** 1 = canceled; 0 = nothing to cancel (made, canceled, never scheduled); -1 = a node is making it now. */
    public Future<Long> cancel(String id, String customerId) {
        String[] k = keysOf(id, customerId);
        return RedisFutures.onContext(vertx, () -> CANCEL.<Long>run(redis, ScriptOutputType.INTEGER, k, new String[] {id}));
    }

    public Future<Long> count() {
        return RedisFutures.onContext(vertx, () -> redis.zcard(index()));
    }

    private String[] keysOf(String id) {
        return new String[] {index(), keys.scheduledContact(id), keys.scheduledContactLease(id)};
    }

    private String[] keysOf(String id, String customerId) {
        return new String[] {index(), keys.scheduledContact(id), keys.scheduledContactLease(id), customerSet(customerId)};
    }

    /** A contact without a customer is in no customer's set: the scripts' SREM of the empty id's does nothing. */
    private String customerSet(String customerId) {
        return keys.customerScheduled(customerId == null ? "" : customerId);
    }

    private String index() {
        return keys.scheduledContacts();
    }
}
