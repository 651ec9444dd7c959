package io.switchboard.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import java.util.ArrayList;
import java.util.List;
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

            List<String> faults = new ArrayList<>();
            ((Map<?, ?>) ((Map<?, ?>) spec.get("components")).get("schemas"))
                    .forEach((name, schema) -> schema("#/components/schemas/" + name, schema, faults));
            walk("#", spec, faults);
            assertEquals(List.of(), faults, "schemas as OpenAPI 3.0 reads them");
        }
    }

    /** The keywords of an OpenAPI 3.0 schema object: any other key is a mistake (often a description cut at a comma). */
    private static final Set<String> SCHEMA_KEYWORDS = Set.of("type", "format", "description", "enum", "default",
            "nullable", "properties", "required", "items", "allOf", "oneOf", "anyOf", "not", "additionalProperties",
            "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems",
            "maxItems", "uniqueItems", "example", "readOnly", "writeOnly", "title", "$ref", "deprecated", "multipleOf",
            "minProperties", "maxProperties");

    /** Every schema in a request, response or parameter (under a "schema" key). */
    private static void walk(String at, Object node, List<String> faults) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if ("schema".equals(k)) {
                    schema(at + "/schema", v, faults);
                } else if (!"schemas".equals(k)) {
                    walk(at + "/" + k, v, faults);
                }
            });
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(at + "/" + i, list.get(i), faults);
            }
        }
    }

    private static void schema(String at, Object node, List<String> faults) {
        if (!(node instanceof Map<?, ?> schema)) {
            faults.add(at + " is not a schema object");
            return;
        }
        schema.forEach((k, v) -> {
            if (!SCHEMA_KEYWORDS.contains(String.valueOf(k))) {
                faults.add(at + ": '" + k + "' is not a schema keyword");
            } else if (v == null && !"default".equals(k) && !"example".equals(k)) {
                faults.add(at + ": '" + k + "' has no value");
            }
        });
        if (schema.containsKey("nullable") && !schema.containsKey("type")) {
            faults.add(at + ": nullable takes effect only beside a type (OpenAPI 3.0.3)");
        }
        if (schema.get("properties") instanceof Map<?, ?> properties) {
            properties.forEach((name, property) -> schema(at + "/properties/" + name, property, faults));
        }
        if (schema.get("items") != null) {
            schema(at + "/items", schema.get("items"), faults);
        }
        if (schema.get("additionalProperties") instanceof Map<?, ?> more) {
            schema(at + "/additionalProperties", more, faults);
        }
        for (String list : List.of("allOf", "oneOf", "anyOf")) {
            if (schema.get(list) instanceof List<?> parts) {
                for (int i = 0; i < parts.size(); i++) {
                    schema(at + "/" + list + "/" + i, parts.get(i), faults);
                }
            }
        }
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
