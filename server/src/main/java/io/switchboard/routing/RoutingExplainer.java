package io.switchboard.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dry run operators use to trust their rules: which filter and steps an interaction would get,
 * which agents could take it now, and why each other agent could not.
 */
public final class RoutingExplainer {
    private final RoutingRules rules;
    private final RoutePlanner planner;

    public RoutingExplainer(RoutingRules rules, RoutePlanner planner) {
        this.rules = rules;
        this.planner = planner;
    }

    public record FilterCheck(String filter, String expression, boolean matched) {
    }

    public record AgentVerdict(String agentId, boolean eligible, String reason) {
    }

    /**
     * @param skipIf null = never passed over
     * @param offerTimeoutSeconds 0 = the node's reservation timeout
     */
    public record StepExplanation(int step, String queue, String pool, String agentExpression, String order,
                                  int priority, long timeoutSeconds, Step.SkipIf skipIf, long offerTimeoutSeconds,
                                  List<AgentVerdict> agents, String passedOver) {
        StepExplanation passedOver(String why) {
            return new StepExplanation(step, queue, pool, agentExpression, order, priority, timeoutSeconds, skipIf,
                    offerTimeoutSeconds, agents, why);
        }
    }

    public record Explanation(String workflow, String filter, List<FilterCheck> filters, double basePriority,
                              List<StepExplanation> steps) {
    }

    public Explanation explain(InteractionRequest request, Customer customer, Map<Agent, AgentStatus> agents) {
        Workflow workflow = rules.workflow(request.workflow());
        if (workflow == null) {
            throw new IllegalArgumentException("unknown workflow '" + request.workflow() + "'");
        }
        Map<String, Object> variables = request.expressionVariables(customer);
        List<FilterCheck> checks = new ArrayList<>();
        for (Filter filter : workflow.filters()) {
            boolean matched = filter.match().test(variables);
            checks.add(new FilterCheck(filter.name(), filter.match().source(), matched));
            if (matched) {
                break;
            }
        }
        RoutePlan plan = planner.plan(request, customer);
        List<StepExplanation> steps = new ArrayList<>();
        for (int i = 0; i < plan.steps().size(); i++) {
            PlannedStep planned = plan.steps().get(i);
            StepExplanation step = explainStep(i, planned, request.channel(), agents, Set.of(), null);
            String skipped = i < plan.steps().size() - 1 ? passedOverNow(planned, agents, step, request.channel()) : null;
            steps.add(skipped == null ? step : step.passedOver(skipped));
        }
        return new Explanation(plan.workflow(), plan.filter(), checks, plan.basePriority(), steps);
    }

    /**
     * One step of a route as it stands: each agent, and whether it can be offered the interaction now.
     *
     * @param refused the agents that refused the interaction last (offered to others first)
     * @param offeredTo the agent it is offered to now, or null
     */
    public StepExplanation explainStep(int index, PlannedStep planned, Channel channel, Map<Agent, AgentStatus> agents,
                                       Set<String> refused, String offeredTo) {
        Pool direct = new Pool(planned.pool(), planned.queue(), null, Ordering.DEFAULT);
        Pool pool = direct.isDirect() ? direct : rules.pools().get(planned.pool());
        // a route stored under rules since reloaded: its step's pool is indexed no more
        String gone = rules.queues().containsKey(planned.queue()) && pool != null ? null
                : "this step's queue or agent narrowing is no longer in the rules: nobody is offered it here until "
                        + "the step times out";
        List<AgentVerdict> verdicts = new ArrayList<>();
        agents.forEach((agent, status) -> {
            AgentVerdict verdict = gone != null ? new AgentVerdict(agent.id(), false, gone)
                    : verdict(pool, agent, status, channel);
            if (agent.id().equals(offeredTo)) {
                verdict = new AgentVerdict(agent.id(), false, "offered it now");
            } else if (verdict.eligible() && refused.contains(agent.id())) {
                verdict = new AgentVerdict(agent.id(), false, direct.isDirect()
                        ? "refused it last (rejected it or let it ring out): offered it again 10 s after that"
                        : "refused it last (rejected it or let it ring out): it goes to the others first, "
                                + "and to this agent again 10 s after that");
            }
            verdicts.add(verdict);
        });
        Pool shown = pool == null ? direct : pool;
        verdicts.sort((a, b) -> Boolean.compare(b.eligible(), a.eligible()));
        return new StepExplanation(index, planned.queue(), shown.id(),
                shown.agents() == null ? null : shown.agents().source(), shown.ordering().toString(),
                planned.priority(), planned.timeoutSeconds(), planned.skipIf(), planned.offerTimeoutSeconds(), verdicts,
                null);
    }

