package io.switchboard.bench;

import io.switchboard.routing.Condition;
import io.switchboard.sla.Escalation;
import io.switchboard.sla.Severity;
import io.switchboard.sla.SlaPolicy;
import io.switchboard.sla.SlaTarget;
import io.switchboard.sla.SlaTimer;
import io.switchboard.sla.WorkingTime;
import io.switchboard.store.redis.EmbeddedRedis;
import io.switchboard.store.redis.RedisConnection;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.store.redis.SlaTimerCodec;
import io.switchboard.store.redis.SlaTimerStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The SLA timer store's benchmark, straight against {@link SlaTimerStore} and an embedded Redis on the
 * same machine (no HTTP). Prints the figures bench/README.md records:
 * <ol>
 *   <li>memory: Redis {@code used_memory} delta per armed timer with 1,000,000 armed (UUID subjects,
 *       the shipped chat ladder: warn, breach, raise_priority, major, critical);</li>
 *   <li>arm and cancel operations per second (1,000 in flight on one connection);</li>
 *   <li>firing lateness p50/p99 while 1,000 timers/s come due, with 1,000,000 armed, one sweeper
 *       at the default 100 ms interval and a batch of 500 (the default until the ninth session; the figures in
 *       bench/README.md were measured with it).</li>
 * </ol>
 * Usage: {@code java -cp ... io.switchboard.bench.SlaTimerBench [runs] [timers] [fireSeconds]}
 */
public final class SlaTimerBench {
    private static final int IN_FLIGHT = 1_000;
    private static final long SWEEP_MILLIS = 100;
    private static final int SWEEP_BATCH = 500;

    private final Vertx vertx = Vertx.vertx();
    private final SlaPolicy chat = new SlaPolicy("chat", Condition.ALWAYS, Map.of(SlaTarget.ANSWER, Duration.ofSeconds(60)),
            new WorkingTime.AlwaysOpen(), List.of(new Escalation(0.75, Escalation.Action.WARN, 0),
            new Escalation(1.0, Escalation.Action.BREACH, 0), new Escalation(1.0, Escalation.Action.RAISE_PRIORITY, 10)),
            Severity.Thresholds.DEFAULT);

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int timers = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int fireSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        SlaTimerBench bench = new SlaTimerBench();
        System.out.printf("machine: %d cores, %s, JDK %s; %d timers, %d s of firing, %d run(s)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), Runtime.version(), timers,
                fireSeconds, runs);
        try {
            for (int run = 1; run <= runs; run++) {
                bench.run(run, timers, fireSeconds);
            }
        } finally {
            bench.vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private void run(int run, int count, int fireSeconds) throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.start(null); RedisConnection connection = RedisConnection.connect(redis.uri())) {
            RedisKeys keys = RedisKeys.of("bench");
            SlaTimerStore store = new SlaTimerStore(vertx, connection.commands(), keys, InstantSource.system(),
                    Duration.ofSeconds(1), 100_000, 0);
            List<String> subjects = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                subjects.add(UUID.randomUUID().toString());
            }
            arm(store, subjects.subList(0, Math.min(count, 100_000)), i -> Duration.ofDays(1)); // warm-up: script, JIT
            cancel(store, subjects.subList(0, Math.min(count, 100_000)));
            long before = usedMemory(connection);

            // 1. memory and arm rate: 1,000,000 chat timers (60 s) armed, due 1,000 per second as in
            //    steady traffic; nothing sweeps in this phase
            Instant spreadFrom = Instant.now().plusSeconds(60);
            long started = System.nanoTime();
            List<String> payloads = arm(store, subjects, i -> firstStepAt(spreadFrom.plusMillis(i)));
            double armRate = count / ((System.nanoTime() - started) / 1e9);
            long after = usedMemory(connection);
            double perTimer = (after - before) / (double) count;
            System.out.printf("  payload %d bytes, e.g. %s; %s%n", payloads.get(count / 2).length(), payloads.get(count / 2),
                    encodings(connection, keys));

            // 2. cancel rate: every one of them (the common case: answered in time)
            started = System.nanoTime();
            cancel(store, subjects, payloads);
            double cancelRate = count / ((System.nanoTime() - started) / 1e9);

            // 3. lateness: 1,000,000 armed again, 1,000 per second coming due (their first step; the later
            //    steps of the same timers follow) from 5 s after arming ends
            Instant firstDue = Instant.now().plus(estimate(count, armRate)).plusSeconds(5);
            arm(store, subjects, i -> firstStepAt(firstDue.plusMillis(i)));
            Histogram lateness = new Histogram(60_000, 3);
            int[] fired = {0};
            long deadline = firstDue.toEpochMilli() + fireSeconds * 1000L;
            CompletableFuture<Void> done = new CompletableFuture<>();
            vertx.runOnContext(v -> sweepLoop(store, lateness, fired, deadline, done));
            done.get(fireSeconds + 600L, TimeUnit.SECONDS);

