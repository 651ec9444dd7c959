package io.switchboard.routing;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Everything loaded from {@code routing-rules/}: queues and workflows, checked to refer to each other. */
public record RoutingRules(Map<String, QueueDefinition> queues, Map<String, Workflow> workflows, String defaultWorkflow) {

    public RoutingRules {
        queues = Map.copyOf(queues);
        workflows = Map.copyOf(workflows);
        if (!workflows.containsKey(defaultWorkflow)) {
            throw new IllegalArgumentException("no default workflow '" + defaultWorkflow + "'");
        }
        for (Workflow workflow : workflows.values()) {
            for (Filter filter : workflow.allFilters()) {
                for (Step step : filter.steps()) {
                    requireQueue(queues, step.queue(), "workflow '" + workflow.name() + "' filter '" + filter.name() + "'");
                }
            }
        }
        for (QueueDefinition queue : queues.values()) {
            if (queue.overflowQueue() != null) {
                requireQueue(queues, queue.overflowQueue(), "overflow of queue '" + queue.name() + "'");
            }
        }
    }

    private static void requireQueue(Map<String, QueueDefinition> queues, String name, String where) {
        if (!queues.containsKey(name)) {
            throw new IllegalArgumentException(where + " names unknown queue '" + name + "'");
        }
    }

    public Optional<QueueDefinition> queue(String name) {
        return Optional.ofNullable(queues.get(name));
    }

    public Workflow workflow(String name) {
        return name == null ? workflows.get(defaultWorkflow) : workflows.get(name);
    }

    /** Every shared pool the rules use: each step's, and each queue's plain pool (transfers, overflow). */
    public Map<String, Pool> pools() {
        Map<String, Pool> pools = new LinkedHashMap<>();
        for (QueueDefinition queue : queues.values()) {
            pools.put(queue.name(), Pool.of(queue.name(), null, Ordering.DEFAULT));
        }
        for (Workflow workflow : workflows.values()) {
            for (Filter filter : workflow.allFilters()) {
                for (Step step : filter.steps()) {
                    Pool pool = step.pool();
                    pools.putIfAbsent(pool.id(), pool);
                }
            }
        }
        return pools;
    }

    /**
     * All that agents' pool membership depends on: each pool's queue and narrowing, and its queue's members
     * and channels. Two rule sets with the same fingerprint put every agent in the same pools.
     */
    public String membershipFingerprint() {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(pools()).forEach((id, pool) -> {
            QueueDefinition queue = queues.get(pool.queue());
            out.append(id).append('|').append(pool.queue()).append('|')
                    .append(pool.agents() == null ? "" : pool.agents().source()).append('|')
                    .append(queue.members().source()).append('|')
                    .append(new TreeSet<>(queue.channels().stream().map(Channel::wireName).toList())).append('\n');
        });
        return Sha256.hex(out.toString());
    }

    /**
     * The pools an agent belongs to, per capacity channel: member of the pool's queue, passes the pool's
     * narrowing, and the queue serves that channel. The agent's own pool is on every channel.
     */
    public Map<Channel, Set<String>> poolsFor(Agent agent) {
        Map<Channel, Set<String>> byChannel = new EnumMap<>(Channel.class);
        QueueDefinition.ALL_CHANNELS.forEach(c -> byChannel.put(c, new LinkedHashSet<>()));
        Map<String, Object> variables = agent.expressionVariables();
        for (Pool pool : pools().values()) {
            QueueDefinition queue = queues.get(pool.queue());
            if (queue.admits(agent) && (pool.agents() == null || pool.agents().test(variables))) {
                queue.channels().forEach(c -> byChannel.get(c).add(pool.id()));
            }
        }
        byChannel.values().forEach(ids -> ids.add(Pool.directId(agent.id())));
        return byChannel;
    }
}
