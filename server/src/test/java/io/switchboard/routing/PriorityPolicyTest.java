package io.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriorityPolicyTest {
    private final PriorityPolicy policy = PriorityPolicy.DEFAULT;

    @Test
    void valueIsTierPlusCappedLifetimeValue() {
        assertEquals(0.0, policy.valuePoints(Customer.anonymous("x")));
        assertEquals(20.0 + 2.5, policy.valuePoints(customer("gold", 2500)));
        assertEquals(30.0 + 10.0, policy.valuePoints(customer("platinum", 1_000_000)), "lifetime points are capped");
        assertEquals(0.0 + 0.0, policy.valuePoints(customer("unknown-tier", 0)));
    }

    @Test
    void agingLetsAStandardCustomerOvertakeAfterTheGapOverTheRate() {
        double gap = policy.valuePoints(customer("gold", 0)) - policy.valuePoints(customer("standard", 0));
        assertEquals(40.0, gap / policy.agingPerSecond(), "seconds a standard contact must have waited longer");
    }

    @Test
    void agentsValidateSkillsAndCapacity() {
        assertThrows(IllegalArgumentException.class, () -> new Agent("a", null, null, null, Map.of("x", 0), null, null));
        assertThrows(IllegalArgumentException.class, () -> new Agent("a b", null, null, null, Map.of(), null, null));
        Agent agent = new Agent("a", null, null, null, Map.of(), Map.of(Channel.CALLBACK, 2), null);
        assertEquals(2, agent.capacity().get(Channel.VOICE), "a callback is a phone call: voice capacity");
        assertEquals(3, agent.capacity().get(Channel.CHAT));
    }

    private static Customer customer(String tier, double ltv) {
        return new Customer("c", null, tier, ltv, List.of(), List.of(), null);
    }
}
