package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * chat.lua against a real Redis: a line meant for the agent holding the chat is kept only while that agent holds it
 * (read in the same step as the append), so a whisper or an agent's line never lands after a transfer.
 */
@ExtendWith(TestRedis.class)
class ChatAppendScriptIT {
    private static final LuaScript CHAT = LuaScript.resource("chat.lua");

    @Test
    void aLineForTheHolderIsKeptOnlyWhileThatAgentHoldsTheChat(TestRedis redis) throws Exception {
        RedisKeys keys = RedisKeys.of(redis.newPrefix());
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            RedisClusterAsyncCommands<String, String> r = connection.commands();
            r.hset(keys.interaction("i1"), Map.of("agent", "ann", "status", "assigned")).get(5, TimeUnit.SECONDS);

            assertEquals(1L, append(r, keys, "hello", ""), "a customer's line: no holder to check");
            assertEquals(2L, append(r, keys, "from ann", "ann"));
            assertEquals(-1L, append(r, keys, "for bob", "bob"), "bob does not hold it");

            r.hset(keys.interaction("i1"), Map.of("agent", "bob", "status", "reserved")).get(5, TimeUnit.SECONDS);
            assertEquals(-1L, append(r, keys, "whisper to ann", "ann"), "transferred: no longer ann's");
            assertEquals(-1L, append(r, keys, "to bob", "bob"), "offered to bob, not his yet");

            List<String> kept = r.lrange(keys.chatTranscript("i1"), 0, -1).get(5, TimeUnit.SECONDS);
            assertEquals(List.of("hello", "from ann"), kept.stream().map(j -> new JsonObject(j).getString("text")).toList());
        }
    }

    private static long append(RedisClusterAsyncCommands<String, String> r, RedisKeys keys, String text, String heldBy)
            throws Exception {
        return CHAT.<Long>run(r, ScriptOutputType.INTEGER,
                new String[] {keys.chatTranscript("i1"), keys.interaction("i1")},
                new String[] {new JsonObject().put("text", text).encode(), "", "100", heldBy})
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
