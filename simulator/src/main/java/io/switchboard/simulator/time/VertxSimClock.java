package io.switchboard.simulator.time;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.time.Duration;

/**
 * Real time, optionally compressed, with tasks run on one Vert.x context (the engine's event loop).
 *
 * <p>{@code now = startEpoch + (elapsed real time * scale)}: with scale 10 a 5 s talk time passes in
 * 0.5 s of wall time while Uniqueids, Durations and HoldTimes still read 5 s, so everything the AMI
 * client sees stays self-consistent. A fixed start epoch makes Uniqueids reproducible
 * ({@code 1795369009.0} as in the capture).
 */
public final class VertxSimClock implements SimClock {

    private final Context context;
    private final double scale;
    private final long startEpochMicros;
    private final long startNanos = System.nanoTime();

    /**
     * @param context          the engine context every task runs on
     * @param startEpochMicros simulated "now" at construction; {@code -1} for the real wall clock
     * @param scale            how many simulated seconds pass per real second (1 = real time)
     */
    public VertxSimClock(Context context, long startEpochMicros, double scale) {
        if (scale <= 0) {
            throw new IllegalArgumentException("time scale must be positive: " + scale);
        }
        this.context = context;
        this.scale = scale;
        this.startEpochMicros = startEpochMicros >= 0 ? startEpochMicros : System.currentTimeMillis() * 1000;
    }

    public double scale() {
        return scale;
    }

    @Override
    public long nowMicros() {
        long elapsedNanos = System.nanoTime() - startNanos;
        return startEpochMicros + (long) (elapsedNanos / 1000.0 * scale);
    }

    /** Real-time equivalent of a simulated duration, for callers outside the engine (tests' deadlines). */
    public Duration toRealTime(Duration simulated) {
        return Duration.ofNanos((long) (simulated.toNanos() / scale));
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        // A flag rather than cancelTimer alone: a timer that already fired may still be queued on the context.
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable guarded = () -> {
            if (!cancelled.get()) {
                task.run();
            }
        };
        long realMillis = (long) Math.ceil(delay.toNanos() / 1_000_000.0 / scale);
        if (realMillis <= 0) {
            context.runOnContext(v -> guarded.run());
            return () -> cancelled.set(true);
        }
        // The timer fires on whatever context scheduled it; hop to the engine context so tasks never race.
        long id = context.owner().setTimer(realMillis, t -> {
            if (Vertx.currentContext() == context) {
                guarded.run();
            } else {
                context.runOnContext(v -> guarded.run());
            }
        });
        return () -> {
            cancelled.set(true);
            context.owner().cancelTimer(id);
        };
    }
}
