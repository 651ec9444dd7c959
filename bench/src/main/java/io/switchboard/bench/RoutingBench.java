package io.switchboard.bench;

import io.switchboard.bench.BenchClient.Agent;
import io.switchboard.engine.LiveInteractions;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The routing core's benchmark, over the real HTTP and WebSocket API of a node with Redis on the same
 * machine; for throughput and latency the node runs in its own process, as deployed. Prints the figures that bench/README.md records:
 * <ol>
 *   <li>throughput: full lifecycles per second (create, offer on the agent's WebSocket, accept, complete)
 *       with 1,000 agents, as fast as the server goes;</li>
 *   <li>latency: POST /interactions to the offer arriving on the WebSocket, p50/p99, at half that rate;</li>
 *   <li>decision time: one agent becoming available and being offered the head of a line of 100 vs
 *       100,000 waiting interactions.</li>
 * </ol>
 * Usage: {@code ./mvnw -q -pl bench -am exec:java -Dexec.args="[runs] [lifecycles]"}
 */
public final class RoutingBench {
    private static final String ADMIN = BenchNode.ADMIN;
    private static final int AGENTS = 1_000;

    private final BenchClient client = new BenchClient(2_000);
    private final Vertx vertx = client.vertx;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int lifecycles = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        RoutingBench bench = new RoutingBench();
        try {
            bench.all(runs, lifecycles);
        } finally {
            bench.client.close();
        }
        System.exit(0);
    }

    private void all(int runs, int lifecycles) throws Exception {
        System.out.printf("machine: %d cores, %s, JDK %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), Runtime.version());
        List<Double> throughput = new ArrayList<>();
        List<double[]> latency = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            try (ServerProcess server = ServerProcess.start("tp" + run)) {
                client.target(server.port);
                List<Agent> agents = client.agents(AGENTS, new JsonObject().put("skills",
                        new JsonObject().put("support", 5)), this::onMessage);
                // the JIT compiles the server's and the client's hot paths before anything is timed
                System.out.printf("run %d warm-up: %.0f lifecycles/s (not counted)%n", run, closedLoop(agents, lifecycles));
                throughput.add(closedLoop(agents, lifecycles));
                System.out.printf("run %d: %.0f lifecycles/s%n", run, throughput.get(throughput.size() - 1));
                // -Dbench.latencyRate=1000 times every build at one rate (half the target's 2,000/s), where half of
                // each run's own throughput would time a faster build at a higher rate than a slower one
                double rate = Double.parseDouble(System.getProperty("bench.latencyRate",
                        Double.toString(throughput.get(throughput.size() - 1) / 2)));
                // the open loop sends from a thread of its own, a path the closed loop never took: it gets its
                // own warm-up, or the JIT compiling it (on the same two cores) shows as a stall in the tail
                openLoop(agents, rate, lifecycles / 4);
                latency.add(openLoop(agents, rate, lifecycles / 2));
                System.out.printf("run %d: offer latency at %.0f/s p50 %.2f ms p99 %.2f ms%n", run, rate,
                        latency.get(latency.size() - 1)[0], latency.get(latency.size() - 1)[1]);
                agents.forEach(a -> a.socket().close());
            }
        }
        double[] decisionSmall = decision(100, runs);
        double[] decisionLarge = decision(100_000, runs);
        System.out.println();
        System.out.printf("RESULT lifecycles/s median %.0f (runs %s)%n", median(throughput), throughput);
        System.out.printf("RESULT offer latency at half load: p50 %.2f ms, p99 %.2f ms (median of %d runs)%n",
                median(latency.stream().map(l -> l[0]).toList()), median(latency.stream().map(l -> l[1]).toList()), runs);
        System.out.printf("RESULT decision time, 100 waiting: p50 %.3f ms p99 %.3f ms%n", decisionSmall[0], decisionSmall[1]);
        System.out.printf("RESULT decision time, 100000 waiting: p50 %.3f ms p99 %.3f ms (ratio p50 %.2f)%n",
                decisionLarge[0], decisionLarge[1], decisionLarge[0] / decisionSmall[0]);
        System.out.printf("RESULT floor listing (GET /interactions?status=queued&limit=100): p50 %.1f ms with 100 waiting, "
                + "%.1f ms with 100000; with a where= (at most %d looked at): %.1f ms, %.1f ms%n", decisionSmall[2],
                decisionLarge[2], LiveInteractions.SCAN, decisionSmall[3], decisionLarge[3]);
    }

    // ------------------------------------------------------------------------- throughput, latency

    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final AtomicInteger completed = new AtomicInteger();
    private volatile Histogram offerLatency;
    private List<long[]> latencyLog;
    /** How late the generator sent each creation: a stall on the generator's side, not the server's. */
    private final Map<String, Long> sendLag = new ConcurrentHashMap<>();

    /** As many lifecycles as the server takes, 128 creations in flight. */
    private double closedLoop(List<Agent> agents, int count) throws Exception {
        completed.set(0);
        offerLatency = null;
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        CompletableFuture<Void> done = new CompletableFuture<>();
        for (int i = 0; i < 128; i++) {
            createLoop(next, count, done);
        }
        done.get(300, TimeUnit.SECONDS);
        waitFor(() -> completed.get() >= count, 120);
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private void createLoop(AtomicInteger next, int count, CompletableFuture<Void> done) {
        int n = next.getAndIncrement();
        if (n >= count) {
            done.complete(null);
            return;
        }
        create(n).onComplete(ar -> createLoop(next, count, done));
    }

    /**
     * Creations at a fixed rate; returns offer latency p50 and p99 in ms, each from the moment its creation
     * was due (not when the generator got to send it), so a stall on either side counts in full.
     */
    private double[] openLoop(List<Agent> agents, double rate, int count) throws Exception {
        completed.set(0);
        latencyLog = System.getProperty("bench.latencyLog") == null ? null : new ArrayList<>(count);
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        offerLatency = histogram;
        long intervalNanos = (long) (1e9 / rate);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        // a thread of its own sleeps until each creation is due: a 1 ms timer on an event loop sent bursts
        Thread pacer = Thread.ofPlatform().name("bench-pacer").start(() -> {
            for (int n = 0; n < count; n++) {
                long due = start + n * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                if (latencyLog != null) {
                    sendLag.put(Integer.toString(n), System.nanoTime() - due);
                }
                create(n, due);
            }
        });
        waitFor(() -> completed.get() >= count, 300);
        pacer.join();
        synchronized (histogram) {
            writeLatencyLog(start);
            return new double[] {histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6};
        }
    }

    /**
     * -Dbench.latencyLog=file: each offer's due time (ms into the run), latency and how late the generator sent
     * its creation (ms), to see when the slow ones come and on which side.
     */
    private void writeLatencyLog(long start) throws java.io.IOException {
        if (latencyLog == null) {
            return;
        }
        long startEpochMs = System.currentTimeMillis() - (System.nanoTime() - start) / 1_000_000;
        StringBuilder out = new StringBuilder("# start_epoch_ms=" + startEpochMs + "\ndue_ms,latency_ms,send_lag_ms\n");
        for (long[] entry : latencyLog) {
            out.append(String.format("%.3f,%.3f,%.3f%n", (entry[0] - start) / 1e6, entry[1] / 1e6, entry[2] / 1e6));
        }
        java.nio.file.Files.writeString(java.nio.file.Path.of(System.getProperty("bench.latencyLog")), out);
    }

    private Future<Void> create(int n) {
        return create(n, System.nanoTime());
    }

    private Future<Void> create(int n, long dueNanos) {
        String seq = Integer.toString(n);
        sentAt.put(seq, dueNanos);
        return client.post("/api/v1/interactions", ADMIN, new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("seq", seq))).mapEmpty();
    }

    private void onMessage(Agent agent, JsonObject message) {
        switch (message.getString("type")) {
            case "offer" -> {
                Long sent = sentAt.remove(message.getJsonObject("attributes").getString("seq"));
                Histogram histogram = offerLatency;
                if (sent != null && histogram != null) {
                    long latency = System.nanoTime() - sent;
                    synchronized (histogram) {
                        histogram.recordValue(Math.min(latency, TimeUnit.SECONDS.toNanos(10)));
                        if (latencyLog != null) {
                            Long lag = sendLag.remove(message.getJsonObject("attributes").getString("seq"));
                            latencyLog.add(new long[] {sent, latency, lag == null ? -1 : lag});
                        }
                    }
                }
                client.post("/api/v1/reservations/" + message.getString("reservation") + "/accept", agent.token(),
                                new JsonObject())
                        .compose(r -> client.post("/api/v1/interactions/" + message.getString("interaction") + "/complete",
                                agent.token(), new JsonObject().put("disposition", "resolved")))
                        .onSuccess(r -> completed.incrementAndGet())
                        .onFailure(e -> System.err.println("lifecycle failed: " + e.getMessage()));
            }
            default -> { }
        }
    }

    // --------------------------------------------------------------------------------- decision

    /**
     * One agent and a line of {@code waiting} interactions: each sample sets the agent available, which
     * runs the decision (find the best head among the agent's pools, reserve it) in one routing command;
     * the offer is then withdrawn by canceling that interaction and a new one joins, so the line keeps its
     * length. Timed at the engine (Redis round trip + script), without HTTP in the way.
     */
    private double[] decision(int waiting, int runs) throws Exception {
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> listing = new ArrayList<>();
        List<Double> filtered = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            try (BenchNode node = BenchNode.start("dec" + waiting + "-" + run, Map.of())) {
                RoutingEngine engine = node.server.engine();
                await(engine.upsertAgent(new io.switchboard.routing.Agent("solo", null, null, null,
                        Map.of("support", 5), null, null), null));
                fill(engine, waiting);
                Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                for (int i = 0; i < 2_000; i++) {
                    long started = System.nanoTime();
                    JsonObject agent = await(engine.setAgentState("solo", "available", ""));
                    long took = System.nanoTime() - started;
                    if (i >= 200) {
                        histogram.recordValue(took);
                    }
                    String rsv = agent.getString("reservation");
                    String interaction = rsv.substring(0, rsv.lastIndexOf('.'));
                    await(engine.setAgentState("solo", "away", "bench"));
                    await(engine.cancel(interaction, "canceled", "bench"));
                    await(engine.createInteraction(VOICE));
                }
                p50.add(histogram.getValueAtPercentile(50) / 1e6);
                p99.add(histogram.getValueAtPercentile(99) / 1e6);
                listing.add(listing(engine, null));
                filtered.add(listing(engine, WHERE));
                System.out.printf("decision with %d waiting, run %d: p50 %.3f ms p99 %.3f ms; listing p50 %.1f ms, "
                        + "with where= %.1f ms%n", waiting, run, p50.get(p50.size() - 1), p99.get(p99.size() - 1),
                        listing.get(listing.size() - 1), filtered.get(filtered.size() - 1));
            }
        }
        return new double[] {median(p50), median(p99), median(listing), median(filtered)};
    }

    /** A filter on what the waiting are: the listing reads up to its scan limit to apply it. */
    private static final io.switchboard.routing.Condition WHERE =
            new io.switchboard.rules.CelConditions().interaction("channel == \"voice\"");

    /** The supervisor's list of the waiting (the engine's side of GET /interactions): p50 of 21 reads, in ms. */
    private static double listing(RoutingEngine engine, io.switchboard.routing.Condition where) throws Exception {
        List<Double> took = new ArrayList<>();
        LiveInteractions.Query query = new LiveInteractions.Query(Set.of("queued"), null, null, null, where, 100);
        for (int i = 0; i < 21; i++) {
            long started = System.nanoTime();
            await(engine.live().find(query));
            took.add((System.nanoTime() - started) / 1e6);
        }
        return median(took);
    }

    private static final InteractionRequest VOICE = new InteractionRequest(Channel.VOICE, Map.of(), null, null, 0);

    private static void fill(RoutingEngine engine, int count) throws Exception {
        List<Future<JsonObject>> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(engine.createInteraction(VOICE));
            if (batch.size() == 512) {
                Future.all(batch).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
                batch.clear();
            }
        }
        Future.all(batch).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------------------------- plumbing

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("benchmark did not finish in " + seconds + " s");
            }
            Thread.sleep(5);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
