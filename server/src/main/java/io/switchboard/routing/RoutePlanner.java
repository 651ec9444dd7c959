package io.switchboard.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns an interaction and the rules into its route plan. Pure: same input, same plan. */
public final class RoutePlanner {
    private final RoutingRules rules;
    private final PriorityPolicy priority;

    public RoutePlanner(RoutingRules rules, PriorityPolicy priority) {
        this.rules = rules;
        this.priority = priority;
    }

    public RoutePlan plan(InteractionRequest request, Customer customer) {
        Workflow workflow = rules.workflow(request.workflow());
        if (workflow == null) {
            throw new IllegalArgumentException("unknown workflow '" + request.workflow() + "'");
        }
        Filter filter = workflow.select(request.expressionVariables(customer));
        Channel channel = request.channel();
        // a step whose queue does not serve the channel is passed over: nobody there could take the contact
        List<Step> serving = filter.steps().stream().filter(step -> serves(step.queue(), channel)).toList();
        if (serving.isEmpty()) {
            throw new IllegalArgumentException("filter '" + filter.name() + "' of workflow '" + workflow.name()
                    + "' has no step whose queue serves " + channel.wireName());
        }
        List<PlannedStep> steps = new ArrayList<>();
        preferredAgent(workflow, request).ifPresent(agentId -> steps.add(step(Pool.directId(agentId),
                serving.get(0).queue(), serving.get(0).priority(), seconds(workflow.preferredAgentTimeout()),
                workflow.preferredAgentSkipIf())));
        for (Step step : serving) {
            steps.add(step(step.pool().id(), step.queue(), step.priority(), seconds(step.timeout()), step.skipIf()));
        }
        addOverflow(steps, channel);
        return new RoutePlan(workflow.name(), filter.name(), steps, basePriority(request, customer));
    }

    /** Transfer to a queue: its plain pool, then its overflow. */
    public RoutePlan toQueue(String queue, Channel channel, double basePriority) {
        requireQueue(queue);
        if (!serves(queue, channel)) {
            throw new IllegalArgumentException("queue '" + queue + "' does not serve " + channel.wireName());
        }
        List<PlannedStep> steps = new ArrayList<>();
        steps.add(step(queue, queue, 0, 0, null));
        addOverflow(steps, channel);
        return new RoutePlan("transfer", "queue:" + queue, steps, basePriority);
    }

    /**
     * Transfer to a named agent: offered to that agent only, counted in the given queue, for
     * {@link #AGENT_TRANSFER_SECONDS}; then, not taken by then (the agent away, busy, or refusing it), the queue's line,
     * so that no contact is left waiting on one person (the agent who refused is skipped there too).
     */
    public RoutePlan toAgent(String agentId, String queue, double basePriority) {
        requireQueue(queue);
        return new RoutePlan("transfer", "agent:" + agentId,
                // passed over at once if the agent signs out meanwhile (drain_empty), as a preferred agent is
                List.of(step(Pool.directId(agentId), queue, 0, AGENT_TRANSFER_SECONDS, Step.SkipIf.NO_LOGGED_IN_AGENTS),
                        step(queue, queue, 0, 0, null)), basePriority);
    }

    /** How long a contact transferred (or given) to a named agent waits for that agent before its queue takes it. */
    public static final long AGENT_TRANSFER_SECONDS = 60;

    public double basePriority(InteractionRequest request, Customer customer) {
        return priority.valuePoints(customer) + request.requestedPriority();
    }

    private void requireQueue(String queue) {
        if (rules.queue(queue).isEmpty()) {
            throw new IllegalArgumentException("unknown queue '" + queue + "'");
        }
    }

    private Optional<String> preferredAgent(Workflow workflow, InteractionRequest request) {
        if (workflow.preferredAgentAttribute() == null) {
            return Optional.empty();
        }
        Object value = request.attributes().get(workflow.preferredAgentAttribute());
        return value instanceof String id && Ids.isValid(id) ? Optional.of(id) : Optional.empty();
    }

    private boolean serves(String queue, Channel channel) {
        return rules.queues().get(queue).serves(channel);
    }

    /** A queue's max wait bounds its last step; then the interaction moves to the overflow queue, if it serves it. */
    private void addOverflow(List<PlannedStep> steps, Channel channel) {
        PlannedStep last = steps.get(steps.size() - 1);
        QueueDefinition queue = rules.queues().get(last.queue());
        if (queue.overflowQueue() == null || queue.maxWait() == null || steps.size() > 16
                || !serves(queue.overflowQueue(), channel)) {
            return;
        }
        long timeout = last.timeoutSeconds() > 0 ? last.timeoutSeconds() : queue.maxWait().toSeconds();
        steps.set(steps.size() - 1, step(last.pool(), last.queue(), last.priority(), timeout, last.skipIf()));
        steps.add(step(queue.overflowQueue(), queue.overflowQueue(), last.priority(), 0, null));
    }

    /** A step waiting in this queue, offered with the queue's offer timeout. */
    private PlannedStep step(String pool, String queue, int priority, long timeoutSeconds, Step.SkipIf skipIf) {
        return new PlannedStep(pool, queue, priority, timeoutSeconds, skipIf,
                seconds(rules.queues().get(queue).offerTimeout()));
    }

    private static long seconds(Duration duration) {
        return duration == null ? 0 : Math.max(1, duration.toSeconds());
    }
}
