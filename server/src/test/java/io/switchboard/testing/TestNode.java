package io.switchboard.testing;

import io.switchboard.SwitchboardServer;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/** A real Switchboard node for a test: real HTTP on a free port, real Redis under the test's prefix. */
public final class TestNode implements AutoCloseable {
    public static final String ADMIN_KEY = "test-admin-key-0123";

    private final Vertx vertx;
    private final SwitchboardServer server;
    private final Api api;

    private TestNode(Vertx vertx, SwitchboardServer server) {
        this.vertx = vertx;
        this.server = server;
        this.api = new Api("http://127.0.0.1:" + server.httpPort(), ADMIN_KEY);
    }

    public static Builder on(TestRedis redis, String prefix) {
        return new Builder(redis.uri(), prefix);
    }

    /** A node on any Redis (cluster, sentinel) by URL. */
    public static Builder on(String redisUrl, String prefix) {
        return new Builder(redisUrl, prefix);
    }

    public Api api() {
        return api;
    }

    public SwitchboardServer server() {
        return server;
    }

    public int port() {
        return server.httpPort();
    }

    @Override
    public void close() {
        try {
            Await.result(server.stop());
        } finally {
            Await.result(vertx.close());
        }
    }

    public static final class Builder {
        private final Map<String, String> env = new HashMap<>();
        private InstantSource clock = InstantSource.system();
        private java.util.function.Consumer<TestNode> started = node -> { };

        private Builder(String redisUri, String prefix) {
            env.put("REDIS_URL", redisUri);
            env.put("SWITCHBOARD_REDIS_KEY_PREFIX", prefix);
            env.put("SWITCHBOARD_HTTP_PORT", "0");
            env.put("SWITCHBOARD_AGI_PORT", "0");
            env.put("SWITCHBOARD_SMTP_PORT", "0");
            env.put("SWITCHBOARD_ADMIN_KEY", ADMIN_KEY);
            env.put("SWITCHBOARD_SUPERVISOR_KEYS", "test-supervisor-key");
            env.put("SWITCHBOARD_SLA_FILE", ""); // agreements change priorities: tests opt in with sla(...)
            // statistics read right after the traffic that makes them (and on fixed clocks, where nothing ages):
            // tests of the shared reading opt in with env(...)
            env.put("SWITCHBOARD_REALTIME_MAX_AGE_MILLIS", "0");
        }

        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        public Builder rules(Path directory) {
            env.put("SWITCHBOARD_RULES_DIR", directory.toAbsolutePath().toString());
            return this;
        }

        /** Applies these SLA policies (an absolute path to an sla.yaml). */
        public Builder sla(Path file) {
            env.put("SWITCHBOARD_SLA_FILE", file.toAbsolutePath().toString());
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** Runs once the node serves (e.g. points a simulator at the ports it took). */
        public Builder whenStarted(java.util.function.Consumer<TestNode> action) {
            this.started = action;
            return this;
        }

        public TestNode start() {
            SwitchboardConfig config = ConfigLoader.load(env, Repo.root());
            Vertx vertx = Vertx.vertx();
            TestNode node;
            try {
                node = new TestNode(vertx, Await.result(SwitchboardServer.start(vertx, config, clock)));
            } catch (RuntimeException e) {
                vertx.close();
                throw e;
            }
            started.accept(node);
            return node;
        }
    }
}
