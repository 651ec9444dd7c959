package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

/**
 * Redis goes away under a running node and comes back. Meanwhile the node says so at once: not ready (503), and every
 * request that needs Redis a 503 to try again, not held for Lettuce's minute and then a 500, nor queued to run on
 * reconnection with the time it was sent. Once Redis is back, the node is ready again within seconds.
 */
class RedisOutageIT {

    @Test
    void aNodeAnswers503WhileRedisIsDownAndIsReadyAgainSoonAfter(@TempDir Path temp) throws Exception {
        try (OwnRedis redis = new OwnRedis(temp); TestNode node = TestNode.on(redis.url(), "outage").start()) {
            Api admin = node.api();
            assertEquals(200, admin.get("/health/ready").status());

            // out of memory: the routing script's first write is refused inside it (a wrapped -OOM), nothing done
            redis.command(c -> c.configSet("maxmemory", "1"));
            Api.Reply full = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat"));
            assertEquals(503, full.status(), full.body());
            redis.command(c -> c.configSet("maxmemory", "0"));
            assertEquals(201, admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).status());

            redis.stop();
            Api.Reply ready = admin.get("/health/ready");
            assertEquals(503, ready.status(), ready.body());
            Api.Reply create = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat"));
            assertEquals(503, create.status(), create.body());
            assertEquals("unavailable", create.json().getString("error"));
            assertEquals("1", create.header("Retry-After"));

            redis.start();
            Await.until("ready again", Duration.ofSeconds(10), () -> admin.get("/health/ready").status() == 200);
        }
    }

    /**
     * The node's Redis subscription drops and comes back: what was published meanwhile never comes, so every desk and
     * console is closed to reconnect and re-read (1012). They stayed open showing a stale state: an offer made in the gap
     * never reached the agent, who let it ring out.
     */
    @Test
    void desksAndConsolesReconnectWhenTheSubscriptionComesBack(@TempDir Path temp) throws Exception {
        try (OwnRedis redis = new OwnRedis(temp); TestNode node = TestNode.on(redis.url(), "resubscribe").start()) {
            Api admin = node.api();
            Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
            try (AgentSocket desk = ann.events("ann"); AgentSocket console = admin.supervisorEvents()) {
                redis.command(c -> c.clientKill(KillArgs.Builder.typePubsub()));
                assertEquals(1012, desk.awaitClosedByServer());
                assertEquals(1012, console.awaitClosedByServer());
            }
            try (AgentSocket again = ann.events("ann")) {
                assertEquals("ann", again.all().getFirst().getJsonObject("agent").getString("id"), "a new desk is served");
            }
        }
    }

    /**
     * Redis stops answering (paused) while a request waits on it: after the 5 s command timeout the node says the
     * outcome is unknown (504, no Retry-After), since Redis may still run the command, rather than inviting a retry
     * that would do it twice. Once Redis runs again, so does the node.
     */
    @Test
    void aCommandRedisDoesNotAnswerInTimeIsAnUnknownOutcome(@TempDir Path temp) throws Exception {
        try (OwnRedis redis = new OwnRedis(temp); TestNode node = TestNode.on(redis.url(), "paused").start()) {
            Api admin = node.api();
            String pid = redis.command(c -> c.info("server")).lines().filter(l -> l.startsWith("process_id:"))
                    .map(l -> l.substring("process_id:".length()).trim()).findFirst().orElseThrow();
            signal("-STOP", pid);
            try {
                Api.Reply create = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat"));
                assertEquals(504, create.status(), create.body());
                assertEquals("outcome_unknown", create.json().getString("error"));
                assertEquals(null, create.header("Retry-After"));
            } finally {
                signal("-CONT", pid);
            }
            Await.until("ready again", Duration.ofSeconds(10), () -> admin.get("/health/ready").status() == 200);
        }
    }

    private static void signal(String signal, String pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", signal, pid).inheritIO().start().waitFor(), "kill " + signal);
    }

    /** A Redis of the test's own on a free port, which it may stop and start again on that port. */
    private static final class OwnRedis implements AutoCloseable {
        private final int port;
        private final Path dir;
        private RedisServer server;

        OwnRedis(Path dir) throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                this.port = socket.getLocalPort();
            }
            this.dir = dir;
            start();
        }

        String url() {
            return "redis://127.0.0.1:" + port;
        }

        void start() throws IOException {
            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("dir " + dir)
                    .setting("appendonly no").setting("save \"\"").onShutdownForceStop(true).build();
            server.start();
        }

        void stop() throws IOException {
            server.stop();
        }

        /** One command over a connection of the test's own. */
        <T> T command(java.util.function.Function<io.lettuce.core.api.sync.RedisCommands<String, String>, T> command) {
            try (RedisClient client = RedisClient.create(url());
                 StatefulRedisConnection<String, String> connection = client.connect()) {
                return command.apply(connection.sync());
            }
        }

        @Override
        public void close() throws IOException {
            server.stop();
        }
    }
}
