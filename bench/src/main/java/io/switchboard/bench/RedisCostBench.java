package io.switchboard.bench;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.routing.Agent;
import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.store.redis.RedisConnection;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one full lifecycle (create, offer, accept, complete) costs Redis: script calls, the commands they
 * run, and Redis's own time for them, from {@code INFO commandstats}, and its main thread's CPU time from
 * {@code INFO cpu}. One lifecycle at a time, so the counts do not depend on how busy the machine is (the times
 * do: compare builds alternating in one window); Redis is the single thread every node shares, so this is the
 * number that bounds a floor's throughput. Usage: {@code RedisCostBench [runs=3] [lifecycles=3000]};
 * {@code -Dbench.commandstats=true} prints the whole {@code INFO commandstats} of each run.
 */
public final class RedisCostBench {
    private static final Pattern STAT = Pattern.compile("cmdstat_(\\w+):calls=(\\d+),usec=(\\d+)");
    private static final Pattern MAIN_THREAD_CPU = Pattern.compile("used_cpu_(?:sys|user)_main_thread:([0-9.]+)");
    private static final InteractionRequest VOICE = new InteractionRequest(Channel.VOICE, Map.of("seq", "1"), null,
            null, 0);

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int lifecycles = args.length > 1 ? Integer.parseInt(args[1]) : 3_000;
        List<Double> scriptMicros = new ArrayList<>();
        List<Double> cpuMicros = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            // -Dbench.redisUrl: a Redis of one's own instead of the embedded one, e.g. to record what the run sends
            // it (bench/replay/capture.sh); it is not emptied, so give it one run
            String redisUrl = System.getProperty("bench.redisUrl");
            try (BenchNode node = BenchNode.start("cost" + run, redisUrl == null ? Map.of() : Map.of("REDIS_URL", redisUrl));
                 RedisConnection redis = RedisConnection.connect(node.server.redisUri())) {
                RoutingEngine engine = node.server.engine();
                await(engine.upsertAgent(new Agent("solo", null, null, null, Map.of("support", 5), null, null), null));
                await(engine.setAgentState("solo", "available", ""));
                lifecycles(engine, lifecycles); // warm-up: not counted
                await(redis.commands().configResetstat());
                double cpuBefore = mainThreadCpuSeconds(redis.commands());
                lifecycles(engine, lifecycles);
                Thread.sleep(500); // let the SLA observers' last calls land
                double cpu = (mainThreadCpuSeconds(redis.commands()) - cpuBefore) * 1e6 / lifecycles;
                double[] cost = cost(redis.commands(), lifecycles);
                scriptMicros.add(cost[1]);
                cpuMicros.add(cpu);
                System.out.printf("run %d: per lifecycle %.2f script calls, %.0f µs of Redis time in scripts, "
                        + "%.0f µs of Redis CPU, %.1f commands run by scripts or sent directly%n",
                        run, cost[0], cost[1], cpu, cost[2]);
            }
        }
        System.out.printf("RESULT Redis time in scripts per lifecycle: median %.0f µs (runs %s)%n",
                median(scriptMicros), scriptMicros);
        System.out.printf("RESULT Redis main-thread CPU per lifecycle: median %.0f µs (runs %s)%n",
                median(cpuMicros), cpuMicros);
        System.exit(0);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /**
     * CPU seconds Redis's main thread has used (user + system). Unlike commandstats' wall-clock time, it does not
     * count the moments the thread was off the CPU, which on a busy two-core host are most of the noise.
     */
    private static double mainThreadCpuSeconds(RedisClusterAsyncCommands<String, String> redis) throws Exception {
        Matcher m = MAIN_THREAD_CPU.matcher(await(redis.info("cpu")));
        double seconds = 0;
        while (m.find()) {
            seconds += Double.parseDouble(m.group(1));
        }
        return seconds;
    }

    private static void lifecycles(RoutingEngine engine, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            String id = await(engine.createInteraction(VOICE)).getString("id");
            String reservation = await(engine.agent("solo")).getString("reservation");
            await(engine.accept(reservation, "solo"));
            await(engine.complete(id, "resolved", "", "solo", 0));
        }
    }

    /** Script calls, µs in scripts, and other commands, each per lifecycle. */
    private static double[] cost(RedisClusterAsyncCommands<String, String> redis, int lifecycles) throws Exception {
        String info = await(redis.info("commandstats"));
        if (Boolean.getBoolean("bench.commandstats")) {
            System.out.println(info); // per command: which ones a change added or removed
        }
        double scripts = 0;
        double micros = 0;
        double commands = 0;
        Matcher m = STAT.matcher(info);
        while (m.find()) {
            long calls = Long.parseLong(m.group(2));
            if (m.group(1).equals("evalsha") || m.group(1).equals("eval")) {
                scripts += calls;
                micros += Long.parseLong(m.group(3));
            } else if (!m.group(1).equals("info") && !m.group(1).equals("config")) {
                commands += calls;
            }
        }
        return new double[] {scripts / lifecycles, micros / lifecycles, commands / lifecycles};
    }

    private static <T> T await(io.lettuce.core.RedisFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
