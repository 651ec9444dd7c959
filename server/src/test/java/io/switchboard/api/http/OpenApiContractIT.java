package io.switchboard.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The contract served at {@code /api/v1/openapi.yaml} against the routes a node really serves: every endpoint is
 * documented, nothing documented is missing, and the file is strict YAML (a key given twice is an error that
 * lenient readers hide by keeping one of the two).
 */
@ExtendWith(TestRedis.class)
class OpenApiContractIT {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "patch", "delete");

    @Test
    void theContractDocumentsExactlyTheServedEndpoints(TestRedis redis) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).start()) {
            String text = node.api().as(null).get("/api/v1/openapi.yaml").expect(200).body();
            Map<?, ?> spec = (Map<?, ?>) new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build())
                    .loadFromString(text);
            assertEquals("3", String.valueOf(spec.get("openapi")).substring(0, 1));

            Set<String> documented = new TreeSet<>();
            ((Map<?, ?>) spec.get("paths")).forEach((path, item) -> ((Map<?, ?>) item).keySet().stream()
                    .map(String::valueOf).filter(METHODS::contains)
                    .forEach(method -> documented.add(method.toUpperCase() + " " + path)));
            Set<String> served = new TreeSet<>();
            node.server().endpoints().stream()
                    .map(e -> e.replaceAll(":(\\w+)", "{$1}"))
                    .filter(e -> e.contains(" /api/v1/") || e.contains(" /health/") || e.endsWith(" /metrics")
                            || e.endsWith(" /chat"))
                    .forEach(served::add);

            assertTrue(served.size() > 60, "the routes were read: " + served);
            assertEquals(Set.of(), difference(served, documented), "served but not in openapi.yaml");
            assertEquals(Set.of(), difference(documented, served), "in openapi.yaml but not served");
        }
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
