package io.switchboard.store.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node rolls the KPI minute buckets up into hour buckets at start and then every minute (see
 * {@link KpiCounters#rollUp}); an hour whose nodes were all down is summed by the next node to run, while its
 * minutes are kept (two days).
 */
public final class KpiRollup {
    private static final Logger LOG = LoggerFactory.getLogger(KpiRollup.class);
    private static final long INTERVAL_MILLIS = 60_000;

    private final Vertx vertx;
    private final KpiCounters counters;
    private final Supplier<Collection<String>> queues;
    private final Counter failures;
    private long timerId = -1;
    private boolean running;
    private volatile boolean stopped;

    /** queues: those of the rules in force, rolled up even before anything is counted in them */
    public KpiRollup(Vertx vertx, KpiCounters counters, Supplier<Collection<String>> queues, MeterRegistry registry) {
        this.vertx = vertx;
        this.counters = counters;
        this.queues = queues;
        this.failures = Counter.builder("switchboard.kpi.rollup.failures")
                .description("KPI families whose roll-up of minutes into hours failed (retried each minute; minutes "
                        + "kept two days)").register(registry);
    }

    /** Completes once the first roll-up has run (failed or not), so that the first readings find the hours summed. */
    public Future<Void> start() {
        return rollUp().andThen(x -> {
            if (!stopped) {
                timerId = vertx.setPeriodic(INTERVAL_MILLIS, id -> rollUp());
            }
        });
    }

    public void stop() {
        stopped = true;
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    private Future<Void> rollUp() {
        if (running) {
            return Future.succeededFuture();
        }
        running = true;
        return counters.rollUp(queues.get()).andThen(ar -> {
            running = false;
            if (ar.failed()) {
                failures.increment();
                LOG.warn("KPI roll-up failed (the minutes stay, the next run sums them): {}", ar.cause().getMessage());
            } else {
                failures.increment(ar.result().failedFamilies());
                LOG.debug("KPI roll-up summed {} hours", ar.result().hours());
            }
        }).<Void>mapEmpty().otherwiseEmpty();
    }
}
