package io.switchboard.routing;

/**
 * Erlang C staffing for a queue: with arrivals at {@code ratePerSecond}, average handle time
 * {@code ahtSeconds} and {@code agents} agents, the probability a contact waits, the predicted service
 * level (answered within {@code thresholdSeconds}), and the fewest agents that meet a target.
 * Assumes Poisson arrivals, exponential handle times and no abandons: the classic planning model,
 * pessimistic when callers abandon.
 */
public final class ErlangC {
    private ErlangC() {
    }

    /** Offered load in erlangs. */
    public static double traffic(double ratePerSecond, double ahtSeconds) {
        return ratePerSecond * ahtSeconds;
    }

    /** P(wait > 0); 1 when the agents cannot carry the load. */
    public static double probabilityOfWaiting(double traffic, int agents) {
        if (traffic <= 0) {
            return 0;
        }
        if (agents <= traffic) {
            return 1;
        }
        // Erlang B by the stable recurrence, then C from B
        double b = 1;
        for (int k = 1; k <= agents; k++) {
            b = traffic * b / (k + traffic * b);
        }
        return agents * b / (agents - traffic * (1 - b));
    }

    public static double serviceLevel(double ratePerSecond, double ahtSeconds, int agents, double thresholdSeconds) {
        double traffic = traffic(ratePerSecond, ahtSeconds);
        if (traffic <= 0) {
            return 1;
        }
        if (agents <= traffic) {
            return 0;
        }
        double pw = probabilityOfWaiting(traffic, agents);
        return 1 - pw * Math.exp(-(agents - traffic) * thresholdSeconds / ahtSeconds);
    }

    /** The fewest agents whose predicted service level reaches the target (capped at 10,000). */
    public static int agentsNeeded(double ratePerSecond, double ahtSeconds, double thresholdSeconds, double target) {
        double traffic = traffic(ratePerSecond, ahtSeconds);
        if (traffic <= 0) {
            return 0;
        }
        int agents = Math.max(1, (int) Math.floor(traffic) + 1);
        while (agents < 10_000 && serviceLevel(ratePerSecond, ahtSeconds, agents, thresholdSeconds) < target) {
            agents++;
        }
        return agents;
    }
}
