package io.switchboard.routing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A routing workflow (TaskRouter-like): ordered filters, the first whose expression matches wins,
 * else the default filter.
 *
 * @param preferredAgentAttribute interaction attribute naming a preferred agent (e.g. the last agent
 *                                who helped this customer); null = no preferred-agent routing
 * @param preferredAgentTimeout how long to wait for that agent before the filter's steps apply
 */
public record Workflow(String name, List<Filter> filters, Filter defaultFilter, String preferredAgentAttribute,
                       Duration preferredAgentTimeout, Step.SkipIf preferredAgentSkipIf) {
    public Workflow {
        filters = List.copyOf(filters);
    }

    /** The ordered filters, then the default one. */
    public List<Filter> allFilters() {
        List<Filter> all = new java.util.ArrayList<>(filters);
        all.add(defaultFilter);
        return all;
    }

    public Filter select(Map<String, Object> interactionVariables) {
        return firstMatch(interactionVariables).orElse(defaultFilter);
    }

    public Optional<Filter> firstMatch(Map<String, Object> interactionVariables) {
        for (Filter filter : filters) { // a loop, not a stream: this runs for every new contact
            if (filter.match().test(interactionVariables)) {
                return Optional.of(filter);
            }
        }
        return Optional.empty();
    }
}
