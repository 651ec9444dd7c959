package io.switchboard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.Channel;
import io.switchboard.routing.QueueDefinition;
import io.switchboard.routing.RoutingRules;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the floor costs, so PromQL computes cost per contact without per-agent labels:
 * {@code (sum(increase(switchboard_agent_cost_total)) + sum(increase(switchboard_channel_cost_total)))
 * / sum(increase(switchboard_contacts_handled_total))}. Agent cost follows the per-team state seconds
 * kept in Redis (the same on every node: take {@code max without (instance)}); channel cost is counted
 * by the node that queued each new contact (sum the nodes).
 */
public final class CostMetrics implements RoutingObserver {

    private final MeterRegistry registry;
    private final SwitchboardConfig.Costs costs;
    private final Map<String, Double> agentCost = new ConcurrentHashMap<>();

    public CostMetrics(MeterRegistry registry, SwitchboardConfig.Costs costs) {
        this.registry = registry;
        this.costs = costs;
        Gauge.builder("switchboard_cost_currency", () -> 1).description("Always 1; its label is the currency cost figures are in")
                .tag("currency", costs.currency()).register(registry);
        Gauge.builder("switchboard_self_service_cost_per_call", costs::selfServicePerCall)
                .description("Configured cost of a call the IVR served alone (costs.selfServicePerCall)")
                .register(registry);
    }

    /**
     * A new contact (not an overflow or transfer leg) costs its channel's configured amount once; a call out costs the
     * line as an inbound call does (as the statistics API counts it).
     */
    @Override
    public void committed(String command, long nanos, List<JsonObject> events) {
        for (JsonObject e : events) {
            String type = e.getString("type");
            if ("queued".equals(type) || "outbound".equals(type)) {
                String channel = e.getString("channel", "");
                channelCost(e.getString("queue", ""), channel).increment(costs.perContact(channel));
            }
        }
    }

    /** Every queue's channel cost at 0 for each channel it serves (see {@link RoutingMetrics#exportFromZero}). */
    public void exportFromZero(RoutingRules installed) {
        installed.queues().values().forEach(queue -> Arrays.stream(Channel.values()).filter(queue::serves)
                .forEach(channel -> channelCost(queue.name(), channel.wireName())));
        channelCost(QueueDefinition.OUTBOUND, Channel.VOICE.wireName());
    }

    private Counter channelCost(String queue, String channel) {
        return Counter.builder("switchboard_channel_cost")
                .description("Telephony or platform cost of new contacts (costs.perChannel)")
                .tags("queue", queue, "channel", channel).register(registry);
    }

    /** Called with each team's seconds in each state, read from Redis (see FloorGauges). */
    public void agentTime(Map<String, Map<String, Double>> byTeam) {
        byTeam.forEach((team, byState) -> {
            double loggedIn = AgentStatus.SIGNED_IN.stream().mapToDouble(s -> byState.getOrDefault(s, 0.0)).sum();
            boolean first = !agentCost.containsKey(team);
            // never lower than before: a counter that dips (clock skew between nodes) reads as a reset
            agentCost.merge(team, loggedIn / 3600 * costs.agentHourlyCost(), Math::max);
            if (first) {
                FunctionCounter.builder("switchboard_agent_cost", agentCost, m -> m.getOrDefault(team, 0.0))
                        .description("Agent hours logged in (any state but offline) x costs.agentHourlyCost")
                        .tag("team", team).register(registry);
            }
        });
    }
}
