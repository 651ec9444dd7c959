package io.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Attribute updates are JSON merge patches (RFC 7396); the cases are the RFC's own examples where they apply. */
class AttributeValuesTest {

    @Test
    void aPatchSetsReplacesAndRemovesTopLevelAttributes() {
        Map<String, Object> attributes = Map.of("a", "b", "c", "d", "keep", 1);
        Map<String, Object> patch = new HashMap<>();
        patch.put("a", "z");
        patch.put("c", null);
        patch.put("new", 150);
        assertEquals(Map.of("a", "z", "keep", 1L, "new", 150L), AttributeValues.merge(attributes, patch));
        assertEquals(List.of("a", "c", "new").stream().sorted().toList(),
                AttributeValues.changed(attributes, patch).stream().sorted().toList());
    }

    @Test
    void objectsMergeAndOtherValuesReplace() {
        Map<String, Object> nested = new HashMap<>();
        nested.put("f", null);
        nested.put("g", "h");
        assertEquals(Map.of("e", Map.of("g", "h")),
                AttributeValues.merge(Map.of("e", Map.of("f", "x")), Map.of("e", nested)), "RFC 7396 A: nested");
        assertEquals(Map.of("a", List.of(1L)), AttributeValues.merge(Map.of("a", List.of("b")), Map.of("a", List.of(1))),
                "an array replaces");
        assertEquals(Map.of("a", Map.of("b", "c")), AttributeValues.merge(Map.of("a", "text"), Map.of("a", Map.of("b", "c"))),
                "an object replaces a non-object");
    }

    @Test
    void aPatchThatRepeatsTheValuesChangesNothing() {
        Map<String, Object> attributes = Map.of("language", "es", "amount", 150);
        assertEquals(List.of(), AttributeValues.changed(attributes, Map.of("language", "es", "amount", 150L)));
        Map<String, Object> absent = new HashMap<>();
        absent.put("missing", null);
        assertEquals(List.of(), AttributeValues.changed(attributes, absent), "removing what is not there");
    }
}
