package io.switchboard.engine;

import io.switchboard.cases.Case;
import io.switchboard.cases.CaseObserver;
import io.switchboard.cases.CaseStatus;
import io.switchboard.metrics.RoutingObserver;
import io.switchboard.routing.Customer;
import io.switchboard.sla.SlaPolicy;
import io.switchboard.sla.SlaSubject;
import io.switchboard.sla.SlaTarget;
import io.switchboard.store.redis.RoutingStore;
import io.switchboard.store.redis.SlaTimerCodec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agreements of cases, driven by the case changes this node commits. Opening a case arms its
 * first response and resolution targets under the first matching policy; an agent's response meets
 * the first (then the next) response; a customer's new contact after a response arms the next
 * response; pending the customer pauses the case's timers when the policy says so (open resumes
 * them); resolving meets the resolution and ends the response targets without a verdict; closing ends
 * every target without one; reopening a resolved case arms the resolution again. An answered call
 * on the case is an agent's response, whether it was linked before the agent answered (the routing
 * event) or after (the link).
 *
 * <p>Called on the event loop of the node that committed the change; every timer change is one
 * atomic operation in Redis, so two nodes never arm or end a target twice.
 */
public final class CaseSla implements CaseObserver, RoutingObserver {
    private static final Logger LOG = LoggerFactory.getLogger(CaseSla.class);
    private static final List<SlaTarget> TARGETS =
            List.of(SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_RESPONSE, SlaTarget.RESOLUTION);
    private static final Set<String> CALLS = Set.of("voice", "callback");
    private static final Set<String> ANSWERED = Set.of("assigned", "wrapping", "completed");

    private final SlaService sla;
    private final RoutingStore routing;
    private final Function<String, Future<Customer>> customers;

    public CaseSla(SlaService sla, RoutingStore routing, Function<String, Future<Customer>> customers) {
        this.sla = sla;
        this.routing = routing;
        this.customers = customers;
    }

    @Override
    public void opened(Case opened) {
        logged(opened.id(), arm(opened, List.of(SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION))
                .compose(v -> answeredCalls(opened.interactions()))
                .map(answered -> {
                    if (!answered.isEmpty()) {
                        agentResponded(opened.id());
                    }
                    return null;
                }));
    }

    /** A call on a case answered by an agent: a response (the routing script names the case in the event). */
    @Override
    public void committed(String command, long nanos, List<JsonObject> events) {
        for (JsonObject event : events) {
            String caseId = event.getString("caseId");
            if ("assigned".equals(event.getString("type")) && CALLS.contains(event.getString("channel", ""))
                    && caseId != null) {
                agentResponded(caseId);
            }
        }
    }

    @Override
    public void changed(Case before, Case after) {
        if (before.status() != after.status()) {
            logged(after.id(), statusChanged(before.status(), after));
        }
        if (before.priority() != after.priority() && after.status().live()) {
            logged(after.id(), priorityChanged(after));
        }
        List<String> linked = after.interactions().stream().filter(i -> !before.interactions().contains(i)).toList();
        if (!linked.isEmpty() && after.status().live()) {
            // an answered call linked now is the agent's response; any other new contact is the customer's
            logged(after.id(), answeredCalls(linked).compose(answered -> {
                if (!answered.isEmpty()) {
                    agentResponded(after.id());
                }
                return answered.size() < linked.size() ? customerWrote(after) : Future.succeededFuture();
            }));
        }
    }

    /** Those of the interactions that are calls an agent answered. */
    private Future<List<String>> answeredCalls(List<String> interactions) {
        List<Future<Map<String, String>>> reads = interactions.stream()
                .map(i -> routing.hash(routing.keys().interaction(i))).toList();
        return Future.all(reads).map(all -> {
            List<String> answered = new ArrayList<>();
            for (int i = 0; i < interactions.size(); i++) {
                Map<String, String> hash = reads.get(i).result();
                if (CALLS.contains(hash.getOrDefault("channel", "")) && ANSWERED.contains(hash.getOrDefault("status", ""))) {
                    answered.add(interactions.get(i));
                }
            }
            return answered;
        });
    }

    @Override
    public void agentResponded(String caseId) {
        String subject = SlaTimerCodec.caseSubject(caseId);
        logged(caseId, sla.end(subject, SlaTarget.FIRST_RESPONSE, true)
                .compose(first -> first ? Future.succeededFuture(true) : sla.end(subject, SlaTarget.NEXT_RESPONSE, true)));
    }

