package io.switchboard.metrics;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Told of every routing command this node commits, with its duration and the events it produced. */
@FunctionalInterface
public interface RoutingObserver {
    void committed(String command, long nanos, List<JsonObject> events);

    /**
     * Tells each observer in turn, each on its own: the change is committed in Redis by then, so one that throws must
     * neither turn it into a failure for the caller (a queued call would be hung up as if it had not been) nor keep it
     * from the observers after it. An observer not there yet (a channel still starting) is skipped.
     */
    static RoutingObserver each(List<Supplier<RoutingObserver>> observers) {
        Logger log = LoggerFactory.getLogger(RoutingObserver.class);
        return (command, nanos, events) -> {
            for (Supplier<RoutingObserver> supplier : observers) {
                RoutingObserver observer = supplier.get();
                if (observer == null) {
                    continue;
                }
                try {
                    observer.committed(command, nanos, events);
                } catch (RuntimeException e) {
                    log.error("{} failed on committed '{}' {}", observer.getClass().getSimpleName(), command, events, e);
                }
            }
        };
    }
}
