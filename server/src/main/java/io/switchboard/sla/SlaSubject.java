package io.switchboard.sla;

import io.switchboard.cases.Case;
import io.switchboard.routing.Customer;
import io.switchboard.routing.InteractionRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * The variables a policy's {@code match} sees. An interaction: the routing ones plus the queue it
 * enters, and an empty {@code case}. A case: its {@code case.type} and {@code case.priority}, the
 * channel of its first contact and its customer; no queue and no attributes.
 */
public final class SlaSubject {
    private static final Map<String, Object> NO_CASE = Map.of("type", "", "priority", "");

    private SlaSubject() {
    }

    public static Map<String, Object> variables(InteractionRequest request, Customer customer, String queue) {
        Map<String, Object> variables = new HashMap<>(request.expressionVariables(customer));
        variables.put("queue", queue == null ? "" : queue);
        variables.put("case", NO_CASE);
        return Map.copyOf(variables);
    }

    /** @param channel the channel of the case's first contact; empty when it has none */
    public static Map<String, Object> variables(Case c, Customer customer, String channel) {
        return Map.of(
                "channel", channel == null ? "" : channel,
                "attributes", Map.of(),
                "customer", Map.of(
                        "id", customer.id(),
                        "tier", customer.tier(),
                        "lifetimeValue", customer.lifetimeValue(),
                        "language", customer.language()),
                "queue", "",
                "case", Map.of("type", c.type().wireName(), "priority", c.priority().wireName()));
    }
}
