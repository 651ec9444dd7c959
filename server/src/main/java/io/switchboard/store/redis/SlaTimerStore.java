package io.switchboard.store.redis;

import io.lettuce.core.Range;
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
import java.util.concurrent.ConcurrentHashMap;

/**
 * SLA timers in Redis through {@code sla.lua}: one compare-and-set for every change of a timer (arm,
 * cancel, pause, resume, re-target) and one sweep that fires due steps exactly once across nodes.
 * Futures complete on the caller's Vert.x context.
 */
public final class SlaTimerStore {
    private static final CommandScript SCRIPT = CommandScript.resource("sla.lua");

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final InstantSource clock;
    private final String lateAfterMillis;
    private final String breachesKept;
    private final String eventsMaxLen;
    /** Policy version to its ladder: immutable once in Redis, so every node may keep what it read. */
    private final Map<String, String> ladders = new ConcurrentHashMap<>();

    /** A timer as stored: its payload and its policy version's ladder. */
    public record Stored(String payload, String ladder) {
    }

    /**
     * What one change carries besides the payload; empty strings/maps for none.
     * @param verdict the floor KPI counter this change reaches ({@code sla_met}, {@code sla_breached_<severity>}):
     *                counted by the script in the same run as the change, "" for none
     */
    public record Change(Map<String, Object> record, JsonObject event, String policyRef, String ladder,
                         String severity, String verdict) {
        public Change(Map<String, Object> record, JsonObject event, String policyRef, String ladder, String severity) {
            this(record, event, policyRef, ladder, severity, "");
        }

        public static Change none() {
            return new Change(Map.of(), null, "", "", "");
        }
    }

    public SlaTimerStore(Vertx vertx, RedisClusterAsyncCommands<String, String> redis, RedisKeys keys,
                         InstantSource clock, Duration lateAfter, long breachesKept, long eventsMaxLen) {
        this.vertx = vertx;
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.lateAfterMillis = Long.toString(lateAfter.toMillis());
        this.breachesKept = Long.toString(breachesKept);
        this.eventsMaxLen = Long.toString(eventsMaxLen);
    }

    public InstantSource clock() {
        return clock;
    }

    /**
     * Replaces the timer's payload if it is still {@code expected} ("" = not armed; newPayload "" =
     * disarm). False when another node changed it first: read again and retry.
     */
    public Future<Boolean> compareAndSet(String id, String expected, String newPayload, Change change) {
        return run("cas", id, expected, newPayload,
                change.record().isEmpty() ? "" : new JsonObject(new LinkedHashMap<>(change.record())).encode(),
                change.event() == null ? "" : change.event().encode(),
                change.policyRef(), change.ladder(), change.severity(), change.verdict())
                .map(reply -> reply.getString("error") == null);
    }

