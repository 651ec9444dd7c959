package io.switchboard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Rule folders written by tests. */
public final class Rules {
    private Rules() {
    }

    /** A folder holding one rules file with this YAML. */
    public static Path folder(Path tempDir, String yaml) {
        try {
            Path dir = Files.createDirectories(tempDir.resolve("rules"));
            Files.writeString(dir.resolve("rules.yaml"), yaml);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Two queues, a Spanish filter with a narrow first step, and preferred-agent routing. */
    public static final String SMALL = """
            queues:
              support:
                members: '"support" in agent.skills'
                wrapUpSeconds: 0
              spanish:
                members: '"spanish" in agent.skills'
                wrapUpSeconds: 0
            workflow: default
            preferredAgent:
              attribute: preferredAgentId
              timeoutSeconds: 10
            filters:
              - name: spanish
                match: 'attributes.language == "es"'
                steps:
                  - queue: spanish
                    agents: 'agent.skills.spanish >= 8'
                    timeoutSeconds: 30
                  - queue: spanish
            default:
              steps:
                - queue: support
            """;
}
