package io.switchboard.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.Consumer;
import io.lettuce.core.XReadArgs;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.store.redis.RedisConnection;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.testing.TestRedis;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each process start reads the events stream as a consumer of its own; the consumers of processes gone are removed
 * once idle with nothing pending, and one with deliveries still pending is kept (removing it would lose them).
 */
@ExtendWith(TestRedis.class)
class WebhookConsumersIT {
    @Test
    void consumersOfProcessesGoneAreRemovedUnlessTheyHoldDeliveries(TestRedis redis) throws Exception {
        Vertx vertx = Vertx.vertx();
        RedisKeys keys = RedisKeys.of(redis.newPrefix());
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            var commands = connection.commands();
            SwitchboardConfig.Webhooks config = new SwitchboardConfig.Webhooks(List.of("http://127.0.0.1:9/"), "secret",
                    3, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofHours(1));
            WebhookDispatcher dispatcher = new WebhookDispatcher(vertx, commands, keys, config,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            dispatcher.start().await(5, TimeUnit.SECONDS);
            // two earlier processes: one read an event it never acknowledged, one read an event and acknowledged it
            for (int i = 0; i < 2; i++) {
                commands.xadd(keys.events(), Map.of("type", "x", "event", "{}")).toCompletableFuture().join();
            }
            commands.xreadgroup(Consumer.from("webhooks", "node-holding"), XReadArgs.Builder.count(1),
                    XReadArgs.StreamOffset.lastConsumed(keys.events())).toCompletableFuture().join();
            String delivered = commands.xreadgroup(Consumer.from("webhooks", "node-done"), XReadArgs.Builder.count(1),
                    XReadArgs.StreamOffset.lastConsumed(keys.events())).toCompletableFuture().join().get(0).getId();
            commands.xack(keys.events(), "webhooks", delivered).toCompletableFuture().join();

            assertEquals(0L, dispatcher.pruneGoneConsumers(Duration.ofHours(1)).await(5, TimeUnit.SECONDS),
                    "none idle that long");
            assertEquals(1L, dispatcher.pruneGoneConsumers(Duration.ZERO).await(5, TimeUnit.SECONDS));
            List<String> left = commands.xinfoConsumers(keys.events(), "webhooks").toCompletableFuture().join().stream()
                    .map(c -> c instanceof Map<?, ?> map ? String.valueOf(map.get("name"))
                            : String.valueOf(((List<?>) c).get(1))).toList();
            assertEquals(List.of("node-holding"), left, "the one holding a delivery stays");
            dispatcher.stop();
        } finally {
            vertx.close().await(5, TimeUnit.SECONDS);
        }
    }
}
