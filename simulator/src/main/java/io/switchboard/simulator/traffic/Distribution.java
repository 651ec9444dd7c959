package io.switchboard.simulator.traffic;

import java.time.Duration;
import java.util.Random;

/** A random duration: how long until the next caller, how patient they are, how long an agent talks. */
@FunctionalInterface
public interface Distribution {

    Duration sample(Random random);

    static Distribution fixed(Duration value) {
        return r -> value;
    }

    /** Exponential with the given mean: the time between Poisson arrivals, or memoryless patience. */
    static Distribution exponential(Duration mean) {
        double meanMillis = mean.toMillis();
        return r -> Duration.ofMillis(Math.round(-Math.log(1 - r.nextDouble()) * meanMillis));
    }

    static Distribution uniform(Duration min, Duration max) {
        long lo = min.toMillis();
        long span = Math.max(0, max.toMillis() - lo);
        return r -> Duration.ofMillis(lo + (span == 0 ? 0 : (long) (r.nextDouble() * (span + 1))));
    }

    /** Normal, clipped at zero. */
    static Distribution normal(Duration mean, Duration stdDev) {
        return r -> Duration.ofMillis(Math.max(0, Math.round(mean.toMillis() + r.nextGaussian() * stdDev.toMillis())));
    }
}
