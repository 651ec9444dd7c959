package io.switchboard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server as it is deployed: {@code java -jar server/target/switchboard.jar} in its own process, with its
 * embedded Redis, on free ports. The load generator then shares the cores with the server but not its heap:
 * the server's garbage collector handles only the server's garbage.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("switchboard ready http=(\\d+)");

    final int port;
    private final Process process;
    private final DataDir data;

    private ServerProcess(Process process, int port, DataDir data) {
        this.process = process;
        this.port = port;
        this.data = data;
    }

    static ServerProcess start(String name) throws Exception {
        Path root = Path.of(System.getProperty("switchboard.repoRoot", "..")).toAbsolutePath().normalize();
        // -Dbench.serverJar=/tmp/a.jar runs another build's server, to compare two builds alternating in one window
        Path jar = root.resolve(System.getProperty("bench.serverJar", "server/target/switchboard.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./mvnw -q -DskipTests package)");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString()));
        // -Dbench.serverJvmArgs="-Xlog:gc:file=/tmp/server-gc.log ..." to look inside the server's JVM
        String extra = System.getProperty("bench.serverJvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root.toFile()).redirectErrorStream(true);
        DataDir data = new DataDir(name);
        builder.environment().putAll(Map.of("SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_AGI_PORT", "0",
                "SWITCHBOARD_SMTP_PORT", "0", "SWITCHBOARD_ADMIN_KEY", BenchNode.ADMIN,
                "SWITCHBOARD_DATA_DIR", data.path.toString()));
        Process process = builder.start();
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("server-output-" + name).start(() -> drain(process, ready));
        try {
            return new ServerProcess(process, ready.get(60, TimeUnit.SECONDS), data);
        } catch (Exception e) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            data.close();
            throw e;
        }
    }

    /** Reads the server's output to the end (so it never blocks on a full pipe) and finds its ready line. */
    private static void drain(Process process, CompletableFuture<Integer> ready) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                Matcher matcher = READY.matcher(line);
                if (matcher.find()) {
                    ready.complete(Integer.parseInt(matcher.group(1)));
                } else if (line.contains("ERROR") || line.contains("Exception")) {
                    System.err.println("server: " + line);
                }
            }
            ready.completeExceptionally(new IllegalStateException("server exited before it was ready"));
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        data.close();
    }
}
