package io.switchboard.routing;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * One target of a workflow filter, tried in order: wait in {@code queue} for an agent that also
 * satisfies {@code agents}; after {@code timeout} move to the next step (wider skills, another queue).
 *
 * @param agents optional narrowing over agent attributes; null = every member of the queue
 * @param timeout null = wait here until answered (or the queue's max wait)
 * @param skipIf null = never passed over
 */
public record Step(String queue, Condition agents, int priority, Duration timeout, Ordering ordering, SkipIf skipIf) {
    public Step {
        Objects.requireNonNull(queue, "queue");
        ordering = ordering == null ? Ordering.DEFAULT : ordering;
    }

    /**
     * When a step is passed over, checked as the interaction enters it (TaskRouter's {@code skip_if}); the last step
     * of a route is never passed over.
     */
    public enum SkipIf {
        /** Nobody of the step's pool can take one more contact of the channel now. */
        NO_AVAILABLE_AGENTS,
        /** Every agent of the step's pool is offline (app_queue's joinempty): waiting there would wait for nobody. */
        NO_LOGGED_IN_AGENTS,
        /** The step's queue is outside its hours of operation (follow the sun: a site that is open takes it). */
        CLOSED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static SkipIf parse(String text) {
            for (SkipIf skip : values()) {
                if (skip.wireName().equals(text)) {
                    return skip;
                }
            }
            throw new IllegalArgumentException("skipIf must be no_available_agents, no_logged_in_agents or closed, was '"
                    + text + "'");
        }
    }

    /** The pool of agents this step offers to: same queue, narrowing and ordering = same pool. */
    public Pool pool() {
        return Pool.of(queue, agents, ordering);
    }
}
