package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Await;
import io.switchboard.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fixed-window counters on a real Redis: a request over the limit is refused, a forgiven one (a right guess) given
 * back, and a forgiving that comes after its window ended leaves nothing behind.
 */
@ExtendWith(TestRedis.class)
class RateLimiterIT {
    private Vertx vertx;
    private RedisConnection connection;
    private RedisKeys keys;
    private RateLimiter limits;

    @BeforeEach
    void start(TestRedis redis) {
        vertx = Vertx.vertx();
        connection = RedisConnection.connect(redis.uri());
        keys = RedisKeys.of(redis.newPrefix());
        limits = new RateLimiter(new RoutingStore(vertx, connection, keys, InstantSource.system(),
                Duration.ofSeconds(15), 3, 0, 0, Duration.ZERO));
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    @Test
    void requestsOverTheLimitAreRefusedAndAForgivenOneIsGivenBack() throws Exception {
        Duration window = Duration.ofMinutes(1);
        assertTrue(await(limits.hit("login", "10.0.0.1", 2, window)));
        assertTrue(await(limits.hit("login", "10.0.0.1", 2, window)));
        assertFalse(await(limits.hit("login", "10.0.0.1", 2, window)), "the third in the window");
        await(limits.forgive("login", "10.0.0.1"));
        await(limits.forgive("login", "10.0.0.1"));
        assertTrue(await(limits.hit("login", "10.0.0.1", 2, window)), "one of the two forgiven: room for one more");
        assertTrue(await(limits.hit("login", "10.0.0.2", 2, window)), "another client counts apart");
    }

    /** The window ended between a guess's hit and its forgiving: DECR made a counter of -1 that never expired. */
    @Test
    void aForgivingAfterItsWindowLeavesNoCounter() throws Exception {
        assertTrue(await(limits.hit("login", "10.0.0.3", 5, Duration.ofMillis(50))));
        Await.until("the window over", () -> exists(keys.rateLimit("login", "10.0.0.3")) == 0);
        await(limits.forgive("login", "10.0.0.3"));
        assertEquals(0L, connection.commands().exists(keys.rateLimit("login", "10.0.0.3")).get(5, TimeUnit.SECONDS));
    }

    private long exists(String key) {
        return connection.commands().exists(key).toCompletableFuture().join();
    }

    private <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
