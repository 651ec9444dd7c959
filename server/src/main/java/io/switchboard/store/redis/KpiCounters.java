package io.switchboard.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KPI counters shared by every node, in the bucket scheme of {@code router.lua}'s statistics: a hash
 * per minute (kept 2 days) and per hour (kept 400 days), fields {@code <channel>:<counter>}. Queues
 * live under {@code stats:<queue>}; counts that belong to no queue (SLA verdicts, case resolutions)
 * under {@code kpi}, with the SLA target or {@code case} in place of the channel. SLA verdicts are written
 * by {@code sla.lua} itself, in the run that reaches them; this class adds the others.
 */
public final class KpiCounters {
    private static final Logger LOG = LoggerFactory.getLogger(KpiCounters.class);
    private static final LuaScript SCRIPT = new LuaScript("counters.lua");
    public static final long MINUTE = 60_000;
    public static final long HOUR = 3_600_000;
    /** The floor-wide family, beside the per-queue {@code stats:<queue>} ones. */
    public static final String FLOOR = "kpi";

    private final RoutingStore store;

    public KpiCounters(RoutingStore store) {
        this.store = store;
    }

    /** The family of one queue's counters (what router.lua writes). */
    public static String queue(String queue) {
        return "stats:" + queue;
    }

    private String minuteBucket(String family, long minute) {
        return store.keys().prefix() + ":" + family + ":m:" + minute;
    }

    private String hourBucket(String family, long hour) {
        return store.keys().prefix() + ":" + family + ":h:" + hour;
    }

    /**
     * Adds to the counters of the current minute and hour. Called once per counted fact by the node
     * that committed it; a failure is logged (the fact itself is already stored).
     */
    public Future<Void> add(String family, String channel, Map<String, Long> counters) {
        long now = store.now();
        String[] keys = {minuteBucket(family, now / MINUTE), hourBucket(family, now / HOUR)};
        List<String> args = new ArrayList<>();
        counters.forEach((field, amount) -> {
            args.add(channel + ":" + field);
            args.add(Long.toString(amount));
        });
        return RedisFutures.onContext(store.vertx(),
                        () -> SCRIPT.<String>run(store.commands(), ScriptOutputType.STATUS, keys, args.toArray(String[]::new)))
                .<Void>mapEmpty()
                .onFailure(e -> LOG.warn("KPI counters {} not added: {}", counters.keySet(), e.getMessage()));
    }

    /**
     * The buckets that cover [from, to): an hour bucket where the whole hour lies inside (or its rest
     * is still to come), minute buckets for the partial hours at either end while those are kept
     * (2 days), so a day that starts at a half-hour local midnight is summed exactly.
     */
    public List<String> buckets(String family, long fromMs, long toMs) {
        String base = store.keys().prefix() + ":" + family;
        return buckets(fromMs, toMs, store.now()).stream().map(b -> base + b).toList();
    }

    /** The bucket suffixes ({@code :h:<hour>} or {@code :m:<minute>}) that cover [from, to) at time now. */
    static List<String> buckets(long fromMs, long toMs, long now) {
        List<String> keys = new ArrayList<>();
        long minute = fromMs / MINUTE;
        long lastMinute = (toMs - 1) / MINUTE;
        while (minute <= lastMinute) {
            long hour = minute * MINUTE / HOUR;
            long hourStart = hour * HOUR / MINUTE;
            long hourEnd = hourStart + HOUR / MINUTE; // exclusive, in minutes
            boolean inside = minute == hourStart && (hourEnd - 1 <= lastMinute || toMs > now);
            boolean minutesGone = minute * MINUTE < now - MINUTES_KEPT;
            if (inside || minutesGone) {
                keys.add(":h:" + hour);
                minute = hourEnd;
            } else {
                keys.add(":m:" + minute);
                minute++;
            }
        }
        return keys;
    }

    /** Minute buckets expire after 2 days; a margin below that keeps a range from reading expired ones. */
    private static final long MINUTES_KEPT = 47 * HOUR;
}
