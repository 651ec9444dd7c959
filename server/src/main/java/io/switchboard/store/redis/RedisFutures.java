package io.switchboard.store.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Lettuce stages as Vert.x futures on the caller's context, so continuations run on the verticle's event
 * loop and never on Lettuce's I/O thread. One place for the stores.
 */
final class RedisFutures {
    private RedisFutures() {
    }

    /** The call's reply; a failure of Redis being unavailable for a while as {@link RedisUnavailable}. */
    static <T> Future<T> onContext(Vertx vertx, Supplier<CompletionStage<T>> call) {
        Future<T> reply;
        try {
            reply = Future.fromCompletionStage(call.get(), vertx.getOrCreateContext());
        } catch (RuntimeException e) {
            // Lettuce throws instead of failing the stage when the client is shutting down
            reply = Future.failedFuture(e);
        }
        return reply.recover(e -> Future.failedFuture(RedisUnavailable.of(e)));
    }
}
