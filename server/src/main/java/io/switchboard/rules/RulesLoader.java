package io.switchboard.rules;

import io.switchboard.routing.Channel;
import java.util.EnumSet;
import java.util.Set;
import io.switchboard.routing.Condition;
import io.switchboard.routing.Filter;
import io.switchboard.routing.Ordering;
import io.switchboard.routing.QueueDefinition;
import io.switchboard.routing.RoutingRules;
import io.switchboard.routing.ServiceLevelFormula;
import io.switchboard.routing.Step;
import io.switchboard.routing.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Reads {@code routing-rules/*.yaml}. A file may hold {@code queues:} and/or one workflow
 * ({@code workflow: <name>}, {@code filters:}, {@code default:}). Any error rejects the whole set with
 * the file and line at fault, so the rules in force are always a consistent set.
 */
public final class RulesLoader {
    private static final long MAX_SECONDS = 7 * 24 * 3600;

    private final CelConditions cel = new CelConditions();
    private final String defaultWorkflow;
    private final Supplier<Set<String>> calendars;

    /** @param calendars the names of the business calendars in force, which a queue's {@code hours} may name */
    public RulesLoader(String defaultWorkflow, Supplier<Set<String>> calendars) {
        this.defaultWorkflow = defaultWorkflow;
        this.calendars = calendars;
    }

    public RoutingRules load(Path directory) {
        List<Path> files = ruleFiles(directory);
        Map<String, QueueDefinition> queues = new LinkedHashMap<>();
        Map<String, Workflow> workflows = new LinkedHashMap<>();
        // each queue a step or an overflow names, with where: checked once every file is read (queues may come later)
        List<Map.Entry<String, YamlNode>> named = new ArrayList<>();
        for (Path file : files) {
            YamlNode root = YamlNode.parse(file);
            if (root.isEmpty()) {
                continue;
            }
            Map<String, YamlNode> top = root.entries("queues", "workflow", "preferredAgent", "filters", "default");
            if (top.containsKey("queues")) {
                readQueues(top.get("queues"), queues, named);
            }
            if (top.containsKey("workflow")) {
                Workflow workflow = readWorkflow(top, named);
                if (workflows.putIfAbsent(workflow.name(), workflow) != null) {
                    throw top.get("workflow").error("workflow '" + workflow.name() + "' is defined twice");
                }
            } else if (top.containsKey("filters") || top.containsKey("default")) {
                throw root.error("filters need a 'workflow: <name>' in the same file");
            }
        }
        for (Map.Entry<String, YamlNode> queue : named) {
            if (!queues.containsKey(queue.getKey())) {
                throw queue.getValue().error("unknown queue '" + queue.getKey() + "' (the queues are "
                        + queues.keySet() + ")");
            }
        }
        if (!workflows.containsKey(defaultWorkflow)) {
            throw new RuleFileException(directory.toString(), 0, "no workflow named '" + defaultWorkflow
                    + "' (routing.defaultWorkflow, the default workflow) in " + files.size() + " rule files");
        }
        try {
            return new RoutingRules(queues, workflows, defaultWorkflow);
        } catch (IllegalArgumentException e) {
            throw new RuleFileException(directory.toString(), 0, e.getMessage());
        }
    }

    private static List<Path> ruleFiles(Path directory) {
        try (Stream<Path> list = Files.list(directory)) {
            return list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new RuleFileException(directory.toString(), 0, "cannot list rule files: " + e.getMessage());
        }
    }

    private void readQueues(YamlNode node, Map<String, QueueDefinition> queues, List<Map.Entry<String, YamlNode>> named) {
        for (Map.Entry<String, YamlNode> entry : node.entries().entrySet()) {
            Map<String, YamlNode> q = entry.getValue().entries("members", "serviceLevelSeconds", "maxWaitSeconds",
                    "overflow", "wrapUpSeconds", "serviceLevelTarget", "serviceLevelFormula", "shortAbandonSeconds",
                    "channels", "offerTimeoutSeconds", "hours");
            try {
                QueueDefinition queue = new QueueDefinition(entry.getKey(),
                        q.containsKey("members") ? cel.agent(q.get("members")) : Condition.ALWAYS,
                        seconds(q.get("serviceLevelSeconds")),
                        waitSeconds(q.get("maxWaitSeconds")),
                        q.containsKey("overflow") ? named(q.get("overflow"), named) : null,
                        seconds(q.get("wrapUpSeconds")),
                        q.containsKey("serviceLevelTarget") ? q.get("serviceLevelTarget").decimal(0.01, 1)
                                : QueueDefinition.DEFAULT_SERVICE_LEVEL_TARGET,
                        q.containsKey("serviceLevelFormula")
                                ? ServiceLevelFormula.parse(q.get("serviceLevelFormula").text()) : null,
                        seconds(q.get("shortAbandonSeconds")),
                        q.containsKey("channels") ? channels(q.get("channels")) : null,
                        q.containsKey("offerTimeoutSeconds")
                                ? Duration.ofSeconds(q.get("offerTimeoutSeconds").integer(1, 3_600)) : null,
                        q.containsKey("hours") ? calendar(q.get("hours")) : null);
                if (queues.putIfAbsent(queue.name(), queue) != null) {
                    throw entry.getValue().error("queue '" + queue.name() + "' is defined twice");
                }
            } catch (IllegalArgumentException e) {
                throw entry.getValue().error(e.getMessage());
            }
        }
    }

    private String calendar(YamlNode node) {
        String name = node.text();
        Set<String> known = calendars.get();
        if (!known.contains(name)) {
            throw node.error("hours: no calendar '" + name + "' in the SLA file's calendars: (sla.file)"
                    + (known.isEmpty() ? ", which defines none" : "; it defines " + String.join(", ", new java.util.TreeSet<>(known))));
        }
        return name;
    }

    private static Set<Channel> channels(YamlNode node) {
        Set<Channel> channels = EnumSet.noneOf(Channel.class);
        for (YamlNode item : node.items()) {
            try {
                channels.add(Channel.parse(item.text()));
            } catch (IllegalArgumentException e) {
                throw item.error(e.getMessage());
            }
        }
        if (channels.isEmpty()) {
            throw node.error("channels: list at least one of voice, chat, email");
        }
        return channels;
    }

    /** A queue's name where the rules name one, noted with its place for the check once every file is read. */
    private static String named(YamlNode node, List<Map.Entry<String, YamlNode>> named) {
        named.add(Map.entry(node.text(), node));
        return node.text();
    }

    private Workflow readWorkflow(Map<String, YamlNode> top, List<Map.Entry<String, YamlNode>> named) {
        String name = top.get("workflow").text();
        List<Filter> filters = new ArrayList<>();
        if (top.containsKey("filters")) {
            for (YamlNode item : top.get("filters").items()) {
                Map<String, YamlNode> f = item.entries("name", "match", "steps");
                if (!f.containsKey("match")) {
                    throw item.error("filter needs 'match: <expression>'");
                }
                String filterName = f.containsKey("name") ? f.get("name").text() : "filter-" + (filters.size() + 1);
                if (f.containsKey("name") && (filterName.equals("default")
                        || filters.stream().anyMatch(other -> other.name().equals(filterName)))) { // explain names it
                    throw item.error("filter '" + filterName + "' is defined twice in workflow '" + name + "'"
                            + (filterName.equals("default") ? " ('default' is the default filter's name)" : ""));
                }
                filters.add(new Filter(filterName, cel.interaction(f.get("match")), steps(item, f.get("steps"), named)));
            }
        }
        if (!top.containsKey("default")) {
            throw top.get("workflow").error("workflow '" + name + "' needs a 'default:' filter with steps");
        }
        Map<String, YamlNode> d = top.get("default").entries("steps");
        Filter defaultFilter = new Filter("default", Condition.ALWAYS, steps(top.get("default"), d.get("steps"), named));
        String preferredAttribute = null;
        Duration preferredTimeout = null;
        Step.SkipIf preferredSkip = null;
        if (top.containsKey("preferredAgent")) {
            Map<String, YamlNode> p = top.get("preferredAgent").entries("attribute", "timeoutSeconds", "skipIf");
            if (!p.containsKey("attribute")) {
                throw top.get("preferredAgent").error("preferredAgent needs 'attribute'");
            }
            preferredAttribute = p.get("attribute").text();
            preferredTimeout = p.containsKey("timeoutSeconds") ? waitSeconds(p.get("timeoutSeconds"))
                    : Duration.ofSeconds(20);
            preferredSkip = skipIf(p.get("skipIf"));
        }
        return new Workflow(name, filters, defaultFilter, preferredAttribute, preferredTimeout, preferredSkip);
    }

    private List<Step> steps(YamlNode owner, YamlNode node, List<Map.Entry<String, YamlNode>> named) {
        if (node == null) {
            throw owner.error("a filter needs 'steps:'");
        }
        List<Step> steps = new ArrayList<>();
        for (YamlNode item : node.items()) {
            Map<String, YamlNode> s = item.entries("queue", "agents", "priority", "timeoutSeconds", "order", "skipIf");
            if (!s.containsKey("queue")) {
                throw item.error("a step needs 'queue'");
            }
            try {
                steps.add(new Step(named(s.get("queue"), named),
                        s.containsKey("agents") ? cel.agent(s.get("agents")) : null,
                        s.containsKey("priority") ? (int) s.get("priority").integer(-1000, 1000) : 0,
                        waitSeconds(s.get("timeoutSeconds")),
                        s.containsKey("order") ? Ordering.parse(s.get("order").text()) : Ordering.DEFAULT,
                        skipIf(s.get("skipIf"))));
            } catch (IllegalArgumentException e) {
                throw item.error(e.getMessage());
            }
        }
        if (steps.isEmpty()) {
            throw node.error("steps must not be empty");
        }
        return steps;
    }

    private static Step.SkipIf skipIf(YamlNode node) {
        if (node == null) {
            return null;
        }
        try {
            return Step.SkipIf.parse(node.text());
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    private static Duration seconds(YamlNode node) {
        return node == null ? null : Duration.ofSeconds(node.integer(0, MAX_SECONDS));
    }

    /**
     * A wait before something happens (a step's timeout, a queue's max wait): at least a second. 0 read as one second
     * for a step and as "never" for a max wait; leaving the key out is how to say "wait here".
     */
    private static Duration waitSeconds(YamlNode node) {
        return node == null ? null : Duration.ofSeconds(node.integer(1, MAX_SECONDS));
    }
}
