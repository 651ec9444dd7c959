package io.switchboard.testing;

import java.nio.file.Path;

/** Where the repository's config/ and routing-rules/ are. */
public final class Repo {
    private Repo() {
    }

    public static Path root() {
        return Path.of(System.getProperty("switchboard.repoRoot", "..")).toAbsolutePath().normalize();
    }
}
