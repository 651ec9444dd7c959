package io.switchboard.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML node that remembers its file and line, so every error about a rule or config value can say
 * where it is. Reading goes through typed accessors that fail with {@link RuleFileException}.
 */
public final class YamlNode {
    private final String file;
    private final Node node;

    private YamlNode(String file, Node node) {
        this.file = file;
        this.node = node;
    }

    public static YamlNode parse(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new RuleFileException(path.toString(), 0, "cannot read: " + e.getMessage());
        }
        return parse(path.toString(), text);
    }

    public static YamlNode parse(String file, String text) {
        try {
            Optional<Node> root = new Compose(LoadSettings.builder().setLabel(file).build()).composeString(text);
            return new YamlNode(file, root.orElse(null));
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            throw new RuleFileException(file, line, "invalid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new RuleFileException(file, 0, "invalid YAML: " + e.getMessage());
        }
    }

    public boolean isEmpty() {
        return node == null;
    }

    public int line() {
        return node == null ? 0 : node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    public String file() {
        return file;
    }

    public RuleFileException error(String reason) {
        return new RuleFileException(file, line(), reason);
    }

    /**
     * Entries of a mapping in file order. A key written twice is refused: YAML leaves it undefined, and keeping the
     * last one silently dropped the first (a second {@code http:} section took the port of the first with it).
     */
    public Map<String, YamlNode> entries() {
        if (!(node instanceof MappingNode mapping)) {
            throw error("expected a mapping (key: value)");
        }
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        Map<String, Integer> keyLines = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            YamlNode key = new YamlNode(file, tuple.getKeyNode());
            Integer first = keyLines.putIfAbsent(key.text(), key.line());
            if (first != null) {
                throw key.error("'" + key.text() + "' is written twice in this mapping (first at line " + first + ")");
            }
            entries.put(key.text(), new YamlNode(file, tuple.getValueNode()));
        }
        return entries;
    }

    public List<YamlNode> items() {
        if (!(node instanceof SequenceNode sequence)) {
            throw error("expected a list");
        }
        List<YamlNode> items = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            items.add(new YamlNode(file, item));
        }
        return items;
    }

    /** A YAML null written out ({@code null}, {@code ~}); an empty value stays the empty text it always was. */
    public boolean isNull() {
        return node instanceof ScalarNode scalar && scalar.isPlain()
                && java.util.Set.of("null", "Null", "NULL", "~").contains(scalar.getValue());
    }

    public String text() {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("expected a single value");
        }
        return scalar.getValue();
    }

    /** The value with its YAML type: true/false, a whole number, a decimal, else text ("true" in quotes is text). */
    public Object scalar() {
        String text = text();
        Tag tag = node.getTag();
        try {
            if (Tag.BOOL.equals(tag)) {
                return Boolean.parseBoolean(text.trim());
            }
            if (Tag.INT.equals(tag)) {
                return Long.parseLong(text.trim());
            }
            if (Tag.FLOAT.equals(tag)) {
                return Double.parseDouble(text.trim());
            }
        } catch (NumberFormatException e) {
            return text; // 0x1F, 1_000 and the like: kept as written
        }
        return text;
    }

    public long integer(long min, long max) {
        String text = text().trim();
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw error("expected a whole number, was '" + text + "'");
        }
        if (value < min || value > max) {
            throw error("must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    public double decimal(double min, double max) {
        String text = text().trim();
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw error("expected a number, was '" + text + "'");
        }
        if (value < min || value > max || Double.isNaN(value)) {
            throw error("must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    public boolean bool() {
        return switch (text().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error("expected true or false, was '" + text() + "'");
        };
    }

    /** Fails on keys the reader does not know: a typo in a rule file must not be silently ignored. */
    public Map<String, YamlNode> entries(String... allowedKeys) {
        Map<String, YamlNode> entries = entries();
        List<String> allowed = List.of(allowedKeys);
        for (Map.Entry<String, YamlNode> entry : entries.entrySet()) {
            if (!allowed.contains(entry.getKey())) {
                throw entry.getValue().error("unknown key '" + entry.getKey() + "' (expected one of " + allowed + ")");
            }
        }
        return entries;
    }
}
