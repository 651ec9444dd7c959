package io.switchboard.store.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real redis-server process (the binary ships in a Maven artifact) on a free loopback port: the
 * zero-configuration default and the test fixture. With a data directory it keeps an append-only
 * file there, so a restarted server finds its interactions and timers again.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);

    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** @param dataDir null = memory only (tests) */
    public static EmbeddedRedis start(Path dataDir) {
        try {
            int port = freePort();
            var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("protected-mode yes")
                    .setting("maxmemory-policy noeviction");
            if (dataDir != null) {
                Files.createDirectories(dataDir);
                // the append-only file is rewritten when it has grown by 4x and 256 MB, without compressing
                // the snapshot it starts with: on a small box a rewrite forks a child that competes with
                // Redis and the server for the cores, and with Redis's defaults (2x, 64 MB, LZF) a busy
                // floor rewrote every few seconds (offer latency p99 doubled while a rewrite ran)
                builder.setting("dir " + dataDir.toAbsolutePath()).setting("appendonly yes")
                        .setting("appendfsync everysec")
                        .setting("auto-aof-rewrite-percentage 300").setting("auto-aof-rewrite-min-size 256mb")
                        .setting("rdbcompression no");
            } else {
                builder.setting("appendonly no");
            }
            // the library stops Redis when the JVM exits (a hook of its own); with SIGTERM rather than SIGKILL,
            // so Redis writes its append-only file out first. Main stops it in order before that on a signal.
            RedisServer server = builder.onShutdownForceStop(false).build();
            server.start();
            LOG.info("embedded Redis listening on 127.0.0.1:{}{}", port,
                    dataDir == null ? " (in memory)" : " (data in " + dataDir.toAbsolutePath() + ")");
            return new EmbeddedRedis(server, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Redis", e);
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            LOG.warn("embedded Redis did not stop cleanly: {}", e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
