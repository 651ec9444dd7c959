package io.switchboard.engine;

import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WARN for a failure that repeats on a timer (a sweep every 100 ms while Redis is away): the first at once, then at
 * most one per period, saying how many were left out, so an outage is told without flooding the log.
 */
public final class QuietWarning {
    /** How often a repeating failure is said again. */
    public static final Duration PERIOD = Duration.ofSeconds(30);

    private final Logger log;
    private long lastAt = Long.MIN_VALUE / 2;
    private int leftOut;

    public QuietWarning(Class<?> owner) {
        this.log = LoggerFactory.getLogger(owner);
    }

    public synchronized void warn(String format, Object... args) {
        long now = System.currentTimeMillis();
        if (now - lastAt < PERIOD.toMillis()) {
            leftOut++;
            return;
        }
        lastAt = now;
        if (leftOut == 0) {
            log.warn(format, args);
        } else {
            Object[] withCount = Arrays.copyOf(args, args.length + 1);
            withCount[args.length] = leftOut;
            log.warn(format + " ({} more like it left out)", withCount);
        }
        leftOut = 0;
    }
}
