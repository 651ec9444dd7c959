package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.switchboard.testing.TestRedis;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** chat-gone.lua against a real Redis: which chats a sweep ends, and which it keeps watching. */
@ExtendWith(TestRedis.class)
class ChatGoneScriptIT {
    private static final LuaScript GONE = LuaScript.resource("chat-gone.lua");

    @Test
    void aSweepEndsDropsNotResumedAndChatsOfAStoppedNodeAndKeepsWatchingAResumedOne(TestRedis redis) throws Exception {
        RedisKeys keys = RedisKeys.of(redis.newPrefix());
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            RedisClusterAsyncCommands<String, String> r = connection.commands();
            // dropped, not resumed: its socket still holds it, the drop is pending
            r.set(keys.chatAttached("dropped"), "s1").get(5, TimeUnit.SECONDS);
            r.set(keys.chatDetached("dropped"), "s1").get(5, TimeUnit.SECONDS);
            // its node stopped: attached, never detached
            r.set(keys.chatAttached("orphan"), "s2").get(5, TimeUnit.SECONDS);
            // resumed on another socket, then the old socket closed late: a stale drop
            r.set(keys.chatAttached("resumed"), "s4").get(5, TimeUnit.SECONDS);
            r.set(keys.chatDetached("resumed"), "s3").get(5, TimeUnit.SECONDS);
            r.zadd(keys.chatDeadlines(), 100, "dropped").get(5, TimeUnit.SECONDS);
            r.zadd(keys.chatDeadlines(), 100, "orphan").get(5, TimeUnit.SECONDS);
            r.zadd(keys.chatDeadlines(), 100, "resumed").get(5, TimeUnit.SECONDS);
            r.zadd(keys.chatDeadlines(), 5_000, "later").get(5, TimeUnit.SECONDS);

            List<String> gone = sweep(r, keys, 1_000, 9_000);
            assertEquals(List.of("dropped", "orphan"), gone.stream().sorted().toList());
            assertNull(r.get(keys.chatAttached("dropped")).get(5, TimeUnit.SECONDS));
            assertNull(r.get(keys.chatDetached("dropped")).get(5, TimeUnit.SECONDS));
            assertNull(r.get(keys.chatDetached("resumed")).get(5, TimeUnit.SECONDS), "the stale drop is cleared");
            assertEquals("s4", r.get(keys.chatAttached("resumed")).get(5, TimeUnit.SECONDS));
            assertEquals(9_000.0, r.zscore(keys.chatDeadlines(), "resumed").get(5, TimeUnit.SECONDS),
                    "still watched: if the socket that resumed it goes too, the chat still ends");
            assertEquals(5_000.0, r.zscore(keys.chatDeadlines(), "later").get(5, TimeUnit.SECONDS), "not due");
            assertNull(r.zscore(keys.chatDeadlines(), "dropped").get(5, TimeUnit.SECONDS));

            assertEquals(List.of(), sweep(r, keys, 1_000, 9_000), "each chat is claimed once");
            assertEquals(List.of("later", "resumed"), sweep(r, keys, 9_500, 20_000).stream().sorted().toList(),
                    "once its deadline passes with nobody confirming it, the resumed chat ends too");
        }
    }

    private static List<String> sweep(RedisClusterAsyncCommands<String, String> r, RedisKeys keys, long now,
                                      long resumedDeadline) throws Exception {
        return GONE.<List<String>>run(r, ScriptOutputType.MULTI, new String[] {keys.chatDeadlines()},
                new String[] {Long.toString(now), "10", keys.interaction(""), Long.toString(resumedDeadline)})
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
