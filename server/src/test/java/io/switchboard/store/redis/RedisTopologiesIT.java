package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisCluster;
import redis.embedded.RedisServer;
import redis.embedded.model.OsArchitecture;

/**
 * "Pointing it at a real Redis is one setting": the same lifecycle against a three-master Redis Cluster,
 * a Sentinel-managed Redis and a Redis 7, each a set of real redis-server processes.
 */
class RedisTopologiesIT {
    /** A 24/7 answer target the lifecycle's chat meets: the routing script ends it in the run that answers. */
    private static final String POLICY = """
            policies:
              - name: chat
                match: 'channel == "chat"'
                targets: {answer: 60s}
            """;
    /** The binaries the build unpacks from org.signal:embedded-redis (redis7.dir), by platform. */
    private static final Map<OsArchitecture, String> REDIS_7 = Map.of(
            OsArchitecture.UNIX_x86_64, "redis-server-7.0.15-linux-amd64",
            OsArchitecture.UNIX_AARCH64, "redis-server-7.0.15-linux-arm64",
            OsArchitecture.MAC_OS_X_x86_64, "redis-server-7.0.15-darwin-amd64",
            OsArchitecture.MAC_OS_X_ARM64, "redis-server-7.0.15-darwin-arm64");

    @Test
    void routesOnARedisCluster(@TempDir Path temp) throws Exception {
        List<RedisServer> servers = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                int port = freePort();
                ports.add(port);
                RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                        .setting("cluster-enabled yes")
                        .setting("cluster-config-file " + temp.resolve("nodes-" + port + ".conf"))
                        .setting("dir " + temp).setting("appendonly no").setting("save \"\"")
                        .onShutdownForceStop(true).build();
                server.start();
                servers.add(server);
            }
            formCluster(ports);
            String url = "redis-cluster://" + String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
            lifecycle(url, temp);
        } finally {
            for (RedisServer server : servers) {
                server.stop();
            }
        }
    }

    @Test
    void routesThroughSentinel(@TempDir Path temp) throws Exception {
        RedisCluster sentinelled = RedisCluster.newRedisCluster().sentinelCount(2).quorumSize(1)
                .replicationGroup("mymaster", 1).ephemeral().build();
        sentinelled.start();
        try {
            // the sentinels listed in one URL, as deployments do: one Redis behind them, not a cluster of two nodes
            lifecycle("redis-sentinel://127.0.0.1:" + sentinelled.sentinelPorts().get(0) + ",127.0.0.1:"
                    + sentinelled.sentinelPorts().get(1) + "#mymaster", temp);
        } finally {
            sentinelled.stop();
        }
    }

    /**
     * The embedded default is Redis 6.2; deployments run 7 or later, whose script engine was rewritten: the same
     * lifecycle, with its SLA answer timer met in the routing script, on Redis 7.0.
     */
    @Test
    void routesOnRedis7(@TempDir Path temp) throws Exception {
        String name = REDIS_7.get(OsArchitecture.detectOSandArchitecture());
        Assumptions.assumeTrue(name != null, "no Redis 7 binary for this platform");
        File binary = new File(System.getProperty("redis7.dir", "target/redis-7"), name);
        assertTrue(binary.setExecutable(true), binary + " (unpacked by the build: run through Maven)");
        int port = freePort();
        RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .executableProvider(() -> binary)
                .setting("dir " + temp).setting("appendonly no").setting("save \"\"")
                .onShutdownForceStop(true).build();
        server.start();
        try {
            RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                assertTrue(connection.sync().info("server").contains("redis_version:7.0."), "the test runs on 7.0");
            } finally {
                client.shutdown();
            }
            lifecycle("redis://127.0.0.1:" + port, temp);
        } finally {
            server.stop();
        }
    }

    /**
     * A chat through its whole lifecycle, its SLA answer timer met in the routing run; then a node whose clock is
     * two hours ahead sums the lifecycle's hour from its minute buckets (rollup.lua) as it starts.
     */
    private static void lifecycle(String redisUrl, Path temp) throws Exception {
        Path sla = Files.writeString(temp.resolve("sla.yaml"), POLICY);
        long firstHour = System.currentTimeMillis() / 3_600_000;
        String queue;
        try (TestNode node = TestNode.on(redisUrl, "topology").sla(sla).start()) {
            Api admin = node.api();
            Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
            Agents.create(admin, "newcomer", new JsonObject());
            assertAgentHashIsAHashTable(redisUrl, "newcomer");
            try (AgentSocket events = sam.events("sam")) {
                Agents.available(sam, "sam");
                String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201)
                        .json().getString("id");
                JsonObject offer = events.await("offer");
                assertEquals(id, offer.getString("interaction"));
                sam.post("/api/v1/reservations/" + offer.getString("reservation") + "/accept", "{}").expect(200);
                assertEquals("met", events.await("assigned").getString("slaState"));
                sam.post("/api/v1/interactions/" + id + "/complete", "{}").expect(200);
                JsonObject completed = admin.get("/api/v1/interactions/" + id).json();
                assertEquals("completed", completed.getString("status"));
                queue = completed.getString("queue");
                events.await(m -> "available".equals(m.getString("state")) && "state_changed".equals(m.getString("type"))
                        && "busy".equals(m.getString("previous")), "available after work", Duration.ofSeconds(5));
            }
            // the live statistics read every agent and the queue's counter buckets a few hundred per script call
            // (hashes.lua), whose keys must all be in one slot of a cluster
            String chats = queue;
            Await.until("the answer and the free agent in the live statistics", () -> {
                JsonObject live = admin.get("/api/v1/stats/realtime").expect(200).array().stream()
                        .map(JsonObject.class::cast).filter(q -> chats.equals(q.getString("queue"))).findFirst()
                        .orElseThrow();
                return live.getJsonObject("today").getLong("answered") == 1
                        && live.getJsonObject("agents").getInteger("available") == 1;
            });
        }
        long lastHour = System.currentTimeMillis() / 3_600_000;
        try (TestNode later = TestNode.on(redisUrl, "topology").sla(sla)
                .clock(new TestClock(Instant.now().plus(Duration.ofHours(2)))).start();
             RedisConnection connection = RedisConnection.connect(redisUrl)) {
            long completed = 0;
            long met = 0;
            for (long hour = firstHour; hour <= lastHour; hour++) {
                String base = RedisKeys.of("topology").prefix();
                completed += count(connection, base + ":stats:" + queue + ":h:" + hour, "chat:completed");
                met += count(connection, base + ":kpi:h:" + hour, "answer:sla_met");
            }
            assertEquals(1, completed, "the completion summed into its hour");
            assertEquals(1, met, "the SLA verdict summed into its hour");
        }
    }

    private static long count(RedisConnection connection, String hash, String field) throws Exception {
        String value = connection.commands().hget(hash, field).get(5, TimeUnit.SECONDS);
        return value == null ? 0 : Long.parseLong(value);
    }

    /**
     * Every change of an agent reads 19 fields of its hash; a hash of a few short fields would be a ziplist (6.2) or
     * listpack (7), scanned from its start for each field: router.lua's upsert makes it a hash table, on every Redis.
     */
    private static void assertAgentHashIsAHashTable(String redisUrl, String agent) throws Exception {
        try (RedisConnection connection = RedisConnection.connect(redisUrl)) {
            assertEquals("hashtable", connection.commands().objectEncoding(RedisKeys.of("topology").agent(agent))
                    .get(5, TimeUnit.SECONDS), "a few short fields, no skills: Redis would pack it");
        }
    }

    /** CLUSTER ADDSLOTS a third of the slots on each node, then CLUSTER MEET, then wait for ok. */
    private static void formCluster(List<Integer> ports) {
        List<RedisClient> clients = new ArrayList<>();
        try {
            List<StatefulRedisConnection<String, String>> nodes = new ArrayList<>();
            for (int port : ports) {
                RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
                clients.add(client);
                nodes.add(client.connect());
            }
            int per = 16384 / ports.size();
            for (int i = 0; i < nodes.size(); i++) {
                int from = i * per;
                int to = i == nodes.size() - 1 ? 16383 : from + per - 1;
                nodes.get(i).sync().clusterAddSlots(IntStream.rangeClosed(from, to).toArray());
            }
            for (int i = 1; i < nodes.size(); i++) {
                nodes.get(0).sync().clusterMeet("127.0.0.1", ports.get(i));
            }
            Await.until("cluster state ok", Duration.ofSeconds(30), () -> nodes.stream()
                    .allMatch(n -> n.sync().clusterInfo().contains("cluster_state:ok")));
        } finally {
            clients.forEach(RedisClient::shutdown);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
