package io.switchboard.sla;

import io.switchboard.routing.Customer;
import io.switchboard.routing.InteractionRequest;
import java.util.HashMap;
import java.util.Map;

/** The variables a policy's {@code match} sees: the routing ones plus the queue the contact enters. */
public final class SlaSubject {
    private SlaSubject() {
    }

    public static Map<String, Object> variables(InteractionRequest request, Customer customer, String queue) {
        Map<String, Object> variables = new HashMap<>(request.expressionVariables(customer));
        variables.put("queue", queue == null ? "" : queue);
        return Map.copyOf(variables);
    }
}
