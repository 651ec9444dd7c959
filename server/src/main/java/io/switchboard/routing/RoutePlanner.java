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
        List<PlannedStep> steps = new ArrayList<>();
        preferredAgent(workflow, request).ifPresent(agentId -> steps.add(new PlannedStep(
                Pool.directId(agentId), filter.steps().get(0).queue(), filter.steps().get(0).priority(),
                seconds(workflow.preferredAgentTimeout()))));
        for (Step step : filter.steps()) {
            steps.add(new PlannedStep(step.pool().id(), step.queue(), step.priority(), seconds(step.timeout())));
        }
        addOverflow(steps);
        return new RoutePlan(workflow.name(), filter.name(), steps, basePriority(request, customer));
    }

    /** Transfer to a queue: its plain pool, then its overflow. */
    public RoutePlan toQueue(String queue, double basePriority) {
        requireQueue(queue);
        List<PlannedStep> steps = new ArrayList<>();
        steps.add(new PlannedStep(queue, queue, 0, 0));
        addOverflow(steps);
        return new RoutePlan("transfer", "queue:" + queue, steps, basePriority);
    }

    /** Transfer to a named agent: that agent only, counted in the given queue. */
    public RoutePlan toAgent(String agentId, String queue, double basePriority) {
        requireQueue(queue);
        return new RoutePlan("transfer", "agent:" + agentId,
                List.of(new PlannedStep(Pool.directId(agentId), queue, 0, 0)), basePriority);
    }

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

    /** A queue's max wait bounds its last step; then the interaction moves to the overflow queue. */
    private void addOverflow(List<PlannedStep> steps) {
        PlannedStep last = steps.get(steps.size() - 1);
        QueueDefinition queue = rules.queues().get(last.queue());
        if (queue.overflowQueue() == null || queue.maxWait() == null || steps.size() > 16) {
            return;
        }
        long timeout = last.timeoutSeconds() > 0 ? last.timeoutSeconds() : queue.maxWait().toSeconds();
        steps.set(steps.size() - 1, new PlannedStep(last.pool(), last.queue(), last.priority(), timeout));
        steps.add(new PlannedStep(queue.overflowQueue(), queue.overflowQueue(), last.priority(), 0));
    }

    private static long seconds(Duration duration) {
        return duration == null ? 0 : Math.max(1, duration.toSeconds());
    }
}
