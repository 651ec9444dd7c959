package io.switchboard.metrics;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** Told of every routing command this node commits, with its duration and the events it produced. */
@FunctionalInterface
public interface RoutingObserver {
    void committed(String command, long nanos, List<JsonObject> events);
}
