package io.switchboard.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routing state in Redis. Every change goes through {@code router.lua} (atomic across nodes);
 * reads are plain commands. Lettuce futures are turned into Vert.x futures on the caller's context,
 * so continuations run on the verticle's event loop, never on Lettuce's I/O thread.
 */
public final class RoutingStore {
    private static final CommandScript SCRIPT = CommandScript.resource("router.lua");
    private static final LuaScript HASHES = LuaScript.resource("hashes.lua");
    /** Hashes one call of {@code hashes.lua} reads: Redis runs nothing else meanwhile (about half a millisecond). */
    static final int HASHES_PER_CALL = 100;

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final InstantSource clock;
    private final String[] settings;

    /**
     * @param aging priority points gained per second of waiting (see PriorityPolicy)
     * @param eventsMaxLen how many events the events stream keeps (about); 0 = no stream (no webhooks)
     * @param retention how long Redis keeps a finished interaction and a closed offer; zero = for ever
     */
    public RoutingStore(Vertx vertx, RedisConnection connection, RedisKeys keys, InstantSource clock,
                        Duration reservationTimeout, int maxMissedOffers, double aging, long eventsMaxLen,
                        Duration retention) {
        this.vertx = vertx;
        this.redis = connection.commands();
        this.keys = keys;
        this.clock = clock;
        this.settings = new String[] {keys.prefix(), null, Long.toString(reservationTimeout.toMillis()),
                Integer.toString(maxMissedOffers), Double.toString(aging), Long.toString(eventsMaxLen),
                Long.toString(retention.toMillis())};
    }

    /** The Lettuce commands, for adapters with their own Redis structures (webhook stream reader). */
    public RedisClusterAsyncCommands<String, String> commands() {
        return redis;
    }

    public Vertx vertx() {
        return vertx;
    }

    public RedisKeys keys() {
        return keys;
    }

    public InstantSource clock() {
        return clock;
    }

    public long now() {
        return clock.millis();
    }

    /** Runs one routing command atomically. */
    public Future<ScriptResult> run(String command, String... args) {
        List<String> argv = new ArrayList<>(settings.length + 1 + args.length);
        for (String s : settings) {
            argv.add(s);
        }
        argv.set(1, Long.toString(now()));
        argv.add(command);
        argv.addAll(List.of(args));
        String[] argArray = argv.toArray(String[]::new);
        String[] keyArray = {keys.agents()};
        return RedisFutures.onContext(vertx, () -> SCRIPT.run(redis, command, keyArray, argArray))
                .map(ScriptResult::parse);
    }

    /** Publishes an event outside routing's own (e.g. on the agents' bus, {@link RedisKeys#bus()}). */
    public Future<Void> publish(String channel, JsonObject event) {
        return RedisFutures.onContext(vertx, () -> redis.publish(channel, event.encode())).mapEmpty();
    }

    /**
     * Tells the floor's consoles an event that is not routing's (a callback scheduled, a call monitored), the way
     * routing's are told: a JSON array on {@link RedisKeys#floor()}. Like routing's, it also reaches the desktops of
     * the agents its {@code agent} and {@code by} fields name: an event for the consoles alone names nobody there.
     */
    public Future<Void> tellFloor(JsonObject event) {
        String events = new JsonArray().add(event).encode();
        return RedisFutures.onContext(vertx, () -> redis.publish(keys.floor(), events)).mapEmpty();
    }

    /** Adds an entry, with its time ({@code at}), to an interaction's history after what routing wrote there. */
    public Future<Void> appendHistory(String interactionId, JsonObject entry) {
        String value = entry.copy().put("at", now()).encode();
        return RedisFutures.onContext(vertx, () -> redis.rpush(keys.history(interactionId), value)).mapEmpty();
    }

    public Future<Map<String, String>> hash(String key) {
        return RedisFutures.onContext(vertx, () -> redis.hgetall(key));
    }

    public Future<String> hget(String key, String field) {
        return RedisFutures.onContext(vertx, () -> redis.hget(key, field));
    }

    /** The fields' values, in order (null for a field not there). */
    public Future<List<String>> hmget(String key, String... fields) {
        return RedisFutures.onContext(vertx, () -> redis.hmget(key, fields))
                .map(values -> values.stream().map(v -> v.getValueOrElse(null)).toList());
    }

    /** HSETNX: true if the field was absent and now holds the value. */
    public Future<Boolean> hsetIfAbsent(String key, String field, String value) {
        return RedisFutures.onContext(vertx, () -> redis.hsetnx(key, field, value));
    }

