package io.switchboard.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * One target of a workflow filter, tried in order: wait in {@code queue} for an agent that also
 * satisfies {@code agents}; after {@code timeout} move to the next step (wider skills, another queue).
 *
 * @param agents optional narrowing over agent attributes; null = every member of the queue
 * @param timeout null = wait here until answered (or the queue's max wait)
 */
public record Step(String queue, Condition agents, int priority, Duration timeout, Ordering ordering) {
    public Step {
        Objects.requireNonNull(queue, "queue");
        ordering = ordering == null ? Ordering.DEFAULT : ordering;
    }

    /** The pool of agents this step offers to: same queue, narrowing and ordering = same pool. */
    public Pool pool() {
        return Pool.of(queue, agents, ordering);
    }
}
