package io.switchboard.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/** The consumers of a stream's consumer group, as Redis keeps them. */
public final class StreamConsumers {
    /**
     * Removes the group's consumers (not ARGV[2]) with nothing pending, idle at least ARGV[3] ms; in one step, so none
     * can read an event between the check and the removal (removing a consumer drops what it has pending).
     */
    private static final LuaScript PRUNE = new LuaScript("""
            local gone = 0
            for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
              local f = {}
              for i = 1, #c, 2 do f[c[i]] = c[i + 1] end
              if f.name ~= ARGV[2] and tonumber(f.pending) == 0 and tonumber(f.idle) >= tonumber(ARGV[3]) then
                redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], f.name)
                gone = gone + 1
              end
            end
            return gone
            """);

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;

    public StreamConsumers(Vertx vertx, RedisClusterAsyncCommands<String, String> redis) {
        this.vertx = vertx;
        this.redis = redis;
    }

    /** Removes the consumers of {@code group} other than {@code keep} that hold nothing and were idle that long. */
    public Future<Long> pruneIdle(String stream, String group, String keep, Duration idleFor) {
        String[] args = {group, keep, Long.toString(idleFor.toMillis())};
        return RedisFutures.onContext(vertx, () -> PRUNE.<Long>run(redis, ScriptOutputType.INTEGER,
                new String[] {stream}, args));
    }
}