    public Future<List<String>> list(String key) {
        return RedisFutures.onContext(vertx, () -> redis.lrange(key, 0, -1));
    }

    /** The set holds exactly these members afterwards, none of its readers seeing it half written. */
    private static final LuaScript REPLACE_SET = new LuaScript("""
            redis.call('DEL', KEYS[1])
            for i = 1, #ARGV, 1000 do
              redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
            end
            return #ARGV
            """);

    /** Makes the set hold exactly these members, in one step (an empty list deletes it). */
    public Future<Void> replaceSet(String key, List<String> members) {
        String[] keyArray = {key};
        String[] args = members.toArray(String[]::new);
        return RedisFutures.onContext(vertx, () -> REPLACE_SET.<Long>run(redis, ScriptOutputType.INTEGER, keyArray, args))
                .mapEmpty();
    }

    public Future<Void> addMember(String key, String member) {
        return RedisFutures.onContext(vertx, () -> redis.sadd(key, member)).mapEmpty();
    }

    public Future<Void> removeMember(String key, String member) {
        return RedisFutures.onContext(vertx, () -> redis.srem(key, member)).mapEmpty();
    }

    public Future<List<String>> members(String key) {
        return RedisFutures.onContext(vertx, () -> redis.smembers(key)).map(List::copyOf);
    }

