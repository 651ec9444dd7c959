package io.switchboard.rules;

import io.switchboard.routing.RoutingRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads {@code routing-rules/} when its files change. Loading (file I/O, CEL compilation) runs on a
 * worker thread; a rejected set is logged with file and line and the previous rules stay in force.
 */
public final class RulesWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(RulesWatcher.class);

    private final Vertx vertx;
    private final Path directory;
    private final RulesLoader loader;
    private final Function<RoutingRules, Future<?>> apply;
    private volatile String fingerprint = "";
    private volatile String lastError;
    private volatile long loadedAt;
    private volatile int reloads;
    private long timerId = -1;

    public RulesWatcher(Vertx vertx, Path directory, RulesLoader loader, Function<RoutingRules, Future<?>> apply) {
        this.vertx = vertx;
        this.directory = directory;
        this.loader = loader;
        this.apply = apply;
    }

    /** The first load: failing it fails the boot. */
    public Future<Void> start(long intervalMillis) {
        return vertx.executeBlocking(() -> {
                    String print = fingerprint(directory);
                    return new Loaded(print, loader.load(directory));
                })
                .compose(loaded -> apply.apply(loaded.rules).map(v -> {
                    installed(loaded.fingerprint);
                    LOG.info("routing rules loaded from {}: {} queues, {} workflows", directory,
                            loaded.rules.queues().size(), loaded.rules.workflows().size());
                    return (Void) null;
                }))
                .onSuccess(v -> {
                    if (intervalMillis > 0) {
                        timerId = vertx.setPeriodic(intervalMillis, id -> check());
                    }
                });
    }

    public void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /** Checks for changed files now; completes when any new set is installed or rejected. */
    public Future<Void> check() {
        return vertx.executeBlocking(() -> {
            String print = fingerprint(directory);
            if (print.equals(fingerprint)) {
                return null;
            }
            try {
                return new Loaded(print, loader.load(directory));
            } catch (RuleFileException e) {
                if (!e.getMessage().equals(lastError)) {
                    LOG.error("routing rules rejected, previous rules stay active: {}", e.getMessage());
                }
                lastError = e.getMessage();
                return null;
            }
        }).compose(loaded -> {
            if (loaded == null) {
                return Future.succeededFuture();
            }
            return apply.apply(loaded.rules).map(v -> {
                installed(loaded.fingerprint);
                LOG.info("routing rules reloaded from {}", directory);
                return null;
            });
        });
    }

    private void installed(String print) {
        fingerprint = print;
        lastError = null;
        loadedAt = System.currentTimeMillis();
        reloads++;
    }

    public JsonObject status() {
        return new JsonObject().put("directory", directory.toString()).put("loadedAt", loadedAt)
                .put("loads", reloads).put("lastError", lastError);
    }

    /** A digest of every file's name and content: editing a file twice in one second still counts. */
    private static String fingerprint(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                digest.update(p.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(p));
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Loaded(String fingerprint, RoutingRules rules) {
    }
}
