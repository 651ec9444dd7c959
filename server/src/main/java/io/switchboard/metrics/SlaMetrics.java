package io.switchboard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Service-level agreement meters. Tags are bounded: policy (names from sla.yaml), target (four
 * values), severity (three). Each verdict is counted once, by the node that reached it; the same verdicts for
 * the statistics API are counted in Redis by sla.lua, in the run that reaches them.
 */
public final class SlaMetrics {
    private final MeterRegistry registry;
    private final Timer lateness;
    private final AtomicLong armed = new AtomicLong();

    public SlaMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lateness = Timer.builder("switchboard_sla_timer_lateness")
                .description("How late SLA escalation steps fired after their deadline")
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        Gauge.builder("switchboard_sla_timers_armed", armed, AtomicLong::get)
                .description("SLA timers armed now, in Redis (the same on every node)").register(registry);
    }

    public void met(String policy, String target) {
        metCounter(policy, target).increment();
    }

    /** Counted once per breach, at its final severity: when the target ends or the breach turns critical. */
    public void breached(String policy, String target, String severity) {
        breachedCounter(policy, target, severity).increment();
    }

    /**
     * A target a policy has, exported at 0 (met, and breached at every severity): a series that appeared at its first
     * verdict would start at 1, and {@code increase()} would never count that verdict.
     */
    public void exportFromZero(String policy, String target, java.util.List<String> severities) {
        metCounter(policy, target);
        severities.forEach(severity -> breachedCounter(policy, target, severity));
    }

    private Counter metCounter(String policy, String target) {
        return Counter.builder("switchboard_sla_met").description("Targets met within the agreement")
                .tags("policy", policy, "target", target).register(registry);
    }

    private Counter breachedCounter(String policy, String target, String severity) {
        return Counter.builder("switchboard_sla_breached").description("Targets breached, by final severity")
                .tags("policy", policy, "target", target, "severity", severity).register(registry);
    }

    public void fired(long latenessMillis) {
        lateness.record(Duration.ofMillis(Math.max(0, latenessMillis)));
    }

    public void armed(long count) {
        armed.set(count);
    }
}