    /**
     * The stored timers of these ids (absent ones are left out). Plain reads, no script: a payload is one
     * field of its bucket, and a policy version's ladder never changes once written, so it is kept here.
     */
    public Future<Map<String, Stored>> get(List<String> ids) {
        List<Future<String>> reads = ids.stream()
                .map(id -> RedisFutures.onContext(vertx, () -> redis.hget(keys.slaIndex(id), id))).toList();
        return Future.all(reads).compose(all -> {
            Map<String, String> payloads = new LinkedHashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                if (reads.get(i).result() != null) {
                    payloads.put(ids.get(i), reads.get(i).result());
                }
            }
            List<String> refs = payloads.values().stream().map(SlaTimerStore::policyRef).distinct().toList();
            return ladders(refs).map(ladders -> {
                Map<String, Stored> out = new LinkedHashMap<>();
                payloads.forEach((id, payload) -> out.put(id, stored(payload, ladders)));
                return out;
            });
        });
    }

    /** A payload known from elsewhere (the routing script's event), with its ladder: no read of the payload. */
    public Future<Stored> known(String payload) {
        return ladders(List.of(policyRef(payload))).map(ladders -> stored(payload, ladders));
    }

    private static Stored stored(String payload, Map<String, String> ladders) {
        return new Stored(payload, ladders.getOrDefault(policyRef(payload), ""));
    }

    private Future<Map<String, String>> ladders(List<String> refs) {
        List<String> missing = refs.stream().filter(ref -> !ladders.containsKey(ref)).toList();
        if (missing.isEmpty()) {
            return Future.succeededFuture(ladders);
        }
        return RedisFutures.onContext(vertx, () -> redis.hmget(keys.slaPolicies(), missing.toArray(String[]::new)))
                .map(values -> {
                    values.stream().filter(v -> v.hasValue()).forEach(v -> ladders.put(v.getKey(), v.getValue()));
                    return ladders;
                });
    }

    /** The policy version a payload refers to ({@code state|ref|...}). */
    public static String policyRef(String payload) {
        return payload.split("\\|", 3)[1];
    }

    /** One sweep: fires what is due by now. {@code claimed} timers, {@code fired} steps as JSON events. */
    public Future<Sweep> sweep(int limit) {
        return run("sweep", Integer.toString(limit)).map(reply -> {
            JsonObject result = object(reply.getValue("result"));
            List<JsonObject> fired = new ArrayList<>();
            // Lua's cjson encodes an empty list as {}, so only a non-empty one is an array
            if (result.getValue("fired") instanceof JsonArray array) {
                array.forEach(e -> fired.add((JsonObject) e));
            }
            return new Sweep(result.getInteger("claimed", 0), fired);
        });
    }

    public record Sweep(int claimed, List<JsonObject> fired) {
    }

    /** A fired raise_priority step is done (its {@code raise} token): no sweep delivers it again. */
    public Future<Void> raised(String token) {
        return run("raised", token).mapEmpty();
    }

    /**
     * Breaches recorded between two instants (epoch ms), at most {@code limit}: the newest, newest first (what a console
     * shows), or the oldest, oldest first (a poller reading on from where it was).
     */
    public Future<List<JsonObject>> breaches(long from, long to, int limit, boolean oldestFirst) {
        Range<Long> window = Range.create(from, to);
        io.lettuce.core.Limit first = io.lettuce.core.Limit.create(0, limit);
        return RedisFutures.onContext(vertx, () -> oldestFirst ? redis.zrangebyscore(keys.slaBreaches(), window, first)
                        : redis.zrevrangebyscore(keys.slaBreaches(), window, first))
                .compose(ids -> ids.isEmpty() ? Future.succeededFuture(List.<String>of())
                        : RedisFutures.onContext(vertx, () -> redis.hmget(keys.slaBreach(), ids.toArray(String[]::new)))
                        .map(values -> values.stream().filter(v -> v.hasValue()).map(v -> v.getValue()).toList()))
                .map(jsons -> jsons.stream().map(JsonObject::new).toList());
    }

    /**
     * Running timers past a warn step or due within {@code horizon}, soonest deadline first, at most
     * {@code limit}; each as {@code {id, policy, dueAt, state}} with state {@code warned} or {@code running}.
     * At most {@code budget} warned and {@code budget} due timers are looked at, so one call stays short.
     */
    public Future<List<JsonObject>> atRisk(Duration horizon, int limit, int budget) {
        return run("risk", Long.toString(horizon.toMillis()), Integer.toString(limit), Integer.toString(budget))
                .map(reply -> {
                    List<JsonObject> out = new ArrayList<>();
                    // Lua's cjson encodes an empty list as {}, so only a non-empty one is an array
                    if (object(reply.getValue("result")).getValue("timers") instanceof JsonArray array) {
                        array.forEach(e -> out.add((JsonObject) e));
                    }
                    return out;
                });
    }

    /** One recorded breach, or null. */
    public Future<JsonObject> breach(String id) {
        return RedisFutures.onContext(vertx, () -> redis.hget(keys.slaBreach(), id))
                .map(json -> json == null ? null : new JsonObject(json));
    }

    /** Timers armed now, on every node (the gauge). */
    public Future<Long> armed() {
        return RedisFutures.onContext(vertx, () -> redis.get(keys.slaArmed())).map(v -> v == null ? 0L : Long.parseLong(v));
    }

    private Future<JsonObject> run(String command, String... args) {
        String[] argv = new String[6 + args.length];
        argv[0] = keys.prefix();
        argv[1] = Long.toString(clock.millis());
        argv[2] = lateAfterMillis;
        argv[3] = breachesKept;
        argv[4] = eventsMaxLen;
        argv[5] = command;
        System.arraycopy(args, 0, argv, 6, args.length);
        String[] keyArray = {keys.slaSlots()};
        return RedisFutures.onContext(vertx, () -> SCRIPT.run(redis, command, keyArray, argv)).map(JsonObject::new);
    }

    private static JsonObject object(Object value) {
        return value instanceof JsonObject o ? o : new JsonObject();
    }

}
