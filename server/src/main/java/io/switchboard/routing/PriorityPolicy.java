package io.switchboard.routing;

import java.util.Map;

/**
 * Customer value and aging, the two parts of priority beyond the workflow step's own:
 * <pre>
 *   priority(t) = step priority + requested priority + value points + agingPerSecond * secondsWaited
 *   value points = tierPoints[tier] + min(maxLifetimePoints, lifetimeValue / lifetimeValuePerPoint)
 * </pre>
 * Aging is linear and the same for every interaction, so a gold customer who is worth G more points
 * than a standard one is served first unless the standard one has waited G / agingPerSecond seconds
 * longer: nobody starves, and the store never rescores the line.
 */
public record PriorityPolicy(Map<String, Double> tierPoints, double lifetimeValuePerPoint, double maxLifetimePoints,
                             double agingPerSecond) {
    public static final Map<String, Double> DEFAULT_TIER_POINTS =
            Map.of("standard", 0.0, "silver", 10.0, "gold", 20.0, "platinum", 30.0);
    public static final double DEFAULT_LIFETIME_VALUE_PER_POINT = 1000;
    public static final double DEFAULT_MAX_LIFETIME_POINTS = 10;
    public static final double DEFAULT_AGING_PER_SECOND = 0.5;
    public static final PriorityPolicy DEFAULT = new PriorityPolicy(DEFAULT_TIER_POINTS,
            DEFAULT_LIFETIME_VALUE_PER_POINT, DEFAULT_MAX_LIFETIME_POINTS, DEFAULT_AGING_PER_SECOND);

    public PriorityPolicy {
        tierPoints = Map.copyOf(tierPoints);
        if (lifetimeValuePerPoint <= 0) {
            throw new IllegalArgumentException("lifetimeValuePerPoint must be > 0");
        }
        if (agingPerSecond < 0) {
            throw new IllegalArgumentException("agingPerSecond must be >= 0");
        }
    }

    public double valuePoints(Customer customer) {
        double tier = tierPoints.getOrDefault(customer.tier(), 0.0);
        return tier + Math.min(maxLifetimePoints, customer.lifetimeValue() / lifetimeValuePerPoint);
    }

    public boolean knowsTier(String tier) {
        return tierPoints.containsKey(tier);
    }
}
