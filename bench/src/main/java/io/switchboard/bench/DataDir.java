package io.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A benchmark node's data directory (its embedded Redis's append-only file), deleted when the node stops: a routing
 * run leaves hundreds of megabytes of AOF, and a few dozen runs left behind filled tens of gigabytes.
 */
final class DataDir implements AutoCloseable {
    final Path path;

    DataDir(String name) {
        try {
            path = Files.createTempDirectory("switchboard-bench-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> tree = Files.walk(path)) {
            tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + path + ": " + e.getMessage());
        }
    }
}
