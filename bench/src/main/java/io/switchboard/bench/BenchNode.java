package io.switchboard.bench;

import io.switchboard.SwitchboardServer;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A server node for one benchmark run: its own embedded Redis and Vert.x instance, on free ports. */
final class BenchNode implements AutoCloseable {
    static final String ADMIN = "bench-admin-key-0123";

    final SwitchboardServer server;
    final int port;
    private final Vertx vertx;
    private final DataDir data;

    private BenchNode(Vertx vertx, SwitchboardServer server, DataDir data) {
        this.vertx = vertx;
        this.server = server;
        this.port = server.httpPort();
        this.data = data;
    }

    /** @param env settings beyond the defaults (environment-variable names, as ConfigLoader reads them) */
    static BenchNode start(String name, Map<String, String> env) throws Exception {
        Path root = Path.of(System.getProperty("switchboard.repoRoot", "..")).toAbsolutePath().normalize();
        DataDir data = new DataDir(name);
        Map<String, String> settings = new HashMap<>(Map.of("SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_AGI_PORT", "0",
                "SWITCHBOARD_SMTP_PORT", "0", "SWITCHBOARD_ADMIN_KEY", ADMIN, "SWITCHBOARD_DATA_DIR", data.path.toString()));
        settings.putAll(env);
        SwitchboardConfig config = ConfigLoader.load(settings, root);
        Vertx vertx = Vertx.vertx();
        try {
            SwitchboardServer server = SwitchboardServer.start(vertx, config).toCompletionStage().toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
            return new BenchNode(vertx, server, data);
        } catch (Exception e) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            data.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            data.close();
        }
    }
}
