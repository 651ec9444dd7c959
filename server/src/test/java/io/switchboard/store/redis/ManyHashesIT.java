package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.testing.TestRedis;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reading many hashes in a few script calls (hashes.lua) answers what one command per hash did: every hash in
 * the order asked, across the calls' boundaries, with absent hashes and fields as such.
 */
@ExtendWith(TestRedis.class)
class ManyHashesIT {
    /** Two whole calls and part of a third. */
    private static final int COUNT = 2 * RoutingStore.HASHES_PER_CALL + 37;

    @Test
    void manyHashesComeBackInTheOrderAskedWithTheAbsentOnesEmpty(TestRedis redis) throws Exception {
        Vertx vertx = Vertx.vertx();
        RedisKeys keys = RedisKeys.of(redis.newPrefix());
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            RoutingStore store = new RoutingStore(vertx, connection, keys, InstantSource.system(),
                    Duration.ofSeconds(15), 3, 0, 0, Duration.ZERO);
            List<String> hashKeys = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                hashKeys.add(keys.agent("a" + i));
                if (i % 7 != 3) { // every seventh hash is absent
                    store.hset(keys.agent("a" + i), i % 2 == 0 ? Map.of("team", "t" + i, "state", "busy")
                            : Map.of("team", "t" + i)).await(5, TimeUnit.SECONDS);
                }
            }

            List<Map<String, String>> whole = store.hashes(hashKeys).await(5, TimeUnit.SECONDS);
            List<List<String>> fields = store.fields(hashKeys, "state", "team").await(5, TimeUnit.SECONDS);

            assertEquals(COUNT, whole.size());
            assertEquals(COUNT, fields.size());
            for (int i = 0; i < COUNT; i++) {
                if (i % 7 == 3) {
                    assertEquals(Map.of(), whole.get(i), "absent hash " + i);
                    assertEquals(Arrays.asList(null, null), fields.get(i), "absent hash " + i);
                } else if (i % 2 == 0) {
                    assertEquals(Map.of("team", "t" + i, "state", "busy"), whole.get(i), "hash " + i);
                    assertEquals(List.of("busy", "t" + i), fields.get(i), "hash " + i);
                } else {
                    assertEquals(Map.of("team", "t" + i), whole.get(i), "hash " + i);
                    assertEquals(Arrays.asList(null, "t" + i), fields.get(i), "absent field of hash " + i);
                }
            }
            assertEquals(List.of(), store.hashes(List.of()).await(5, TimeUnit.SECONDS));
            assertThrows(IllegalArgumentException.class, () -> store.fields(hashKeys));
        } finally {
            vertx.close().await(5, TimeUnit.SECONDS);
        }
    }
}
