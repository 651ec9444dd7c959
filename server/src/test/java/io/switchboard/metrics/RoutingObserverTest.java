package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RoutingObserverTest {
    @Test
    void anObserverThatThrowsNeitherFailsTheCommitNorSilencesTheOthers() {
        List<String> told = new CopyOnWriteArrayList<>();
        RoutingObserver failing = (command, nanos, events) -> {
            told.add("failing");
            throw new IllegalStateException("not started");
        };
        RoutingObserver metrics = (command, nanos, events) -> told.add("metrics:" + command + ":" + events.size());
        List<Supplier<RoutingObserver>> observers = List.of(() -> failing, () -> null, () -> metrics);

        RoutingObserver.each(observers).committed("enqueue", 1L, List.of(new JsonObject().put("type", "offer")));

        assertEquals(List.of("failing", "metrics:enqueue:1"), told);
    }
}