    private Future<?> statusChanged(CaseStatus before, Case after) {
        String subject = SlaTimerCodec.caseSubject(after.id());
        return switch (after.status()) {
            case PENDING_CUSTOMER -> each(t -> sla.pause(subject, t, timer -> sla.policies().named(timer.policy())
                    .map(SlaPolicy::pauseWhenPendingCustomer).orElse(false)));
            case NEW, OPEN -> before == CaseStatus.PENDING_CUSTOMER ? each(t -> sla.resume(subject, t))
                    : before == CaseStatus.RESOLVED ? arm(after, List.of(SlaTarget.RESOLUTION))
                    : Future.succeededFuture();
            case RESOLVED -> each(t -> sla.end(subject, t, t == SlaTarget.RESOLUTION));
            case CLOSED -> each(t -> sla.end(subject, t, false));
        };
    }

    /**
     * The customer got in touch again (a new interaction on the case): when no response target runs and the first
     * response is over (met, or ended unmet: the case was resolved unanswered and the customer writes again, which
     * otherwise ran no response clock at all), the next response is due. Not while the first response has not been
     * armed yet (a second contact linked as a case is opened): the agent's first answer meets that one.
     */
    private Future<?> customerWrote(Case c) {
        String subject = SlaTimerCodec.caseSubject(c.id());
        Future<Boolean> awaiting = sla.anyArmed(subject, List.of(SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_RESPONSE));
        Future<Map<String, String>> record = routing.hash(routing.keys().caseRecord(c.id()));
        return Future.all(awaiting, record).compose(all -> {
            boolean firstOver = record.result().get(SlaTarget.FIRST_RESPONSE.code() + ":slaState") != null
                    || !record.result().getOrDefault(SlaTarget.NEXT_RESPONSE.code() + ":slaMetAt", "").isEmpty();
            return awaiting.result() || !firstOver ? Future.succeededFuture() : arm(c, List.of(SlaTarget.NEXT_RESPONSE));
        });
    }

    /** Arms those of the targets the case's policy has; a target armed already stays as it is. */
    private Future<?> arm(Case c, List<SlaTarget> targets) {
        return match(c).compose(m -> m == null ? Future.succeededFuture()
                : Future.all(targets.stream().filter(t -> m.policy().target(t).isPresent())
                        .map(t -> sla.arm(SlaTimerCodec.caseSubject(c.id()), m.policy(), t, armed(m.policy(), m.channel())))
                        .toList()));
    }

    /**
     * The priority is in the policies' vocabulary ({@code case.priority}): the armed targets go over to the policy
     * matching now (its ladder, calendar and length), atomically each; steps already fired stay fired.
     */
    private Future<?> priorityChanged(Case c) {
        String subject = SlaTimerCodec.caseSubject(c.id());
        return match(c).compose(m -> m == null ? Future.succeededFuture()
                : each(t -> m.policy().target(t).isEmpty() ? Future.succeededFuture()
                        : sla.repolicy(subject, t, m.policy())));
    }

    private record Matched(SlaPolicy policy, String channel) {
    }

    /** The policy for the case as it is now (null: none), and the channel of its first contact. */
    private Future<Matched> match(Case c) {
        String first = c.interactions().isEmpty() ? null : c.interactions().get(0);
        Future<String> channel = first == null ? Future.succeededFuture("")
                : routing.hget(routing.keys().interaction(first), "channel");
        return Future.all(customers.apply(c.customerId()), channel).map(all -> {
            String firstChannel = all.resultAt(1) == null ? "" : all.resultAt(1);
            Map<String, Object> variables = SlaSubject.variables(c, all.resultAt(0), firstChannel);
            return sla.policies().match(variables).map(p -> new Matched(p, firstChannel)).orElse(null);
        });
    }

    /** What a newly armed target mirrors into the case; the fields of an earlier round of it are cleared. */
    private static Map<String, Object> armed(SlaPolicy policy, String channel) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("slaPolicy", policy.name());
        record.put("slaState", "running");
        record.put("slaChannel", channel);
        for (String stale : List.of("slaMetAt", "slaElapsedMs", "slaBreachedAt", "slaSeverity")) {
            record.put(stale, "");
        }
        return record;
    }

    private static Future<?> each(Function<SlaTarget, Future<?>> change) {
        return Future.join(TARGETS.stream().<Future<?>>map(change).toList());
    }

    private static void logged(String caseId, Future<?> work) {
        work.onFailure(e -> LOG.warn("SLA timers of case {} not updated: {}", caseId, e.getMessage()));
    }
}
