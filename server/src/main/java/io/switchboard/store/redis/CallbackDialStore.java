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
 * accepted it dies or its Asterisk link is down then. The routing script writes the job with the accept, in the same
 * step ({@code router.lua}'s {@code dial_job}): one entry in a sorted set by deadline ({@code voice:callback:dials})
 * and a hash beside it ({@code :<id>}: {@code state}, {@code tries}, {@code channel}).
 *
 * <p>A job is {@code pending} (to be sent; due at once for the node that committed the accept, and after 5 s for any
 * node's sweep) or {@code sending}: a node took it, named the agent's channel ({@code channel}, Originate's ChannelId)
 * and sends the Originate. It is taken before the send, so two nodes never send it both. A send that certainly did
 * nothing puts it back to pending; Asterisk's OriginateResponse for its channel ends it; one still sending at its
 * deadline (the answer never came: Asterisk may have dialled) is dropped, never sent again.
 */
public final class CallbackDialStore {
    private static final String KEPT_MS = Long.toString(Duration.ofDays(1).toMillis());
    /**
     * Takes the job for one send: ARGV iid, channel, deadline, dialled key TTL; ARGV[5] = 'again' starts one (the
     * agent calls again), refused while any job waits or sends. 1 = taken.
     */
    private static final LuaScript TAKE = new LuaScript("""
            local state = redis.call('HGET', KEYS[2], 'state')
            if ARGV[5] == 'again' then
              if state then return 0 end
              redis.call('HSET', KEYS[2], 'tries', '0')
              redis.call('PEXPIRE', KEYS[2], ARGV[6])
            elseif state ~= 'pending' then
              return 0
            end
            redis.call('HSET', KEYS[2], 'state', 'sending', 'channel', ARGV[2])
            redis.call('HINCRBY', KEYS[2], 'tries', 1)
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
            redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[4])
            return 1
            """);
    /**
     * The sweep: due pending jobs are taken (as TAKE does; channels 'sbcb-<salt>-<n>'), and jobs still sending at their
     * deadline dropped. Answers id, channel, tries per job: channel '' for one dropped (tries -1: it was sending).
     */
    private static final LuaScript CLAIM = new LuaScript("""
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[5]))
            local out = {}
            for i, id in ipairs(due) do
              local job = KEYS[1] .. ':' .. id
              local state = redis.call('HGET', job, 'state')
              out[#out + 1] = id
              if state == 'pending' then
                local channel = 'sbcb-' .. ARGV[3] .. '-' .. i
                redis.call('HSET', job, 'state', 'sending', 'channel', channel)
                out[#out + 1] = channel
                out[#out + 1] = tostring(redis.call('HINCRBY', job, 'tries', 1))
                redis.call('ZADD', KEYS[1], ARGV[2], id)
                redis.call('SET', ARGV[6] .. channel, id, 'PX', ARGV[4])
              else
                redis.call('ZREM', KEYS[1], id)
                redis.call('DEL', job)
                out[#out + 1] = ''
                out[#out + 1] = state == 'sending' and '-1' or '0'
              end
            end
            return out
            """);
    /** The send of this channel certainly did nothing: pending again, due at ARGV[3]. */
    private static final LuaScript RELEASE = new LuaScript("""
            if redis.call('HGET', KEYS[2], 'channel') ~= ARGV[2] or redis.call('HGET', KEYS[2], 'state') ~= 'sending' then
              return 0
            end
            redis.call('HSET', KEYS[2], 'state', 'pending')
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
            return 1
            """);
    /** Ends the job if its send is this channel's (a late answer for an earlier dial ends nothing). */
    private static final LuaScript END = new LuaScript("""
            if redis.call('HGET', KEYS[2], 'channel') ~= ARGV[2] then return 0 end
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('DEL', KEYS[2])
            return 1
            """);

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final String index;
    private final String dialledPrefix;

    public CallbackDialStore(RoutingStore store) {
        this.vertx = store.vertx();
        this.redis = store.commands();
        this.index = store.keys().callbackDials();
        this.dialledPrefix = store.keys().prefix() + ":voice:dialled:";
    }

    /** A job the sweep took: the channel to send it as and its tries so far (this one included). */
    public record Taken(String interactionId, String channelId, int tries) {
        /** Dropped: it was still sending at its deadline, Asterisk never answered for it. */
        public boolean unconfirmed() {
            return channelId.isEmpty() && tries < 0;
        }

        public boolean dropped() {
            return channelId.isEmpty();
        }
    }

    /**
     * Takes the interaction's pending job for a send as {@code channelId}, answered for by {@code deadlineMs}; with
     * {@code again}, starts one (refused while a job waits or sends). True = this node sends it.
     */
    public Future<Boolean> take(String interactionId, String channelId, long deadlineMs, Duration dialledFor,
                                boolean again) {
        String[] k = {index, job(interactionId), dialled(channelId)};
        String[] args = {interactionId, channelId, Long.toString(deadlineMs), Long.toString(dialledFor.toMillis()),
            again ? "again" : "", KEPT_MS};
        return RedisFutures.onContext(vertx, () -> TAKE.<Long>run(redis, ScriptOutputType.INTEGER, k, args))
                .map(taken -> taken == 1L);
    }

    /** Due jobs, taken for this node (pending ones, to send by {@code deadlineMs}) or dropped (still sending). */
    public Future<List<Taken>> claimDue(long nowMs, long deadlineMs, String salt, Duration dialledFor, int limit) {
        String[] args = {Long.toString(nowMs), Long.toString(deadlineMs), salt, Long.toString(dialledFor.toMillis()),
            Integer.toString(limit), dialledPrefix};
        return RedisFutures.onContext(vertx, () -> CLAIM.<List<String>>run(redis, ScriptOutputType.MULTI,
                new String[] {index}, args)).map(CallbackDialStore::taken);
    }

    /** The send as {@code channelId} certainly did nothing: the job is pending again, due at {@code retryAtMs}. */
    public Future<Void> release(String interactionId, String channelId, long retryAtMs) {
        String[] args = {interactionId, channelId, Long.toString(retryAtMs)};
        return RedisFutures.onContext(vertx, () -> RELEASE.<Long>run(redis, ScriptOutputType.INTEGER,
                new String[] {index, job(interactionId)}, args)).mapEmpty();
    }

    /** Asterisk answered for the send as {@code channelId}, or it will never be made: the job ends. */
    public Future<Void> end(String interactionId, String channelId) {
        return RedisFutures.onContext(vertx, () -> END.<Long>run(redis, ScriptOutputType.INTEGER,
                new String[] {index, job(interactionId)}, new String[] {interactionId, channelId})).mapEmpty();
    }

    /** The interaction whose dial rings the agent's phone on this channel, once: the first node to ask gets it. */
    public Future<String> dialledOn(String channelId) {
        return RedisFutures.onContext(vertx, () -> redis.getdel(dialled(channelId)));
    }

    private String job(String interactionId) {
        return index + ":" + interactionId;
    }

    private String dialled(String channelId) {
        return dialledPrefix + channelId;
    }

    private static List<Taken> taken(List<String> flat) {
        List<Taken> taken = new ArrayList<>(flat.size() / 3);
        for (int i = 0; i + 2 < flat.size(); i += 3) {
            taken.add(new Taken(flat.get(i), flat.get(i + 1), Integer.parseInt(flat.get(i + 2))));
        }
        return taken;
    }
}
