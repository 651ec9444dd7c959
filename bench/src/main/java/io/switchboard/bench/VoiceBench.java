package io.switchboard.bench;

import io.switchboard.SwitchboardServer;
import io.switchboard.config.ConfigLoader;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.routing.Agent;
import io.switchboard.simulator.CallSpec;
import io.switchboard.simulator.CallerScript;
import io.switchboard.simulator.SimulatedAsterisk;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.pbx.Dialplan;
import io.switchboard.simulator.pbx.PhoneBehavior;
import io.switchboard.simulator.pbx.SoundLibrary;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The voice channel under load, with the simulated Asterisk over real AMI and FastAGI sockets: N callers
 * (500 by default) arrive within a few seconds, go through the IVR (answer, menu prompt, one key) and ask
 * for an agent while N agents are free, so every call ends up connected at once. Reports the AGI command
 * round trip (SET VARIABLE: no media in it), the time from "caller asks for an agent" to "the agent's
 * phone rings" (the Redirect accepted by Asterisk), and the heap used with all calls up (server and
 * simulator share the JVM).
 * Usage: {@code ./mvnw -q -f bench/pom.xml exec:java -Dbench.main=io.switchboard.bench.VoiceBench -Dexec.args="3 500"}
 */
public final class VoiceBench {
    private static final String ADMIN = "bench-admin-key-0123";

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        System.out.printf("machine: %d cores, JDK %s; %d calls per run%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version(), calls);
        // one pass not counted, as in the routing benchmark: the first calls pay for class loading and the JIT
        double[] warm = run(calls);
        System.out.printf("warm-up (not counted): ask-to-ring p50 %.2f ms p99 %.2f ms%n", warm[2], warm[3]);
        List<double[]> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            double[] r = run(calls);
            results.add(r);
            System.out.printf("run %d: AGI SET VARIABLE p50 %.2f ms p99 %.2f ms; ask-to-ring p50 %.2f ms p99 %.2f ms;"
                    + " heap %.0f MB; %d calls connected%n", run, r[0], r[1], r[2], r[3], r[4], (long) r[5]);
        }
        System.out.printf("RESULT AGI round trip p50 %.2f ms p99 %.2f ms; ask-to-ring p50 %.2f ms p99 %.2f ms; heap %.0f MB"
                + " (median of %d runs)%n", median(results, 0), median(results, 1), median(results, 2), median(results, 3),
                median(results, 4), runs);
        System.exit(0);
    }

    private static double[] run(int calls) throws Exception {
        int agiPort = freePort();
        Path root = Path.of(System.getProperty("switchboard.repoRoot", "..")).toAbsolutePath().normalize();
        String snippet = Files.readString(root.resolve("config/asterisk/extensions.conf"))
                .replace("PJSIP/${EXTEN}", "Local/${EXTEN}@agents");
        try (SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agiPort)
                .sounds(SoundLibrary.all(Duration.ofMillis(200)))
                .dialplan(Dialplan.defaults().append(snippet).global("SB_AGI", "127.0.0.1:" + agiPort)))) {
            Vertx vertx = Vertx.vertx();
            SwitchboardServer server = await(SwitchboardServer.start(vertx, ConfigLoader.load(Map.of(
                    "SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_AGI_PORT", Integer.toString(agiPort),
                    "SWITCHBOARD_ADMIN_KEY", ADMIN,
                    "SWITCHBOARD_DATA_DIR", Files.createTempDirectory("voice-bench").toString(),
                    "SWITCHBOARD_AMI_URLS", "ami://cti:ctisecret@127.0.0.1:" + asterisk.amiPort() + "/pbx"), root)));
            try {
                staff(server.engine(), asterisk, calls);
                for (int i = 0; i < calls; i++) {
                    asterisk.placeCall(CallSpec.create().from(Long.toString(15550000000L + i), "Bench Caller")
                            .context("switchboard-inbound").dialing("8000").script(CallerScript.create().press("2"))
                            .patience(Duration.ofMinutes(10)));
                    if (i % 50 == 49) {
                        Thread.sleep(500); // 100 callers a second
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                int connected = 0;
                while (System.nanoTime() < deadline) {
                    connected = (int) metric(server, "switchboard_queue_answered_total{channel=\"voice\",queue=\"support\"}");
                    if (connected >= calls) {
                        break;
                    }
                    Thread.sleep(250);
                }
                System.gc();
                double heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
                return new double[] {
                    metric(server, "switchboard_agi_command_seconds{command=\"SET VARIABLE\",quantile=\"0.5\"}") * 1000,
                    metric(server, "switchboard_agi_command_seconds{command=\"SET VARIABLE\",quantile=\"0.99\"}") * 1000,
                    metric(server, "switchboard_voice_time_to_ring_seconds{quantile=\"0.5\"}") * 1000,
                    metric(server, "switchboard_voice_time_to_ring_seconds{quantile=\"0.99\"}") * 1000,
                    heapMb, connected};
            } finally {
                await(server.stop());
                await(vertx.close());
            }
        }
    }

    /** As many free agents as callers; their phones answer after 2 s and talk long enough to overlap. */
    private static void staff(RoutingEngine engine, SimulatedAsterisk asterisk, int count) throws Exception {
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String ext = Integer.toString(5000 + i);
            asterisk.agentPhone(ext, PhoneBehavior.answersAfter(Duration.ofSeconds(2), Duration.ofSeconds(300)));
            String id = "a" + i;
            all.add(engine.upsertAgent(new Agent(id, null, "Local/" + ext + "@agents", null, Map.of("support", 5), null, null), null)
                    .compose(a -> engine.setAgentState(id, "available", "")));
        }
        await(Future.all(all));
    }

    private static double metric(SwitchboardServer server, String series) throws Exception {
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics"))
                .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        return scrape.body().lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(Double.NaN);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double median(List<double[]> results, int index) {
        List<Double> values = new ArrayList<>(results.stream().map(r -> r[index]).toList());
        Collections.sort(values);
        return values.get(values.size() / 2);
    }
}
