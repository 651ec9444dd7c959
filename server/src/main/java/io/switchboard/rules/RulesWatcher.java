package io.switchboard.rules;

import io.switchboard.routing.RoutingRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a rules folder ({@code routing-rules/}) or file ({@code sla.yaml}) when it changes. Loading
 * (file I/O, CEL compilation) runs on a worker thread; a rejected set is logged with file and line and
 * the previous set stays in force.
 *
 * @param <T> what the files load into
 */
public final class RulesWatcher<T> {
    private static final Logger LOG = LoggerFactory.getLogger(RulesWatcher.class);

    private final Vertx vertx;
    private final String what;
    private final Path directory;
    private final Function<Path, T> loader;
    private final Function<T, String> summary;
    private final Function<T, Future<?>> apply;
    private volatile String fingerprint = "";
    private volatile String lastError;
    private volatile long loadedAt;
    private volatile int reloads;
    private long timerId = -1;
    private final java.util.concurrent.atomic.AtomicBoolean checking = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param what the rules' name in logs ("routing rules")
     * @param path a folder (every file in it counts) or one file (absent counts as a version too)
     * @param loader reads the path; throws {@link RuleFileException} with file:line on a bad file
     * @param summary one line for the log of a successful load
     */
    public RulesWatcher(Vertx vertx, String what, Path path, Function<Path, T> loader, Function<T, String> summary,
                        Function<T, Future<?>> apply) {
        this.vertx = vertx;
        this.what = what;
        this.directory = path;
        this.loader = loader;
        this.summary = summary;
        this.apply = apply;
    }

    /** The routing rules folder. */
    public static RulesWatcher<RoutingRules> routing(Vertx vertx, Path directory, RulesLoader loader,
                                                     Function<RoutingRules, Future<?>> apply) {
        return new RulesWatcher<>(vertx, "routing rules", directory, loader::load,
                rules -> rules.queues().size() + " queues, " + rules.workflows().size() + " workflows", apply);
    }

    /** The first load: failing it fails the boot. */
    public Future<Void> start(long intervalMillis) {
        return vertx.executeBlocking(() -> {
                    String print = fingerprint(directory);
                    return new Loaded<>(print, loader.apply(directory));
                })
                .compose(loaded -> apply.apply(loaded.rules).map(v -> {
                    installed(loaded.fingerprint);
                    LOG.info("{} loaded from {}: {}", what, directory, summary.apply(loaded.rules));
                    return (Void) null;
                }))
                .onSuccess(v -> {
                    if (intervalMillis > 0) {
                        timerId = vertx.setPeriodic(intervalMillis, id -> tick());
                    }
                });
    }

    public void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    /**
     * One check at a time: applying rules to a large floor (an agent re-indexed per command) can outlast the interval,
     * and a second apply of the same set meanwhile would re-index every agent again.
     */
    private void tick() {
        if (checking.compareAndSet(false, true)) {
            check().onComplete(done -> checking.set(false));
        }
    }

    /**
     * Checks for changed files now; completes when any new set is installed or rejected. A set that loaded but could not
     * be applied (Redis unreachable) is reported in {@link #status()} and tried again at the next check.
     */
    public Future<Void> check() {
        return vertx.executeBlocking(() -> {
            String print = fingerprint(directory);
            if (print.equals(fingerprint)) {
                if (lastError != null) { // the bad edit was undone: the files are the ones in force again
                    LOG.info("{} in {} are back to the ones in force", what, directory);
                    lastError = null;
                }
                return null;
            }
            try {
                return new Loaded<>(print, loader.apply(directory));
            } catch (RuleFileException e) {
                if (!e.getMessage().equals(lastError)) {
                    LOG.error("{} rejected, previous ones stay active: {}", what, e.getMessage());
                }
                lastError = e.getMessage();
                return null;
            }
        }).compose(loaded -> {
            if (loaded == null) {
                return Future.succeededFuture();
            }
            return apply.apply(loaded.rules).<Void>map(v -> {
                installed(loaded.fingerprint);
                LOG.info("{} reloaded from {}: {}", what, directory, summary.apply(loaded.rules));
                return null;
            }).onFailure(e -> {
                String error = "not applied, previous ones stay active: " + e.getMessage();
                if (!error.equals(lastError)) {
                    LOG.error("{} in {} {}", what, directory, error);
                }
                lastError = error;
                // part of it may be in force (an apply is several steps): the next check applies whatever the files
                // hold then, even if they are back to the set that was in force before
                fingerprint = "";
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
        if (!Files.isDirectory(directory)) {
            return Files.exists(directory) ? digest(List.of(directory)) : "absent";
        }
        try (Stream<Path> files = Files.list(directory)) {
            return digest(files.filter(Files::isRegularFile).sorted().toList());
        }
    }

    private static String digest(List<Path> paths) throws IOException {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            for (Path p : paths) {
                digest.update(p.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(p));
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Loaded<T>(String fingerprint, T rules) {
    }
}
