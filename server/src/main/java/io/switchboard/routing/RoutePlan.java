package io.switchboard.routing;

import java.util.List;

/**
 * Where an interaction will wait, step by step, decided once when it arrives (or is transferred).
 * The store walks the plan on step timeouts without asking the rules again, so a rule reload never
 * strands an interaction half way.
 *
 * @param basePriority customer value points + requested priority; step priority and aging add to it
 */
public record RoutePlan(String workflow, String filter, List<PlannedStep> steps, double basePriority) {
    public RoutePlan {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a route plan needs at least one step");
        }
    }

    public String firstQueue() {
        return steps.get(0).queue();
    }
}
