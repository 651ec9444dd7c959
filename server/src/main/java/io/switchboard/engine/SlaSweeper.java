package io.switchboard.engine;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node sweeps the SLA timer wheel on an interval (the routing timers' interval: the worst
 * lateness of a step). The script claims each due step once, whichever node gets there first, and
 * a step that fell due while no node ran fires at the first sweep after, marked late.
 */
public final class SlaSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(SlaSweeper.class);
    private final QuietWarning failures = new QuietWarning(SlaSweeper.class);
    /** How often the armed-timers gauge is read from Redis. */
    private static final long GAUGE_REFRESH_MILLIS = 5_000;

    private final Vertx vertx;
    private final SlaService sla;
    private final int batch;
    private long timerId = -1;
    private long gaugeTimerId = -1;
    private boolean running;

    public SlaSweeper(Vertx vertx, SlaService sla, int batch) {
        this.vertx = vertx;
        this.sla = sla;
        this.batch = batch;
    }

    public void start(long intervalMillis) {
        vertx.runOnContext(v -> {
            timerId = vertx.setPeriodic(0, intervalMillis, id -> sweep());
            gaugeTimerId = vertx.setPeriodic(0, GAUGE_REFRESH_MILLIS, id -> sla.armed()
                    .onFailure(e -> LOG.debug("armed SLA timers not read: {}", e.getMessage())));
        });
    }

    public void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        if (gaugeTimerId >= 0) {
            vertx.cancelTimer(gaugeTimerId);
        }
    }

    /** One sweep at a time per node; a full batch means more are due, so it goes again at once. */
    private void sweep() {
        if (running) {
            return;
        }
        running = true;
        sla.sweep(batch).onComplete(ar -> {
            running = false;
            if (ar.failed()) {
                failures.warn("SLA sweep failed: {}", ar.cause().getMessage());
            } else if (ar.result() >= batch) {
                vertx.runOnContext(v -> sweep());
            }
        });
    }
}
