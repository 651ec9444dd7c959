package io.switchboard.routing;

import java.util.Map;

/**
 * A new interaction as a channel (or the API) presents it to routing.
 *
 * @param workflow null = the default workflow
 * @param requestedPriority extra priority points asked by the channel (0 normally)
 */
public record InteractionRequest(Channel channel, Map<String, Object> attributes, String customerId, String workflow,
                                 int requestedPriority) {
    public InteractionRequest {
        attributes = AttributeValues.of(attributes);
    }

    /** The variables a filter expression sees: {@code channel}, {@code attributes}, {@code customer}. */
    public Map<String, Object> expressionVariables(Customer customer) {
        return Map.of(
                "channel", channel.wireName(),
                "attributes", attributes,
                "customer", Map.of(
                        "id", customer.id(),
                        "tier", customer.tier(),
                        "lifetimeValue", customer.lifetimeValue(),
                        "language", customer.language()));
    }
}
