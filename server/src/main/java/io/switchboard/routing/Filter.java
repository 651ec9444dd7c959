package io.switchboard.routing;

import java.util.List;

/** A workflow filter: when {@code match} holds for an interaction, it follows these steps. */
public record Filter(String name, Condition match, List<Step> steps) {
    public Filter {
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("filter '" + name + "' has no steps");
        }
    }
}
