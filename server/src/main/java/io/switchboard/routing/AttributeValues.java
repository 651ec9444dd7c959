package io.switchboard.routing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Attribute values as routing expressions see them: text, booleans, whole numbers as {@code long},
 * other numbers as {@code double}, lists and maps of those. A JSON parser gives {@code 150} as an
 * {@code Integer}, which CEL does not compare with its own integers: {@code attributes.amount >= 100}
 * would quietly never match. A null value is left out: the attribute is absent.
 */
public final class AttributeValues {
    private AttributeValues() {
    }

    /** An unmodifiable, normalized deep copy. */
    public static Map<String, Object> of(Map<String, ?> attributes) {
        if (attributes == null || attributes.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        attributes.forEach((name, value) -> {
            if (value != null) {
                copy.put(name, value(value));
            }
        });
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Applies a JSON merge patch (RFC 7396) to attributes: a null removes the attribute, an object merges into an
     * object attribute, any other value replaces. Returns the normalized result.
     */
    public static Map<String, Object> merge(Map<String, ?> attributes, Map<String, ?> patch) {
        return of(merged(attributes, patch));
    }

    /** The top-level attributes the patch changes (sets to another value, or removes), in the patch's order. */
    public static List<String> changed(Map<String, ?> attributes, Map<String, ?> patch) {
        Map<String, Object> before = of(attributes);
        Map<String, Object> after = merge(attributes, patch);
        return patch.keySet().stream().filter(name -> !Objects.equals(before.get(name), after.get(name))).toList();
    }

    private static Map<String, Object> merged(Map<String, ?> target, Map<?, ?> patch) {
        Map<String, Object> result = new LinkedHashMap<>(target == null ? Map.of() : target);
        patch.forEach((k, v) -> {
            String name = String.valueOf(k);
            if (v == null) {
                result.remove(name);
            } else if (v instanceof Map<?, ?> inner) {
                result.put(name, merged(result.get(name) instanceof Map<?, ?> m ? stringKeys(m) : Map.of(), inner));
            } else {
                result.put(name, v);
            }
        });
        return result;
    }

    private static Object value(Object value) {
        return switch (value) {
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case Float f -> f.doubleValue();
            case BigDecimal d -> d.doubleValue();
            case BigInteger i -> i.bitLength() < 64 ? (Object) i.longValue() : (Object) i.doubleValue();
            case Map<?, ?> map -> of(stringKeys(map));
            case List<?> list -> list.stream().filter(v -> v != null).map(AttributeValues::value).toList();
            default -> value;
        };
    }

    private static Map<String, ?> stringKeys(Map<?, ?> map) {
        Map<String, Object> named = new LinkedHashMap<>();
        map.forEach((k, v) -> named.put(String.valueOf(k), v));
        return named;
    }
}