    /** The members of several sets in one command (the keys share the prefix's slot). */
    public Future<List<String>> union(List<String> keys) {
        if (keys.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return RedisFutures.onContext(vertx, () -> redis.sunion(keys.toArray(String[]::new))).map(List::copyOf);
    }

    public Future<Long> scard(String key) {
        return RedisFutures.onContext(vertx, () -> redis.scard(key));
    }

    public Future<Long> zcard(String key) {
        return RedisFutures.onContext(vertx, () -> redis.zcard(key));
    }


    /** The lowest score of a sorted set in one read (no race with a removal), or null when empty. */
    public Future<Double> lowestScore(String key) {
        return RedisFutures.onContext(vertx, () -> redis.zrangeWithScores(key, 0, 0))
                .map(head -> head.isEmpty() ? null : head.get(0).getScore());
    }

    /** The first {@code limit} members of a sorted set, lowest score first: O(log n + limit). */
    public Future<List<String>> head(String key, int limit) {
        return RedisFutures.onContext(vertx, () -> redis.zrange(key, 0, limit - 1L)).map(List::copyOf);
    }

    public Future<Long> zrank(String key, String member) {
        return RedisFutures.onContext(vertx, () -> redis.zrank(key, member));
    }

    /** Sets a field of a hash unless that would take it past {@code max} fields; true if it was set. */
    private static final LuaScript HSET_WITHIN = new LuaScript("""
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
              return 0
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            return 1
            """);

    public Future<Boolean> hsetWithin(String key, String field, String value, int max) {
        String[] keyArray = {key};
        String[] args = {field, value, Integer.toString(max)};
        return RedisFutures.onContext(vertx, () -> HSET_WITHIN.<Long>run(redis, ScriptOutputType.INTEGER, keyArray, args))
                .map(n -> n == 1);
    }

    /**
     * Claims a customer's phones and emails in the indexes (field: the normalized address, value: the customer), all or
     * none. A holder yields an address its record no longer lists (an index entry older versions left behind) or that
     * it has only because a chat or an email created it (origin "contact"): the imported customer is the one the CRM
     * knows. Any other holder stops the claim. KEYS: phone index, email index; ARGV: owner, the customer record key
     * before the id, the count of phones, the phones, the emails.
     */
    private static final LuaScript CLAIM_ADDRESSES = new LuaScript("""
            local owner, records, np = ARGV[1], ARGV[2], tonumber(ARGV[3])
            local function phone(p) return (string.gsub(p, '%D', '')) end
            local function email(e) return string.lower((string.gsub(e, '^%s*(.-)%s*$', '%1'))) end
            local function firm(holder, field, address, normalized)
              local h = redis.call('HMGET', records .. holder, 'origin', field)
              if h[1] == 'contact' then return false end
              for _, a in ipairs(cjson.decode(h[2] or '[]')) do
                if normalized(a) == address then return true end
              end
              return false
            end
            local claims = {}
            for i = 1, np do claims[#claims + 1] = {KEYS[1], ARGV[3 + i], 'phones', phone} end
            for i = 4 + np, #ARGV do claims[#claims + 1] = {KEYS[2], ARGV[i], 'emails', email} end
            for _, c in ipairs(claims) do
              local held = redis.call('HGET', c[1], c[2])
              if held and held ~= owner and firm(held, c[3], c[2], c[4]) then return {c[1], c[2], held} end
            end
            for _, c in ipairs(claims) do redis.call('HSET', c[1], c[2], owner) end
            return {}
            """);

    /** Claims the addresses for owner; empty when done, else [index, address, holder] of the first held firmly. */
    public Future<List<String>> claimAddresses(String phoneIndex, String emailIndex, String recordKeyPrefix,
                                               String owner, List<String> phones, List<String> emails) {
        String[] keyArray = {phoneIndex, emailIndex};
        List<String> args = new ArrayList<>(List.of(owner, recordKeyPrefix, Integer.toString(phones.size())));
        args.addAll(phones);
        args.addAll(emails);
        return RedisFutures.onContext(vertx, () -> CLAIM_ADDRESSES.<List<String>>run(redis, ScriptOutputType.MULTI,
                keyArray, args.toArray(String[]::new)));
    }

    /** HDEL of one field: true if it was there. */
    public Future<Boolean> hdel(String key, String field) {
        return RedisFutures.onContext(vertx, () -> redis.hdel(key, field)).map(n -> n > 0);
    }

    public Future<Void> hset(String key, Map<String, String> fields) {
        return RedisFutures.onContext(vertx, () -> redis.hset(key, fields)).mapEmpty();
    }

    public Future<Void> set(String key, String value) {
        return RedisFutures.onContext(vertx, () -> redis.set(key, value)).mapEmpty();
    }

    public Future<Void> set(String key, String value, Duration ttl) {
        return RedisFutures.onContext(vertx, () -> redis.setex(key, ttl.toSeconds(), value)).mapEmpty();
    }

    public Future<Void> delete(String key) {
        return RedisFutures.onContext(vertx, () -> redis.del(key)).mapEmpty();
    }

    /** GETDEL: read and remove in one step. */
    public Future<String> getAndDelete(String key) {
        return RedisFutures.onContext(vertx, () -> redis.getdel(key));
    }

    public Future<Boolean> setIfAbsent(String key, String value) {
        return RedisFutures.onContext(vertx, () -> redis.setnx(key, value));
    }

    /** SET NX PX: true if the key was absent and is now set, expiring after ttl. */
    public Future<Boolean> setIfAbsent(String key, String value, Duration ttl) {
        return RedisFutures.onContext(vertx, () -> redis.set(key, value,
                io.lettuce.core.SetArgs.Builder.nx().px(ttl.toMillis()))).map("OK"::equals);
    }

    public Future<String> get(String key) {
        return RedisFutures.onContext(vertx, () -> redis.get(key));
    }

    public Future<String> ping() {
        return RedisFutures.onContext(vertx, redis::ping);
    }

    /** These fields of many hashes: per hash the values in the order asked, null where absent. */
    public Future<List<List<String>>> fields(List<String> hashKeys, String... fieldNames) {
        if (fieldNames.length == 0) {
            throw new IllegalArgumentException("name at least one field");
        }
        return manyHashes(hashKeys, fieldNames);
    }

    /** Many whole hashes, in the order asked (empty where absent). */
    public Future<List<Map<String, String>>> hashes(List<String> hashKeys) {
        return manyHashes(hashKeys).map(rows -> rows.stream().map(RoutingStore::pairs).toList());
    }

    /**
     * One script call per {@link #HASHES_PER_CALL} hashes instead of a command (and a future) per hash; each call
     * is sent once the one before has answered, so routing commands run in between instead of waiting behind a
     * whole floor's worth of reads.
     */
    @SuppressWarnings("unchecked")
    private Future<List<List<String>>> manyHashes(List<String> hashKeys, String... fieldNames) {
        List<List<String>> rows = new ArrayList<>(hashKeys.size());
        Future<Void> read = Future.succeededFuture();
        for (int from = 0; from < hashKeys.size(); from += HASHES_PER_CALL) {
            String[] chunk = hashKeys.subList(from, Math.min(hashKeys.size(), from + HASHES_PER_CALL))
                    .toArray(String[]::new);
            read = read.compose(v -> RedisFutures.onContext(vertx,
                    () -> HASHES.<List<Object>>run(redis, ScriptOutputType.MULTI, chunk, fieldNames)).map(reply -> {
                        reply.forEach(row -> rows.add((List<String>) row));
                        return null;
                    }));
        }
        return read.map(v -> rows);
    }

    /** An HGETALL reply as the script passes it on: field, value, field, value... */
    private static Map<String, String> pairs(List<String> flat) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            map.put(flat.get(i), flat.get(i + 1));
        }
        return map;
    }
}
