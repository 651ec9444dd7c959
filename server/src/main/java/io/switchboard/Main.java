package io.switchboard;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.demo.DemoFloor;
import io.switchboard.simulator.SimulatedAsterisk;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar switchboard.jar [--demo]}: config from {@code config/} and the environment, then serve.
 * With {@code --demo}, a simulated Asterisk sends callers and a demo floor of agents answers them.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** The whole stop on SIGTERM: docker stop kills after 10 s (systemd after 90). */
    private static final java.time.Duration STOP_TIMEOUT = java.time.Duration.ofSeconds(7);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> unknown = List.of(args).stream().filter(a -> !a.equals("--demo")).toList();
        if (!unknown.isEmpty()) { // ignored, a --port=9090 would leave the node on 8080 without a word
            System.err.println("switchboard: unknown argument '" + unknown.get(0) + "': the one argument is --demo;"
                    + " settings are config/switchboard.yaml and environment variables (README, Configuration)");
            System.exit(2);
            return;
        }
        boolean demo = args.length > 0;
        Path workingDir = Path.of("").toAbsolutePath();
        Map<String, String> env = new HashMap<>(System.getenv());
        SimulatedAsterisk asterisk = null;
        SwitchboardConfig config;
        try {
            config = ConfigLoader.load(env, workingDir);
            if (demo) {
                if (config.ports().agi() == 0) {
                    // the simulated Asterisk must know where to send calls before the server binds
                    env.put("SWITCHBOARD_AGI_PORT", Integer.toString(freePort()));
                    config = ConfigLoader.load(env, workingDir);
                }
                asterisk = DemoFloor.startAsterisk(config.configDir(), config.ports().agi());
                String urls = String.join(",", config.voice().amiUrls());
                env.put("SWITCHBOARD_AMI_URLS", (urls.isEmpty() ? "" : urls + ",") + DemoFloor.amiUrl(asterisk));
                config = ConfigLoader.load(env, workingDir);
            }
        } catch (RuntimeException e) {
            System.err.println("switchboard: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx();
        CountDownLatch stopped = new CountDownLatch(1);
        SimulatedAsterisk simulated = asterisk;
        SwitchboardServer.start(vertx, config).compose(server -> simulated == null
                ? io.vertx.core.Future.succeededFuture(server)
                : DemoFloor.open(server.engine(), simulated).map(v -> {
                    LOG.info("demo: simulated Asterisk on AMI port {}, 10 agents (PIN 1234), 8 calls a minute;"
                            + " a supervisor's phone {} to listen from", simulated.amiPort(), DemoFloor.SUPERVISOR_PHONE);
                    return server;
                })).onSuccess(server -> {
            System.out.println(server.readyLine());
            if (simulated != null) {
                // chats and emails too: their desktops log in over HTTP, so off the event loop
                Thread.ofVirtual().name("demo-contacts").start(() -> {
                    DemoFloor.startContacts(server.httpPort(), server.smtpPort());
                    LOG.info("demo: simulated customers also chat (2 a minute) and email (1 a minute)");
                });
            }
            Runnable stop = once(() -> {
                long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
                await("the server", server.stop(), deadline);
                if (simulated != null) {
                    simulated.close();
                }
                await("Vert.x", vertx.close(), deadline);
                stopped.countDown();
            });
            Runtime.getRuntime().addShutdownHook(new Thread(stop, "switchboard-shutdown"));
            stopOnSignals(stop);
        }).onFailure(e -> {
            LOG.error("switchboard failed to start: {}", e.getMessage(), e);
            System.err.println("switchboard: failed to start: " + e.getMessage());
            vertx.close();
            System.exit(1);
        });
        stopped.await();
    }

    /**
     * SIGTERM and SIGINT stop the node in order before the JVM exits. Left to the JVM, they would run every
     * shutdown hook at once, the embedded Redis library's among them, which stops Redis while the server still
     * has commands to send it. Other ways out (System.exit) still run the same stop from a shutdown hook.
     */
    private static void stopOnSignals(Runnable stop) {
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), signal -> Thread.ofPlatform().name("switchboard-stop").start(() -> {
                    stop.run();
                    System.exit(128 + signal.getNumber());
                }));
            } catch (IllegalArgumentException e) {
                // the JVM keeps the signal (-Xrs): it exits through the shutdown hook, which stops the same way
                LOG.warn("SIG{} is not handled here: {}", name, e.getMessage());
            }
        }
    }

    private static Runnable once(Runnable action) {
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                action.run();
            }
        };
    }

    /** A stop that hangs must not hold the process past what a service manager waits before it kills it. */
    private static void await(String what, io.vertx.core.Future<?> stopping, long deadlineNanos) {
        try {
            stopping.toCompletionStage().toCompletableFuture()
                    .get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            LOG.warn("{} did not stop in order: {}", what, e.toString());
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
