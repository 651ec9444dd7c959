package io.switchboard.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Accepted callbacks still to be dialled, as jobs in Redis, so that a callback is dialled even when the node that
 * accepted it dies or its Asterisk link is down at that moment. A job is one entry in a sorted set by deadline
 * ({@code voice:callback:dials}) and a hash beside it ({@code :<id>}: {@code tries}, and {@code sent} once an Originate
 * went out). Until it is sent, a job whose deadline passed is claimed by one node (one script: its deadline moves on)
 * and dialled again. Once sent, Asterisk's OriginateResponse (every node connected to it sees one) ends it; a job sent
 * and never answered for is not dialled again, since the customer's phone may have rung: it is given up.
 */
public final class CallbackDialStore {
    /** Due jobs, each as id and tries (this claim counted), or -1 for one sent and never answered for (dropped). */
    private static final LuaScript CLAIM = new LuaScript("""
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
            local out = {}
            for _, id in ipairs(due) do
              local job = KEYS[1] .. ':' .. id
              out[#out + 1] = id
              if redis.call('HGET', job, 'sent') == '1' then
                redis.call('ZREM', KEYS[1], id)
                redis.call('DEL', job)
                out[#out + 1] = '-1'
              else
                redis.call('ZADD', KEYS[1], ARGV[2], id)
                out[#out + 1] = tostring(redis.call('HINCRBY', job, 'tries', 1))
              end
            end
            return out
            """);
    /**
     * A new job: one try, due again at ARGV[2] unless sent by then. With ARGV[4] = 1 none while the last one is sent and
     * not answered for (0).
     */
    private static final LuaScript BEGIN = new LuaScript("""
            if ARGV[4] == '1' and redis.call('ZSCORE', KEYS[1], ARGV[1])
                and redis.call('HGET', KEYS[2], 'sent') == '1' then return 0 end
            redis.call('HSET', KEYS[2], 'tries', '1', 'sent', '0')
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            return 1
            """);
    /** Sent: answered for by ARGV[2]; nothing when the job already ended (its answer came first). */
    private static final LuaScript SENT = new LuaScript("""
            if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
            redis.call('HSET', KEYS[2], 'sent', '1')
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            return 1
            """);
    /** Longer than any job lives: its hash is dropped with it, this only bounds a leak. */
    private static final Duration KEPT = Duration.ofDays(1);

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final String index;

    public CallbackDialStore(RoutingStore store) {
        this.vertx = store.vertx();
        this.redis = store.commands();
        this.index = store.keys().prefix() + ":voice:callback:dials";
    }

    /** One claimed job: {@code tries} so far, this one included; 0 for one sent and never answered for. */
    public record Due(String interactionId, int tries) {
        public boolean unconfirmed() {
            return tries <= 0;
        }
    }

    /**
     * The callback is to be dialled now; if it is not sent by {@code retryAtMs}, another try then.
     *
     * @param unlessRinging begin none (false) while the last dial is sent and Asterisk has not answered for it
     */
    public Future<Boolean> begin(String interactionId, long retryAtMs, boolean unlessRinging) {
        String[] args = {interactionId, Long.toString(retryAtMs), Long.toString(KEPT.toMillis()), unlessRinging ? "1" : "0"};
        return RedisFutures.onContext(vertx, () -> BEGIN.<Long>run(redis, ScriptOutputType.INTEGER,
                keysOf(interactionId), args)).map(begun -> begun == 1L);
    }

    /** The Originate went out: the job waits for Asterisk's answer until {@code answerByMs}. */
    public Future<Void> sent(String interactionId, long answerByMs) {
        String[] args = {interactionId, Long.toString(answerByMs)};
        return RedisFutures.onContext(vertx, () -> SENT.<Long>run(redis, ScriptOutputType.INTEGER,
                keysOf(interactionId), args)).mapEmpty();
    }

    /** Asterisk answered for the dial (the agent's phone answered, or not), or the callback needs none any more. */
    public Future<Void> ended(String interactionId) {
        return RedisFutures.onContext(vertx, () -> redis.zrem(index, interactionId))
                .compose(n -> RedisFutures.onContext(vertx, () -> redis.del(index + ":" + interactionId)))
                .mapEmpty();
    }

    /** Jobs due by {@code nowMs}, claimed for this node: each is due again at {@code retryAtMs} unless sent. */
    public Future<List<Due>> claimDue(long nowMs, long retryAtMs, int limit) {
        String[] args = {Long.toString(nowMs), Long.toString(retryAtMs), Integer.toString(limit)};
        return RedisFutures.onContext(vertx, () -> CLAIM.<List<String>>run(redis, ScriptOutputType.MULTI,
                new String[] {index}, args)).map(CallbackDialStore::pairs);
    }

    private static List<Due> pairs(List<String> flat) {
        List<Due> due = new ArrayList<>(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            due.add(new Due(flat.get(i), Math.max(0, Integer.parseInt(flat.get(i + 1)))));
        }
        return due;
    }

    private String[] keysOf(String interactionId) {
        return new String[] {index, index + ":" + interactionId};
    }
}