            System.out.printf("run %d: %.1f bytes/timer (%,d timers, used_memory +%,d B), arm %,.0f/s, cancel %,.0f/s, "
                            + "lateness p50 %d ms p99 %d ms max %d ms over %,d fired steps%n", run, perTimer, count,
                    after - before, armRate, cancelRate, lateness.getValueAtPercentile(50),
                    lateness.getValueAtPercentile(99), lateness.getMaxValue(), fired[0]);
        }
    }

    /** The target length whose first step (warn at 0.75) falls due at {@code at}: 1 ms apart = 1,000/s. */
    private static Duration firstStepAt(Instant at) {
        return Duration.ofMillis(Math.round(Duration.between(Instant.now(), at).toMillis() / 0.75));
    }

    private static Duration estimate(int count, double rate) {
        return Duration.ofMillis((long) (count / rate * 1000 * 1.2));
    }

    /** Sweeps every 100 ms like a node; a full batch sweeps again at once. Records each fired step's lateness. */
    private void sweepLoop(SlaTimerStore store, Histogram lateness, int[] fired, long deadline,
                           CompletableFuture<Void> done) {
        if (System.currentTimeMillis() > deadline) {
            done.complete(null);
            return;
        }
        store.sweep(SWEEP_BATCH).onComplete(ar -> {
            if (ar.succeeded()) {
                ar.result().fired().forEach(step -> {
                    lateness.recordValue(Math.max(0, Math.min(59_999, step.getLong("lateMs", 0L))));
                    fired[0]++;
                });
            }
            boolean full = ar.succeeded() && ar.result().claimed() >= SWEEP_BATCH;
            vertx.setTimer(full ? 1 : SWEEP_MILLIS, id -> sweepLoop(store, lateness, fired, deadline, done));
        });
    }

    private List<String> arm(SlaTimerStore store, List<String> subjects,
                             java.util.function.IntFunction<Duration> length) throws Exception {
        List<String> payloads = new ArrayList<>(subjects.size());
        for (int from = 0; from < subjects.size(); from += IN_FLIGHT) {
            List<Future<Boolean>> batch = new ArrayList<>(IN_FLIGHT);
            for (int i = from; i < Math.min(subjects.size(), from + IN_FLIGHT); i++) {
                SlaTimer timer = SlaTimer.arm(chat, SlaTarget.ANSWER, length.apply(i), Instant.now());
                String payload = SlaTimerCodec.payload(timer);
                payloads.add(payload);
                batch.add(store.compareAndSet(SlaTimerCodec.id(subjects.get(i), SlaTarget.ANSWER), "", payload,
                        new SlaTimerStore.Change(Map.of(), null, SlaTimerCodec.ref(timer), SlaTimerCodec.ladder(timer), "")));
            }
            await(Future.all(batch));
        }
        return payloads;
    }

    private void cancel(SlaTimerStore store, List<String> subjects) throws Exception {
        for (int from = 0; from < subjects.size(); from += IN_FLIGHT) {
            List<String> ids = subjects.subList(from, Math.min(subjects.size(), from + IN_FLIGHT)).stream()
                    .map(s -> SlaTimerCodec.id(s, SlaTarget.ANSWER)).toList();
            Map<String, SlaTimerStore.Stored> found = await(store.get(ids));
            List<Future<Boolean>> batch = new ArrayList<>();
            found.forEach((id, stored) -> batch.add(store.compareAndSet(id, stored.payload(), "",
                    new SlaTimerStore.Change(Map.of(), null, "", "", ""))));
            await(Future.all(batch));
        }
    }

    /** Cancels with the payloads known (as the service does after its read). */
    private void cancel(SlaTimerStore store, List<String> subjects, List<String> payloads) throws Exception {
        for (int from = 0; from < subjects.size(); from += IN_FLIGHT) {
            List<Future<Boolean>> batch = new ArrayList<>(IN_FLIGHT);
            for (int i = from; i < Math.min(subjects.size(), from + IN_FLIGHT); i++) {
                batch.add(store.compareAndSet(SlaTimerCodec.id(subjects.get(i), SlaTarget.ANSWER), payloads.get(i), "",
                        new SlaTimerStore.Change(Map.of(), null, "", "", "")));
            }
            await(Future.all(batch));
        }
    }

    /** The encodings Redis chose: ziplist/listpack = compact, hashtable/skiplist = 100+ bytes per entry. */
    private static String encodings(RedisConnection connection, RedisKeys keys) throws Exception {
        var redis = connection.commands();
        List<String> wheel = redis.zrange(keys.slaSlots(), 0, 0).toCompletableFuture().get(10, TimeUnit.SECONDS);
        String slot = wheel.isEmpty() ? "none" : keys.prefix() + ":sla:w:" + wheel.get(0);
        return "idx bucket " + redis.objectEncoding(keys.prefix() + ":sla:idx:1").toCompletableFuture().get()
                + " (" + redis.hlen(keys.prefix() + ":sla:idx:1").toCompletableFuture().get() + " entries), wheel slot "
                + redis.objectEncoding(slot).toCompletableFuture().get() + " ("
                + redis.zcard(slot).toCompletableFuture().get() + " entries)";
    }

    private static long usedMemory(RedisConnection connection) throws Exception {
        String info = connection.commands().info("memory").toCompletableFuture().get(10, TimeUnit.SECONDS);
        return info.lines().filter(l -> l.startsWith("used_memory:")).findFirst()
                .map(l -> Long.parseLong(l.substring("used_memory:".length()).trim())).orElseThrow();
    }

    private <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    }
}
