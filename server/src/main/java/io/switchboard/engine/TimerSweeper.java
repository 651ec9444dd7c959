package io.switchboard.engine;

import io.switchboard.metrics.RoutingMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node sweeps the shared timer set on an interval. The sweep claims and acts on due timers in
 * one atomic script, so each timer fires exactly once whichever node gets there first, and timers
 * survive any node: a deadline that passed while no node ran fires at the next node's first sweep.
 */
public final class TimerSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(TimerSweeper.class);
    private final QuietWarning failures = new QuietWarning(TimerSweeper.class);
    /** How often a node's sweep also looks for missed matches ({@link RoutingEngine#sweepTimers}). */
    private static final long REMATCH_NANOS = 1_000_000_000L;
    /** How often it looks for contacts on lines the rules in force leave without agents (RoutingEngine). */
    private static final long STRANDED_NANOS = 30_000_000_000L;

    private final Vertx vertx;
    private final RoutingEngine engine;
    private final RoutingMetrics metrics;
    private final int batch;
    private long timerId = -1;
    private boolean running;
    private long lastRematch = System.nanoTime();
    private long lastStranded = System.nanoTime();

    public TimerSweeper(Vertx vertx, RoutingEngine engine, RoutingMetrics metrics, int batch) {
        this.vertx = vertx;
        this.engine = engine;
        this.metrics = metrics;
        this.batch = batch;
    }

    public void start(long intervalMillis) {
        vertx.runOnContext(v -> timerId = vertx.setPeriodic(0, intervalMillis, id -> sweep()));
    }

    public void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /** One sweep at a time per node; a full batch means more are due, so it goes again at once. */
    private void sweep() {
        if (running) {
            return;
        }
        running = true;
        boolean rematch = System.nanoTime() - lastRematch >= REMATCH_NANOS;
        if (rematch) {
            lastRematch = System.nanoTime();
        }
        if (System.nanoTime() - lastStranded >= STRANDED_NANOS) {
            lastStranded = System.nanoTime();
            engine.rerouteStranded().onFailure(e -> LOG.warn("stranded contacts not looked for: {}", e.getMessage()));
        }
        engine.sweepTimers(batch, rematch).onComplete(ar -> {
            running = false;
            if (ar.failed()) {
                failures.warn("timer sweep failed: {}", ar.cause().getMessage());
                return;
            }
            // Lua's cjson encodes an empty list as {}, so only a non-empty one is an array
            if (ar.result().result().getValue("lateMs") instanceof JsonArray late) {
                late.forEach(ms -> metrics.timerFired(((Number) ms).longValue()));
            }
            if (ar.result().result().getValue("rematched") instanceof JsonArray rematched) {
                rematched.forEach(offer -> {
                    metrics.rematched();
                    LOG.warn("a contact waited while an agent was free for it; offered now: {}", ((JsonObject) offer).encode());
                });
            }
            if (ar.result().result().getInteger("fired", 0) >= batch) {
                vertx.runOnContext(v -> sweep());
            }
        });
    }
}
