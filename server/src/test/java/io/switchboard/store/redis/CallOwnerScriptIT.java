package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.switchboard.testing.TestRedis;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * call_owner.lua against a real Redis: a call stays its owner's while the owner can act on it, that is while it
 * hears the call's Asterisk; a node whose AMI link to it is down loses the call to a node that hears it.
 */
@ExtendWith(TestRedis.class)
class CallOwnerScriptIT {
    private static final LuaScript OWNER = LuaScript.resource("call_owner.lua");

    @Test
    void aCallGoesOverToANodeThatHearsItsAsteriskWhenItsOwnerNoLongerDoes(TestRedis redis) throws Exception {
        RedisKeys keys = RedisKeys.of(redis.newPrefix());
        String call = keys.prefix() + ":call:1.1:owner";
        String nodes = keys.prefix() + ":node:";
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            RedisClusterAsyncCommands<String, String> r = connection.commands();
            r.set(call, "a").get(5, TimeUnit.SECONDS);
            r.set(nodes + "a", "1").get(5, TimeUnit.SECONDS);
            r.set(nodes + "a:pbx1", "1").get(5, TimeUnit.SECONDS);
            assertEquals(0L, owns(r, call, nodes, "b", "pbx1"), "a hears pbx1: the call stays a's");

            r.del(nodes + "a:pbx1").get(5, TimeUnit.SECONDS); // a's link to pbx1 is down, a itself is alive
            assertEquals(1L, owns(r, call, nodes, "b", "pbx1"), "b takes it over");
            assertEquals("b", r.get(call).get(5, TimeUnit.SECONDS));
            r.set(nodes + "b:pbx1", "1").get(5, TimeUnit.SECONDS);
            assertEquals(0L, owns(r, call, nodes, "a", "pbx1"), "back, a finds it b's: b hears pbx1");
            assertEquals(1L, owns(r, call, nodes, "b", "pbx1"));
        }
    }

    private static long owns(RedisClusterAsyncCommands<String, String> r, String call, String nodes, String node,
                             String asterisk) throws Exception {
        return OWNER.<Long>run(r, ScriptOutputType.INTEGER, new String[] {call},
                new String[] {node, nodes, "86400", asterisk}).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
