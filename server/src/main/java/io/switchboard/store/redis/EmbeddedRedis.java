package io.switchboard.store.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
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

    /** Redis's own pid file in the data folder: how a node finds the Redis a killed node left running there. */
    private static final String PID_FILE = "redis.pid";
    private static final String LOCK_FILE = "switchboard.lock";

    private final RedisServer server;
    private final int port;
    private final FileChannel lock;

    private EmbeddedRedis(RedisServer server, int port, FileChannel lock) {
        this.server = server;
        this.port = port;
        this.lock = lock;
    }

    /** @param dataDir null = memory only (tests) */
    public static EmbeddedRedis start(Path dataDir) {
        FileChannel lock = null;
        try {
            if (dataDir != null) {
                Files.createDirectories(dataDir);
                lock = lock(dataDir);
                stopLeftOver(dataDir.resolve(PID_FILE));
            }
            int port = freePort();
            var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("protected-mode yes")
                    .setting("maxmemory-policy noeviction");
            if (dataDir != null) {
                // the append-only file is rewritten when it has grown by 4x and 256 MB, without compressing
                // the snapshot it starts with: on a small box a rewrite forks a child that competes with
                // Redis and the server for the cores, and with Redis's defaults (2x, 64 MB, LZF) a busy
                // floor rewrote every few seconds (offer latency p99 doubled while a rewrite ran)
                builder.setting("dir " + dataDir.toAbsolutePath()).setting("appendonly yes")
                        .setting("appendfsync everysec")
                        .setting("auto-aof-rewrite-percentage 300").setting("auto-aof-rewrite-min-size 256mb")
                        .setting("rdbcompression no")
                        .setting("pidfile " + dataDir.resolve(PID_FILE).toAbsolutePath());
            } else {
                builder.setting("appendonly no");
            }
            // the library stops Redis when the JVM exits (a hook of its own); with SIGTERM rather than SIGKILL,
            // so Redis writes its append-only file out first. Main stops it in order before that on a signal.
            RedisServer server = builder.onShutdownForceStop(false).build();
            server.start();
            LOG.info("embedded Redis listening on 127.0.0.1:{}{}", port,
                    dataDir == null ? " (in memory)" : " (data in " + dataDir.toAbsolutePath() + ")");
            return new EmbeddedRedis(server, port, lock);
        } catch (IOException | RuntimeException e) {
            release(lock);
            throw e instanceof IOException io ? new UncheckedIOException("cannot start embedded Redis", io)
                    : (RuntimeException) e;
        }
    }

    /**
     * The data folder is this node's while it runs: a second node started on it would run a second Redis writing the
     * same append-only file. The operating system drops the lock with the process, however it ends.
     */
    private static FileChannel lock(Path dataDir) throws IOException {
        FileChannel channel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (OverlappingFileLockException e) {
            // this process has it already (a second embedded Redis in one JVM)
        }
        channel.close();
        throw new IllegalStateException("the data folder " + dataDir.toAbsolutePath() + " is in use by another running"
                + " node: give each node its own SWITCHBOARD_DATA_DIR, or point the nodes at one Redis (REDIS_URL)");
    }

    /**
     * A node killed outright (SIGKILL, the OOM killer) leaves its embedded Redis running, with no node to stop it and
     * on the data this node is about to open. Holding the folder's lock, this node knows that node is gone: its Redis
     * is stopped (SIGTERM, so it writes its append-only file out first) before a new one starts on the same data.
     */
    private static void stopLeftOver(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (NumberFormatException e) {
            return;
        }
        Path folder = pidFile.getParent().toRealPath();
        // a pid file left by a crash may name a pid reused since: only a redis-server working in this very folder
        // (Redis changes to its data folder) is the left-over one, never another node's Redis on a folder of its own
        java.util.Optional<ProcessHandle> left = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
                .filter(p -> folder.equals(workingFolder(p.pid())));
        if (left.isEmpty()) {
            return;
        }
        LOG.warn("stopping the embedded Redis (pid {}) that a node killed without stopping it left running on this data",
                pid);
        // read while it runs: a process gone has no command line to read
        java.util.Optional<Path> binaryFolder = left.get().info().command().map(Path::of).map(Path::getParent);
        left.get().destroy();
        try {
            left.get().onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            left.get().destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the left-over Redis stopped", e);
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.debug("left-over Redis: {}", e.getMessage());
        }
        binaryFolder.ifPresent(EmbeddedRedis::removeExtracted);
    }

    /**
     * The folder the library extracted that Redis's binary into (a temporary "redis-<n>"), which its node, killed,
     * never removed: a crash loop would fill /tmp with them.
     */
    private static void removeExtracted(Path folder) {
        if (folder == null || folder.getFileName() == null || !folder.getFileName().toString().matches("redis-\\d+")
                || !folder.startsWith(Path.of(System.getProperty("java.io.tmpdir")))) { // never an installed Redis's
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            LOG.debug("left-over Redis binary folder {}: {}", folder, e.getMessage());
        }
    }

    /** A process's working folder (Linux /proc), or null where it cannot be read. */
    private static Path workingFolder(long pid) {
        try {
            return Path.of("/proc", Long.toString(pid), "cwd").toRealPath();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static void release(FileChannel lock) {
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException e) {
                LOG.debug("data folder lock: {}", e.getMessage());
            }
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
        } finally {
            release(lock);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
