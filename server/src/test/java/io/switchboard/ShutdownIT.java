package io.switchboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Repo;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployable as an operator runs it ({@code java -jar server/target/switchboard.jar}, embedded Redis):
 * SIGTERM (docker stop, systemctl stop) stops it in order and soon, leaves no redis-server behind, and what
 * it had accepted is there when it starts again on the same data.
 */
class ShutdownIT {
    private static final Pattern READY = Pattern.compile("switchboard ready http=(\\d+) .* redis=redis://127\\.0\\.0\\.1:(\\d+)");
    private static final String ADMIN = "shutdown-it-admin-key";

    @Test
    void sigtermStopsTheServerAndItsRedisSoonAndKeepsWhatItAccepted(@TempDir Path data) throws Exception {
        Node first = Node.start(data);
        Api admin = new Api("http://127.0.0.1:" + first.httpPort, ADMIN);
        Agents.create(admin, "kept", new JsonObject().put("billing", 7));

        first.process.destroy(); // SIGTERM
        assertTrue(first.process.waitFor(15, TimeUnit.SECONDS), "the server was still running 15 s after SIGTERM");
        assertEquals(143, first.process.exitValue(), "the exit status of a process ended by SIGTERM");
        assertTrue(first.output.stream().noneMatch(line -> line.contains("did not stop in order")),
                "every step stopped in order, none was cut short: " + first.output);
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", first.redisPort).close(),
                "the embedded Redis stopped with the server");

        Node second = Node.start(data);
        try {
            JsonObject kept = new Api("http://127.0.0.1:" + second.httpPort, ADMIN).get("/api/v1/agents/kept")
                    .expect(200).json();
            assertEquals(7, kept.getJsonObject("skills").getInteger("billing"));
        } finally {
            second.process.destroy();
            assertTrue(second.process.waitFor(15, TimeUnit.SECONDS));
        }
        assertFalse(second.process.isAlive());
    }

    /**
     * SIGKILL (the OOM killer) leaves the embedded Redis running with no node to stop it: the next node on the data
     * stops it first, its data written out, rather than start a second Redis on the same append-only file; and a node
     * started on a data folder a running node has is refused.
     */
    @Test
    void aNodeKilledOutrightLeavesNoSecondRedisOnItsData(@TempDir Path data) throws Exception {
        Node killed = Node.start(data);
        Agents.create(new Api("http://127.0.0.1:" + killed.httpPort, ADMIN), "kept", new JsonObject().put("billing", 7));
        killed.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(killed.process.waitFor(15, TimeUnit.SECONDS));
        long leftPid = Long.parseLong(Files.readString(data.resolve("redis.pid")).strip());
        ProcessHandle left = ProcessHandle.of(leftPid).orElseThrow();
        assertTrue(left.isAlive(), "the killed node's Redis runs on");
        Path extracted = Path.of(left.info().command().orElseThrow()).getParent();

        Node next = Node.start(data);
        try {
            assertFalse(left.isAlive(), "stopped by the next node on the data");
            assertFalse(Files.exists(extracted), "and the folder its binary was extracted to removed: " + extracted);
            assertEquals(7, new Api("http://127.0.0.1:" + next.httpPort, ADMIN).get("/api/v1/agents/kept").expect(200)
                    .json().getJsonObject("skills").getInteger("billing"));
            Exception refused = assertThrows(java.util.concurrent.ExecutionException.class, () -> Node.start(data));
            assertTrue(refused.getCause().getMessage().contains("is in use by another running node"),
                    refused.getCause().getMessage());
        } finally {
            next.process.destroy();
            assertTrue(next.process.waitFor(15, TimeUnit.SECONDS));
        }
    }

    private record Node(Process process, int httpPort, int redisPort, List<String> output) {
        static Node start(Path data) throws Exception {
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder builder = new ProcessBuilder(List.of(java, "-jar",
                    Repo.root().resolve("server/target/switchboard.jar").toString()))
                    .directory(Repo.root().toFile()).redirectErrorStream(true);
            builder.environment().keySet().removeIf(name -> name.startsWith("SWITCHBOARD_") || name.equals("REDIS_URL"));
            builder.environment().putAll(Map.of("SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_AGI_PORT", "0",
                    "SWITCHBOARD_SMTP_PORT", "0", "SWITCHBOARD_ADMIN_KEY", ADMIN,
                    "SWITCHBOARD_DATA_DIR", data.toString()));
            Process process = builder.start();
            CompletableFuture<Matcher> ready = new CompletableFuture<>();
            List<String> output = new CopyOnWriteArrayList<>();
            Thread.ofPlatform().daemon().start(() -> read(process, ready, output));
            try {
                Matcher m = ready.get(60, TimeUnit.SECONDS);
                return new Node(process, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), output);
            } catch (Exception e) {
                process.destroyForcibly();
                throw e;
            }
        }

        /** Finds the ready line and keeps every line, reading to the end so the process never blocks on a full pipe. */
        private static void read(Process process, CompletableFuture<Matcher> ready, List<String> output) {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    output.add(line);
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        ready.complete(m);
                    }
                }
                ready.completeExceptionally(new IllegalStateException("the server exited before it was ready: "
                        + output));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }
    }
}
