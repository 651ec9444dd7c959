package io.switchboard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Routing meters, fed from the events of the changes this node commits (each change is committed by
 * exactly one node, so summing the nodes' series counts each event once). Tags are bounded: queue,
 * channel, event type, reason; never an interaction, customer or agent id.
 */
public final class RoutingMetrics implements RoutingObserver {
    private static final Set<String> COUNTED = Set.of("queued", "offer", "offer_canceled", "assigned", "completed",
            "abandoned", "canceled", "transferred", "escalated", "requeued");

    private final MeterRegistry registry;
    private final Timer sweepLateness;

    public RoutingMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.sweepLateness = Timer.builder("switchboard_timer_lateness")
                .description("How late routing timers (reservation timeouts, escalations, wrap-up ends) fired")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
    }

    @Override
    public void committed(String command, long nanos, List<JsonObject> events) {
        commandTimer(command).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        for (JsonObject event : events) {
            count(event);
        }
    }

    private void count(JsonObject event) {
        String type = event.getString("type");
        if (!COUNTED.contains(type)) {
            return;
        }
        String queue = event.getString("queue", "");
        String channel = event.getString("channel", "");
        Counter.builder("switchboard_routing_events")
                .description("Routing lifecycle events by type")
                .tags("event", type, "queue", queue, "channel", channel)
                .register(registry).increment();
        if ("assigned".equals(type) && event.containsKey("waitedMs")) {
            DistributionSummary.builder("switchboard_queue_wait_seconds")
                    .description("Time from queued to answered (accepted by an agent)")
                    .baseUnit("seconds")
                    .tags("queue", queue, "channel", channel)
                    .serviceLevelObjectives(5, 10, 15, 20, 30, 45, 60, 120, 300)
                    .register(registry).record(event.getLong("waitedMs") / 1000.0);
        }
    }

    public void timerFired(long latenessMillis) {
        sweepLateness.record(Duration.ofMillis(Math.max(0, latenessMillis)));
    }

    private Timer commandTimer(String command) {
        return Timer.builder("switchboard_routing_command")
                .description("Time of one atomic routing command in Redis, round trip included")
                .tag("command", command)
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry);
    }
}
