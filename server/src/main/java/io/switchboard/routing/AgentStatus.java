package io.switchboard.routing;

import java.util.List;
import java.util.Map;

/**
 * An agent's live routing state as the store holds it.
 *
 * @param state offline, available, reserved, busy, wrap_up or away
 * @param presence what the agent chose (available, away, offline): a busy agent may be away already, and takes no new
 *                 work
 * @param load interactions held per capacity channel (offers, live work and wrap-up)
 */
public record AgentStatus(String agentId, String state, String presence, String reason, Map<Channel, Integer> load,
                          long stateSinceMs) {
    /** Every state an agent can be in, as the routing script names them (statistics count time in each). */
    public static final List<String> STATES = List.of("available", "reserved", "busy", "wrap_up", "away", "offline");
    /** The states of an agent signed in: every one but offline. */
    public static final List<String> SIGNED_IN = STATES.subList(0, STATES.size() - 1);

    public AgentStatus {
        load = Map.copyOf(load);
    }

    public boolean hasFreeCapacity(Agent agent, Channel channel) {
        Channel c = channel.capacityChannel();
        return load.getOrDefault(c, 0) < agent.capacity().getOrDefault(c, 0);
    }
}
