package io.switchboard;

import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar switchboard.jar}: config from {@code config/} and the environment, then serve. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        SwitchboardConfig config;
        try {
            config = ConfigLoader.load(System.getenv(), Path.of("").toAbsolutePath());
        } catch (RuntimeException e) {
            System.err.println("switchboard: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx();
        CountDownLatch stopped = new CountDownLatch(1);
        SwitchboardServer.start(vertx, config).onSuccess(server -> {
            System.out.println(server.readyLine());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.stop().toCompletionStage().toCompletableFuture().join();
                vertx.close().toCompletionStage().toCompletableFuture().join();
                stopped.countDown();
            }, "switchboard-shutdown"));
        }).onFailure(e -> {
            LOG.error("switchboard failed to start: {}", e.getMessage(), e);
            System.err.println("switchboard: failed to start: " + e.getMessage());
            vertx.close();
            System.exit(1);
        });
        stopped.await();
    }
}
