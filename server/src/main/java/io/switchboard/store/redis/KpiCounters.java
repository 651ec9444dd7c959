package io.switchboard.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KPI counters shared by every node, in the bucket scheme of {@code router.lua}'s statistics: a hash
 * per minute (kept 2 days), fields {@code <channel>:<counter>}, summed into a hash per hour (kept 400 days)
 * by {@code rollup.lua} once the hour is over ({@link #rollUp}). Queues live under {@code stats:<queue>};
 * counts that belong to no queue (SLA verdicts, case resolutions) under {@code kpi}, with the SLA target or
 * {@code case} in place of the channel. SLA verdicts are written by {@code sla.lua} itself, in the run that
 * reaches them; this class adds the others.
 */
public final class KpiCounters {
    private static final Logger LOG = LoggerFactory.getLogger(KpiCounters.class);
    private static final LuaScript ADD = LuaScript.resource("counters.lua");
    private static final LuaScript ROLL_UP = LuaScript.resource("rollup.lua");
    public static final long MINUTE = 60_000;
    public static final long HOUR = 3_600_000;
    /** The floor-wide family, beside the per-queue {@code stats:<queue>} ones. */
    public static final String FLOOR = "kpi";
    /** Hours one roll-up run sums at most (60 minute buckets each), so that no run holds Redis for long. */
    private static final int HOURS_PER_RUN = 3;

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

    /** String: the last hour (epoch hours) whose bucket holds the sum of its minutes. */
    private String rolledThrough(String family) {
        return store.keys().prefix() + ":" + family + ":rolled";
    }

    /** Set of the families that have minute buckets to roll up (router.lua's {@code kpifamilies}). */
    private String families() {
        return store.keys().prefix() + ":kpifamilies";
    }

    /**
     * Adds to the counters of the current minute. Called once per counted fact by the node that committed
     * it; a failure is logged (the fact itself is already stored).
     */
    public Future<Void> add(String family, String channel, Map<String, Long> counters) {
        String[] keys = {minuteBucket(family, store.now() / MINUTE), families()};
        List<String> args = new ArrayList<>();
        args.add(family);
        counters.forEach((field, amount) -> {
            args.add(channel + ":" + field);
            args.add(Long.toString(amount));
        });
        return RedisFutures.onContext(store.vertx(),
                        () -> ADD.<String>run(store.commands(), ScriptOutputType.STATUS, keys, args.toArray(String[]::new)))
                .<Void>mapEmpty()
                .onFailure(e -> LOG.warn("KPI counters {} not added: {}", counters.keySet(), e.getMessage()));
    }

    /**
     * Sums the minute buckets of every family's hours that are over (by 5 minutes, for late writers) into
     * their hour buckets. Any node may run it at any time: a sum is one atomic run and replaces the bucket, so
     * nodes that run it together agree (the last hour summed is summed again until the next is due).
     * The queues given (those of the rules) are rolled up too, counted or not, so that a range over a quiet
     * queue reads its hours, not every minute.
     */
    public Future<RollUp> rollUp(Collection<String> queues) {
        return store.members(families()).compose(counted -> {
            Set<String> all = new TreeSet<>(counted);
            all.add(FLOOR);
            queues.forEach(q -> all.add(queue(q)));
            Future<RollUp> done = Future.succeededFuture(new RollUp(0, 0));
            for (String family : all) {
                // one family that fails (its minutes stay) does not hold back the others
                done = done.compose(sofar -> rollUp(family, 0).map(sofar::summed).recover(e -> {
                    LOG.warn("KPI roll-up of {} failed, the next run sums it: {}", family, e.getMessage());
                    return Future.succeededFuture(sofar.failed());
                }));
            }
            return done;
        });
    }

    /** What one roll-up did: hours summed (again, for the last of each family) and families that failed. */
    public record RollUp(int hours, int failedFamilies) {
        RollUp summed(int more) {
            return new RollUp(hours + more, failedFamilies);
        }

        RollUp failed() {
            return new RollUp(hours, failedFamilies + 1);
        }
    }

    /** One family, a few hours per run until none is due. */
    private Future<Integer> rollUp(String family, int summed) {
        String[] args = {store.keys().prefix(), family, Long.toString(store.now()), Integer.toString(HOURS_PER_RUN)};
        return RedisFutures.onContext(store.vertx(), () -> ROLL_UP.<List<Long>>run(store.commands(),
                ScriptOutputType.MULTI, new String[] {rolledThrough(family)}, args)).compose(reply -> {
                    int total = summed + reply.get(0).intValue();
                    return reply.get(1) > 0 ? rollUp(family, total) : Future.succeededFuture(total);
                });
    }

    /**
     * The buckets that cover [from, to): an hour bucket where the whole hour lies inside and has been rolled
     * up, minute buckets elsewhere while those are kept (2 days), so a day that starts at a half-hour local
     * midnight, and the current hour, are summed exactly.
     */
    public Future<List<String>> buckets(String family, long fromMs, long toMs) {
        return buckets(family, List.of(new Span(fromMs, toMs))).map(perSpan -> perSpan.get(0));
    }

    /** The buckets that cover each span (as above), with one read of how far the hours are rolled up. */
    public Future<List<List<String>>> buckets(String family, List<Span> spans) {
        String base = store.keys().prefix() + ":" + family;
        return store.get(rolledThrough(family)).map(rolled -> spans.stream()
                .map(span -> buckets(span.fromMs(), span.toMs(), store.now(),
                        rolled == null ? Long.MIN_VALUE : Long.parseLong(rolled)).stream().map(b -> base + b).toList())
                .toList());
    }

    /** The instants [from, to), epoch ms. */
    public record Span(long fromMs, long toMs) {
    }

    /**
     * The bucket suffixes ({@code :h:<hour>} or {@code :m:<minute>}) that cover [from, to) at time now, when
     * the hours up to {@code rolledThrough} (epoch hours) have been rolled up.
     */
    static List<String> buckets(long fromMs, long toMs, long now, long rolledThrough) {
        List<String> keys = new ArrayList<>();
        long minute = fromMs / MINUTE;
        long lastMinute = (Math.min(toMs, now + 1) - 1) / MINUTE; // nothing is counted after now
        while (minute <= lastMinute) {
            long hour = minute * MINUTE / HOUR;
            long hourStart = hour * HOUR / MINUTE;
            long hourEnd = hourStart + HOUR / MINUTE; // exclusive, in minutes
            boolean whole = minute == hourStart && hourEnd - 1 <= lastMinute && hour <= rolledThrough;
            boolean minutesGone = minute * MINUTE < now - MINUTES_KEPT;
            if (whole || minutesGone) {
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