    /**
     * Why a contact arriving now would pass over this step (its skipIf holds: routing's `skips`), or null. Hours are
     * the queue's {@code queueOpen}, told apart in the answer; never the route's last step.
     */
    private String passedOverNow(PlannedStep planned, Map<Agent, AgentStatus> agents, StepExplanation step,
                                 Channel channel) {
        if (planned.skipIf() == Step.SkipIf.NO_AVAILABLE_AGENTS
                && step.agents().stream().noneMatch(AgentVerdict::eligible)) {
            return "nobody of it can take the contact now (skipIf: no_available_agents)";
        }
        if (planned.skipIf() == Step.SkipIf.NO_LOGGED_IN_AGENTS) {
            Pool direct = new Pool(planned.pool(), planned.queue(), null, Ordering.DEFAULT);
            Pool pool = direct.isDirect() ? direct : rules.pools().get(planned.pool());
            // signed in for the channel, as routing counts them: with capacity for it (a chat-only agent staffs no
            // voice step)
            boolean someoneIn = pool != null && agents.entrySet().stream().anyMatch(e -> member(pool, e.getKey())
                    && e.getKey().capacity().getOrDefault(channel.capacityChannel(), 0) > 0
                    && !"offline".equals(e.getValue().presence()));
            return someoneIn ? null : "every agent of it is signed out (skipIf: no_logged_in_agents)";
        }
        return null;
    }

    private boolean member(Pool pool, Agent agent) {
        if (pool.isDirect()) {
            return pool.id().equals(Pool.directId(agent.id()));
        }
        QueueDefinition queue = rules.queues().get(pool.queue());
        return queue != null && queue.admits(agent)
                && (pool.agents() == null || pool.agents().test(agent.expressionVariables()));
    }

    private AgentVerdict verdict(Pool pool, Agent agent, AgentStatus status, Channel channel) {
        if (pool.isDirect()) {
            if (!pool.id().equals(Pool.directId(agent.id()))) {
                return new AgentVerdict(agent.id(), false, "not the preferred/target agent");
            }
        } else {
            QueueDefinition queue = rules.queues().get(pool.queue());
            if (!queue.admits(agent)) {
                return new AgentVerdict(agent.id(), false,
                        "not a member of queue '" + queue.name() + "' (" + queue.members().source() + ")");
            }
            if (pool.agents() != null && !pool.agents().test(agent.expressionVariables())) {
                return new AgentVerdict(agent.id(), false, "fails step expression (" + pool.agents().source() + ")");
            }
        }
        if (agent.capacity().getOrDefault(channel.capacityChannel(), 0) == 0) {
            return new AgentVerdict(agent.id(), false, "no " + channel.capacityChannel().wireName() + " capacity");
        }
        // routing's can_take: available by choice and no offer open; busy and wrapping up agents still take what their
        // free capacity allows (it looks at capacity, not at wrap-up), but not one who went away while busy
        String why = status.reason().isEmpty() ? "" : " (" + status.reason() + ")";
        if (!"available".equals(status.presence())) {
            return new AgentVerdict(agent.id(), false, status.presence().equals(status.state())
                    ? "state is " + status.state() + why
                    : "state is " + status.state() + ", and " + status.presence() + why + " after that: takes no new work");
        }
        if ("reserved".equals(status.state())) {
            return new AgentVerdict(agent.id(), false, "state is reserved (an offer is open)");
        }
        if (!status.hasFreeCapacity(agent, channel)) {
            return new AgentVerdict(agent.id(), false, "all " + channel.capacityChannel().wireName()
                    + " capacity in use");
        }
        Channel blocker = agent.blockerOf(channel, status.load());
        if (blocker != null) {
            return new AgentVerdict(agent.id(), false, "holds a " + blocker.wireName() + " contact ("
                    + blocker.wireName() + ": " + Agent.CURRENT_CHANNEL_ONLY + ")");
        }
        int priority = agent.priorityFor(pool.queue());
        return new AgentVerdict(agent.id(), true, priority > 1
                ? "eligible now, at queue priority " + priority + " (after free agents at a better one)" : "eligible now");
    }
}
