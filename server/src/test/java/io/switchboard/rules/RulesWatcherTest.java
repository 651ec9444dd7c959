package io.switchboard.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher with a one-file "rules" folder and an apply step the test controls (the engine's is tested end to end). */
class RulesWatcherTest {
    @TempDir
    Path folder;
    private Vertx vertx;

    @BeforeEach
    void start() throws IOException {
        vertx = Vertx.vertx();
        Files.writeString(folder.resolve("rules.txt"), "v1");
    }

    @AfterEach
    void stop() {
        Await.result(vertx.close());
    }

    private RulesWatcher<String> watcher(java.util.function.Function<String, Future<?>> apply) {
        return new RulesWatcher<>(vertx, "test rules", folder, RulesWatcherTest::read, text -> text, apply);
    }

    private static String read(Path folder) {
        try {
            return Files.readString(folder.resolve("rules.txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aSetThatCannotBeAppliedIsReportedAndTriedAgain() throws IOException {
        List<String> applied = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger(1);
        RulesWatcher<String> watcher = watcher(text -> {
            if (!text.equals("v1") && failures.getAndDecrement() > 0) {
                return Future.failedFuture("Redis unreachable");
            }
            applied.add(text);
            return Future.succeededFuture();
        });
        Await.result(watcher.start(0));
        Files.writeString(folder.resolve("rules.txt"), "v2");

        Await.result(watcher.check().otherwiseEmpty());
        assertEquals(List.of("v1"), applied);
        assertEquals("not applied, previous ones stay active: Redis unreachable",
                watcher.status().getString("lastError"));
        assertEquals(1, watcher.status().getInteger("loads"));

        Await.result(watcher.check());
        assertEquals(List.of("v1", "v2"), applied, "the same files are applied at the next check");
        assertNull(watcher.status().getString("lastError"));
        assertEquals(2, watcher.status().getInteger("loads"));
    }

    @Test
    void aSlowApplyIsNotStartedAgainByTheNextTick() throws IOException {
        List<String> started = new CopyOnWriteArrayList<>();
        Promise<Void> slow = Promise.promise();
        RulesWatcher<String> watcher = watcher(text -> {
            started.add(text);
            return text.equals("v1") ? Future.succeededFuture() : slow.future();
        });
        Await.result(watcher.start(20));
        Files.writeString(folder.resolve("rules.txt"), "v2");

        Await.until("the edit is being applied", () -> started.size() == 2);
        Await.holds("no second apply while the first runs", Duration.ofMillis(300), () -> started.size() == 2);
        vertx.runOnContext(v -> slow.complete());
        Await.until("the edit is in force", () -> watcher.status().getInteger("loads") == 2);
        Await.holds("and applied once", Duration.ofMillis(200), () -> started.size() == 2);
        assertTrue(watcher.status().getString("lastError") == null);
        watcher.stop();
    }
}
