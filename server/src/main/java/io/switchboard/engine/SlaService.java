package io.switchboard.engine;

import io.switchboard.metrics.RoutingObserver;
import io.switchboard.metrics.SlaMetrics;
import io.switchboard.routing.Channel;
import io.switchboard.routing.Customer;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.routing.RoutePlan;
import io.switchboard.sla.Escalation;
import io.switchboard.sla.Severity;
import io.switchboard.sla.SlaPolicies;
import io.switchboard.sla.SlaPolicy;
import io.switchboard.sla.SlaSubject;
import io.switchboard.sla.SlaTarget;
import io.switchboard.sla.SlaTimer;
import io.switchboard.sla.WorkingTime;
import io.switchboard.store.redis.RoutingStore;
import io.switchboard.store.redis.SlaTimerCodec;
import io.switchboard.store.redis.SlaTimerStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service-level agreements of interactions: arms the answer timer of each new interaction under the
 * first matching policy, ends it when the interaction is assigned (met, or breached with its final
 * severity) or abandoned/canceled (no verdict), and acts on the steps the sweep fires. An answer within
 * a running 24/7 target is met by the routing script in the run that answers; this class counts it. Cases
 * arm their targets through {@link CaseSla} with the same operations. Every change
 * of a timer is one compare-and-set in Redis on a snapshot read just before, retried when another
 * node got there first; calendar arithmetic stays here, in Java.
 */
public final class SlaService implements RoutingObserver {
    private static final Logger LOG = LoggerFactory.getLogger(SlaService.class);
    private static final int REMATCH_ROUNDS = 3;
    private static final int ATTEMPTS = 5;
    /**
     * How many warned and how many due timers one at-risk read looks at: bounds the script (a few ms)
     * however many timers fall due in the window; the soonest are looked at first.
     */
    private static final int AT_RISK_BUDGET = 2_000;

    private final SlaTimerStore timers;
    private final RoutingStore routing;
    /** Swapped whole by a reload; armed timers keep the ladder and length they were armed with. */
    private volatile SlaPolicies policies;
    private final SlaMetrics metrics;
    private final RoutingActions routingActions;

    /** What escalations do to a waiting interaction, through the routing script. */
    public interface RoutingActions {
        /** Adds points (the script's {@code raise}); {@code once} keeps a re-delivered raise to one. */
        Future<?> raise(String interactionId, int points, String once);

        /** Moves it to its workflow's next step now (the script's {@code widen}); {@code once} as for a raise. */
        Future<?> widen(String interactionId, String once);
    }

    /** @param routingActions raises and widens waiting interactions (the routing script's commands) */
    public SlaService(SlaTimerStore timers, RoutingStore routing, SlaPolicies policies, SlaMetrics metrics,
                      RoutingActions routingActions) {
        this.timers = timers;
        this.routing = routing;
        this.policies = policies;
        this.metrics = metrics;
        this.routingActions = routingActions;
    }

    private Instant now() {
        return timers.clock().instant();
    }

    SlaPolicies policies() {
        return policies;
    }

    /** The business calendars in force, by name (a queue's hours of operation name one). */
    public Map<String, ? extends WorkingTime> calendars() {
        return policies.calendars();
    }

    /** The policies from now on (a reload of sla.yaml): new timers use them, armed ones keep theirs. */
    public Future<Void> apply(SlaPolicies newPolicies) {
        policies = newPolicies;
        List<String> severities = Arrays.stream(Severity.values()).map(Severity::wireName).toList();
        List<SlaPolicy> all = new java.util.ArrayList<>(newPolicies.ordered());
        if (newPolicies.defaultPolicy() != null) {
            all.add(newPolicies.defaultPolicy());
        }
        all.forEach(policy -> policy.targets().keySet().forEach(target ->
                metrics.exportFromZero(policy.name(), target.wireName(), severities)));
        return Future.succeededFuture();
    }

    /**
     * The answer timer of an interaction about to be queued, and the fields that mirror it: the routing
     * script arms it in the run that queues the interaction, so no answer can race it and no node can stop
     * in between. Nothing when no policy has an answer target.
     */
    public RoutingEngine.BeforeQueue.Prepared answerTimer(String interactionId, InteractionRequest request,
                                                           Customer customer, RoutePlan plan) {
        SlaPolicy policy = policies.match(SlaSubject.variables(request, customer, plan.firstQueue())).orElse(null);
        if (policy == null || policy.target(SlaTarget.ANSWER).isEmpty()) {
            return RoutingEngine.BeforeQueue.Prepared.NOTHING;
        }
        SlaTimer timer = SlaTimer.arm(policy, SlaTarget.ANSWER, policy.target(SlaTarget.ANSWER).orElseThrow(), now());
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("slaPolicy", policy.name());
        fields.put("slaTarget", SlaTarget.ANSWER.wireName());
        fields.put("slaDueAt", Long.toString(timer.dueAt().toEpochMilli()));
        fields.put("slaState", "running");
        return new RoutingEngine.BeforeQueue.Prepared(fields, SlaTimerCodec.id(interactionId, SlaTarget.ANSWER), timer);
    }

    /**
     * Arms one target of a subject under a policy that has it, mirroring {@code record} and the
     * deadline into the subject's record (none when empty: the routing script stores an interaction's);
     * nothing when the target is armed already. Returns the deadline.
     */
    Future<Instant> arm(String subject, SlaPolicy policy, SlaTarget target, Map<String, Object> record) {
        SlaTimer timer = SlaTimer.arm(policy, target, policy.target(target).orElseThrow(), now());
        Map<String, Object> mirrored = new LinkedHashMap<>(record);
        if (!mirrored.isEmpty()) {
            mirrored.put("slaDueAt", timer.dueAt().toEpochMilli());
        }
        String ladder = SlaTimerCodec.ladder(timer);
        String ref = SlaTimerCodec.ref(timer, ladder);
        SlaTimerStore.Change change = new SlaTimerStore.Change(mirrored, null, ref, ladder, "");
        return timers.compareAndSet(SlaTimerCodec.id(subject, target), "", SlaTimerCodec.payload(timer, ref), change)
                .map(armed -> timer.dueAt());
    }

    /** Routing events this node committed: an assignment meets the answer target, an abandon ends it. */
    @Override
    public void committed(String command, long nanos, List<JsonObject> events) {
        for (JsonObject event : events) {
            String type = event.getString("type", "");
            String interaction = event.getString("interaction");
            if (interaction == null || event.getString("slaState") == null) {
                continue; // no agreement applied: nothing to end, no Redis round trip
            }
            String metHere = event.getString("slaMetPolicy");
            if (metHere != null) {
                // the routing script met the answer target in the run that answered (24/7 time, within target)
                metrics.met(metHere, SlaTarget.ANSWER.wireName());
                continue;
            }
            // the routing script hands over the timer as it left it (slaTimer): the first attempt reads nothing
            String payload = event.getString("slaTimer");
            Future<?> ended = switch (type) {
                case "assigned" -> end(interaction, SlaTarget.ANSWER, true, at(event), payload);
                case "abandoned", "canceled" -> end(interaction, SlaTarget.ANSWER, false, at(event), payload);
                // a met or breached answer stays as it ended
                case "attributes_updated" -> "running".equals(event.getString("slaState"))
                        || "paused".equals(event.getString("slaState")) ? rematch(interaction) : null;
                default -> null;
            };
            if (ended != null) {
                ended.onFailure(e -> LOG.warn("SLA timer of {} not ended: {}", interaction, e.getMessage()));
            }
        }
    }

    /**
     * Ends a target: {@code met} = the promise was kept or, after a breach, the breach's final
     * severity is recorded; otherwise (abandoned, canceled) the timer is dropped without a verdict.
     */
    public Future<Boolean> end(String subject, SlaTarget target, boolean answered) {
        return end(subject, target, answered, null, null);
    }

    /**
     * @param at when it happened, as the routing script recorded it (null = now): an answer handled after
     *           the clock moved on is judged by its own moment, not by when this node got to it
     * @param payload the timer as last seen, if known (null = read it)
     */
    private Future<Boolean> end(String subject, SlaTarget target, boolean answered, Instant at, String payload) {
        return mutate(SlaTimerCodec.id(subject, target), payload, ATTEMPTS, timer -> {
            Instant now = at == null ? now() : at;
            Duration elapsed = timer.elapsed(now);
            Map<String, Object> record = new LinkedHashMap<>();
            String severity = "";
            String verdict = "";
            JsonObject event = null;
            Runnable count;
            // over the target counts as breached even if the sweep has not fired the breach step yet:
            // an answer one sweep interval late is late, not met
            boolean breached = timer.breached() || elapsed.compareTo(timer.length()) > 0;
            if (breached) {
                Severity last = timer.severity(now, policies.severity());
                severity = (last == null ? Severity.MINOR : last).wireName();
                record.put("slaState", "breached");
                record.put("slaSeverity", severity);
                String finalSeverity = severity;
                boolean counted = timer.next() > indexOf(timer, Escalation.Action.SEVERITY_CRITICAL);
                verdict = counted ? "" : "sla_breached_" + severity;
                count = counted ? () -> { } : () -> metrics.breached(timer.policy(), target.wireName(), finalSeverity);
            } else if (answered) {
                record.put("slaState", "met");
                event = SlaTimerCodec.subjectJson(subject).put("type", "sla_met")
                        .put("id", SlaTimerCodec.id(subject, target)).put("target", target.wireName())
                        .put("policy", timer.policy())
                        .put("elapsedMs", elapsed.toMillis()).put("targetMs", timer.length().toMillis())
                        .put("at", now.toEpochMilli());
                verdict = "sla_met";
                count = () -> metrics.met(timer.policy(), target.wireName());
            } else {
                record.put("slaState", "canceled");
                count = () -> { };
            }
            if (answered) {
                record.put("slaMetAt", now.toEpochMilli());
                record.put("slaElapsedMs", elapsed.toMillis());
            }
            return new Mutation(null, new SlaTimerStore.Change(record, event, "", "", breached ? severity : "",
                    verdict), count);
        });
    }

    private static Instant at(JsonObject event) {
        Long at = event.getLong("at");
        return at == null ? null : Instant.ofEpochMilli(at);
    }

    /** Whether any of these targets of the subject is armed (running, paused, or breached and not ended). */
    Future<Boolean> anyArmed(String subject, List<SlaTarget> targets) {
        return timers.get(targets.stream().map(t -> SlaTimerCodec.id(subject, t)).toList()).map(found -> !found.isEmpty());
    }

    /** Stops the clock (e.g. a case pending the customer); the remaining time is kept. */
    public Future<Boolean> pause(String subject, SlaTarget target) {
        return pause(subject, target, timer -> true);
    }

    /** Stops the clock if {@code when} holds for the timer (e.g. its policy pauses while pending the customer). */
    Future<Boolean> pause(String subject, SlaTarget target, Predicate<SlaTimer> when) {
        return mutate(SlaTimerCodec.id(subject, target), timer -> {
            if (!timer.running() || !when.test(timer)) {
                return null;
            }
            SlaTimerStore.Change c = change("paused");
            c.record().put("slaDueAt", ""); // no deadline while the clock stands
            return new Mutation(timer.pausedAt(now()), c, () -> { });
        });
    }

    public Future<Boolean> resume(String subject, SlaTarget target) {
        return mutate(SlaTimerCodec.id(subject, target), timer -> {
            if (timer.running()) {
                return null;
            }
            SlaTimer resumed = timer.resumedAt(now());
            SlaTimerStore.Change c = change(timer.breached() ? "breached" : "running");
            c.record().put("slaDueAt", resumed.dueAt().toEpochMilli()); // later by the time it stood
            return new Mutation(resumed, c, () -> { });
        });
    }

    /**
     * New attributes may match another agreement (Zammad re-evaluates a ticket's SLA on every update): a waiting
     * contact's answer timer goes over to the policy its attributes, customer and queue match now, with the time
     * counted so far; steps of the new ladder already past fire at the next sweep. A breached timer keeps its
     * policy (the breach is on record), and so does one whose contact now matches no policy with an answer target.
     */
    private Future<Boolean> rematch(String interactionId) {
        return rematch(interactionId, REMATCH_ROUNDS);
    }

    /**
     * rounds: attributes updated again while the timer moved are matched again (the move compared the timer, not
     * the attributes it was matched from), so the last update's policy is the one that stays
     */
    private Future<Boolean> rematch(String interactionId, int rounds) {
        return routing.hash(routing.keys().interaction(interactionId)).compose(hash -> {
            String status = hash.get("status");
            if (!"queued".equals(status) && !"reserved".equals(status)) {
                return Future.succeededFuture(false); // answered (its timer ends) or gone
            }
            String attributes = hash.getOrDefault("attributes", "{}");
            return matching(hash).compose(policy -> policy == null ? Future.succeededFuture(false)
                    : moveTo(interactionId, policy)).compose(moved -> rounds <= 1 ? Future.succeededFuture(moved)
                    : routing.hash(routing.keys().interaction(interactionId)).compose(now ->
                            attributes.equals(now.getOrDefault("attributes", "{}")) ? Future.succeededFuture(moved)
                                    : rematch(interactionId, rounds - 1)));
        });
    }

    /**
     * The policy with an answer target the interaction matches now, or null. Its queue is the one it entered (the
     * first of its route), as when the timer was armed: an overflow since does not change the agreement.
     */
    private Future<SlaPolicy> matching(Map<String, String> hash) {
        String customerId = hash.getOrDefault("customerId", "");
        Future<Customer> customer = customerId.isEmpty() ? Future.succeededFuture(Customer.anonymous("anonymous"))
                : routing.hash(routing.keys().customer(customerId)).map(c -> c.isEmpty()
                        ? Customer.anonymous(customerId) : CustomerRecords.customer(customerId, c));
        return customer.map(c -> {
            InteractionRequest request = new InteractionRequest(Channel.parse(hash.get("channel")),
                    new JsonObject(hash.getOrDefault("attributes", "{}")).getMap(), emptyToNull(customerId), null, 0);
            JsonArray plan = new JsonArray(hash.getOrDefault("plan", "[]"));
            String entered = plan.isEmpty() ? hash.get("queue") : plan.getJsonObject(0).getString("queue");
            SlaPolicy policy = policies.match(SlaSubject.variables(request, c, entered)).orElse(null);
            return policy == null || policy.target(SlaTarget.ANSWER).isEmpty() ? null : policy;
        });
    }

    private Future<Boolean> moveTo(String interactionId, SlaPolicy policy) {
        return mutate(SlaTimerCodec.id(interactionId, SlaTarget.ANSWER), timer ->
                // past its target, breached or not yet swept: the promise it broke stands
                timer.policy().equals(policy.name()) || timer.breached() || timer.remaining(now()).isNegative() ? null
                        : moved(interactionId, SlaTarget.ANSWER, timer, policy,
                                policy.target(SlaTarget.ANSWER).orElseThrow()));
    }

    /**
     * A case's armed target under the policy the case matches now (its priority changed, a term of the policies): another
     * policy takes it over, its ladder, calendar and length, with the time counted so far, as new attributes move a
     * contact's answer; under the same policy, or once breached (the promise it broke stands), only the length changes.
     */
    public Future<Boolean> repolicy(String subject, SlaTarget target, SlaPolicy policy) {
        Duration length = policy.target(target).orElseThrow();
        return mutate(SlaTimerCodec.id(subject, target), timer ->
                timer.policy().equals(policy.name()) || timer.breached() ? retargeted(timer, length)
                        : moved(subject, target, timer, policy, length));
    }

    /** The timer under another policy, and what the subject's record and the consoles are told of it. */
    private Mutation moved(String subject, SlaTarget target, SlaTimer timer, SlaPolicy policy, Duration length) {
        SlaTimer moved = timer.underPolicy(policy, length, now());
        String ladder = SlaTimerCodec.ladder(moved);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("slaPolicy", policy.name());
        record.put("slaState", moved.state());
        record.put("slaDueAt", moved.running() ? moved.dueAt().toEpochMilli() : "");
        // told like every SLA change (consoles, webhooks): the promise the contact is measured against changed
        JsonObject event = SlaTimerCodec.subjectJson(subject).put("type", "sla_policy_changed")
                .put("id", SlaTimerCodec.id(subject, target)).put("target", target.wireName())
                .put("from", timer.policy()).put("policy", policy.name())
                .put("dueAt", moved.running() ? moved.dueAt().toEpochMilli() : null).put("at", now().toEpochMilli());
        return new Mutation(moved, new SlaTimerStore.Change(record, event, SlaTimerCodec.ref(moved, ladder),
                ladder, ""), () -> { });
    }

    /** A new target length (e.g. the customer upgraded); fired steps stay fired. */
    public Future<Boolean> retarget(String subject, SlaTarget target, Duration length) {
        return mutate(SlaTimerCodec.id(subject, target), timer -> retargeted(timer, length));
    }

    /** The timer with another length, or null when it has that length already. */
    private Mutation retargeted(SlaTimer timer, Duration length) {
        if (timer.length().equals(length)) {
            return null;
        }
        SlaTimer changed = timer.retargeted(length, now());
        SlaTimerStore.Change c = change(timer.breached() ? "breached" : timer.running() ? "running" : "paused");
        if (changed.running()) {
            c.record().put("slaDueAt", changed.dueAt().toEpochMilli());
        }
        return new Mutation(changed, c, () -> { });
    }

    private static SlaTimerStore.Change change(String state) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("slaState", state);
        return new SlaTimerStore.Change(record, null, "", "", "");
    }

    private static int indexOf(SlaTimer timer, Escalation.Action action) {
        for (int i = 0; i < timer.steps().size(); i++) {
            if (timer.steps().get(i).action() == action) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * @param timer the new state, null = disarm
     * @param afterwards what to count once the change is in Redis
     */
    private record Mutation(SlaTimer timer, SlaTimerStore.Change change, Runnable afterwards) {
    }

    /** Read, compute, compare-and-set; again on a conflict. False when there is no such timer (or nothing to do). */
    private Future<Boolean> mutate(String id, Function<SlaTimer, Mutation> compute) {
        return mutate(id, null, ATTEMPTS, compute);
    }

    /** @param payload the timer as last seen (null = read it); a stale one costs a conflict, then a read */
    private Future<Boolean> mutate(String id, String payload, int attempts, Function<SlaTimer, Mutation> compute) {
        Future<SlaTimerStore.Stored> read = payload == null ? timers.get(List.of(id)).map(found -> found.get(id))
                : timers.known(payload);
        return read.compose(stored -> {
            if (stored == null) {
                return Future.succeededFuture(false);
            }
            SlaTimer timer = SlaTimerCodec.decode(id, stored.payload(), stored.ladder(), policies::time);
            Mutation mutation = compute.apply(timer);
            if (mutation == null) {
                return Future.succeededFuture(false);
            }
            // a change that keeps the policy keeps the stored version (ref) of it: re-deriving it here would give
            // another when this node's calendars differ (one renamed, or a node without the SLA file), a ref whose
            // ladder Redis does not hold
            String ref = mutation.change().policyRef().isEmpty() ? SlaTimerStore.policyRef(stored.payload())
                    : mutation.change().policyRef();
            String next = mutation.timer() == null ? "" : SlaTimerCodec.payload(mutation.timer(), ref);
            return timers.compareAndSet(id, stored.payload(), next, mutation.change()).compose(done -> {
                if (done) {
                    mutation.afterwards().run();
                    return Future.succeededFuture(true);
                }
                if (attempts <= 1) {
                    return Future.failedFuture(new IllegalStateException("SLA timer " + id + " kept changing"));
                }
                return mutate(id, null, attempts - 1, compute);
            });
        });
    }

    // ------------------------------------------------------------------------------------- sweeping

    /** Fires due steps, acts on them; returns how many timers it claimed. */
    public Future<Integer> sweep(int limit) {
        return timers.sweep(limit).map(sweep -> {
            for (JsonObject step : sweep.fired()) {
                if (!step.getBoolean("redelivered", false) && !"stale".equals(step.getString("action"))) {
                    metrics.fired(step.getLong("lateMs", 0L));
                }
                switch (step.getString("action", "")) {
                    case "stale" -> endStale(step);
                    case "raise_priority" -> raise(step);
                    case "widen" -> widen(step);
                    case "severity_critical" -> metrics.breached(step.getString("policy"), step.getString("target"),
                            Severity.CRITICAL.wireName());
                    default -> { }
                }
            }
            return sweep.claimed();
        });
    }

    /**
     * A running timer whose subject is over: the node that answered, abandoned or resolved it stopped before ending
     * the timer. Ended here as that node would have, judged at the subject's own moment (an answer in time is met,
     * not breached by the delay); if this node stops too, the sweep hands it on again after a lease.
     */
    private void endStale(JsonObject step) {
        SlaTarget target = SlaTarget.parse(step.getString("target"));
        String interaction = step.getString("interaction");
        Future<Boolean> ended;
        if (interaction != null) {
            Long answeredAt = step.getLong("answeredAt");
            ended = answeredAt != null
                    ? end(interaction, target, true, Instant.ofEpochMilli(answeredAt), null)
                    : end(interaction, target, false, epochMillis(step.getLong("endedAt")), null);
        } else {
            boolean resolved = "resolved".equals(step.getString("status"));
            ended = end(SlaTimerCodec.caseSubject(step.getString("case")), target,
                    resolved && target == SlaTarget.RESOLUTION,
                    resolved ? epochMillis(step.getLong("resolvedAt")) : null, null);
        }
        ended.onFailure(e -> LOG.debug("stale SLA timer {} left to a later sweep: {}", step.getString("id"),
                e.getMessage()));
    }

    private static Instant epochMillis(Long millis) {
        return millis == null || millis == 0 ? null : Instant.ofEpochMilli(millis);
    }

    /**
     * Raises the waiting interaction's priority, then marks the step done; if this node dies before,
     * a later sweep delivers it again and the token keeps the raise to one. An interaction that no
     * longer waits (answered, gone) makes the step moot: done as well.
     */
    private void raise(JsonObject step) {
        String interaction = step.getString("interaction");
        String token = step.getString("raise");
        if (interaction == null || token == null) {
            return;
        }
        routingActions.raise(interaction, step.getInteger("points"), token)
                .<Void>mapEmpty()
                .recover(e -> e instanceof ApiException api && (api.status() == 404 || api.status() == 409)
                        ? Future.succeededFuture() : Future.failedFuture(e))
                .compose(v -> timers.raised(token))
                .onFailure(e -> LOG.debug("priority raise of {} left to a later sweep: {}", interaction, e.getMessage()));
    }

    /**
     * Widens the routing of the waiting interaction, then marks the step done, as a raise is: a node that stops
     * between the two leaves it to a later sweep, and the token keeps it to one widening. One that no longer waits
     * (answered, gone) makes the step moot: done as well.
     */
    private void widen(JsonObject step) {
        String interaction = step.getString("interaction");
        String token = step.getString("raise");
        if (interaction == null || token == null) {
            return;
        }
        routingActions.widen(interaction, token)
                .<Void>mapEmpty()
                .recover(e -> e instanceof ApiException api && (api.status() == 404 || api.status() == 409)
                        ? Future.succeededFuture() : Future.failedFuture(e))
                .compose(v -> timers.raised(token))
                .onFailure(e -> LOG.debug("widening of {} left to a later sweep: {}", interaction, e.getMessage()));
    }

    public Future<Long> armed() {
        return timers.armed().map(count -> {
            metrics.armed(count);
            return count;
        });
    }

    // -------------------------------------------------------------------------------------- queries

    /** The interaction's targets: running or paused timers from Redis, ended ones from the interaction. */
    public Future<JsonObject> timers(String subject) {
        List<String> ids = Arrays.stream(SlaTarget.values()).map(t -> SlaTimerCodec.id(subject, t)).toList();
        return Future.all(timers.get(ids), routing.hash(routing.keys().interaction(subject))).map(all -> {
            Map<String, SlaTimerStore.Stored> found = all.resultAt(0);
            Map<String, String> record = all.resultAt(1);
            if (found.isEmpty() && record.isEmpty()) {
                throw ApiException.notFound("no interaction '" + subject + "'");
            }
            Instant now = now();
            JsonArray out = new JsonArray();
            found.forEach((id, stored) -> out.add(json(SlaTimerCodec.decode(id, stored.payload(), stored.ladder(),
                    policies::time), now)));
            String target = record.get("slaTarget");
            if (target != null && found.keySet().stream().noneMatch(id -> id.endsWith("|" + SlaTarget.parse(target).code()))) {
                out.add(ended(record, "", target));
            }
            return new JsonObject().put("interactionId", subject).put("timers", out);
        });
    }

    /**
     * A case's targets in order (firstResponse, nextResponse, resolution): running or paused timers from
     * Redis, ended ones from the fields mirrored into the case (prefixed by the target's letter).
     */
    public Future<JsonArray> caseTimers(String caseId) {
        String subject = SlaTimerCodec.caseSubject(caseId);
        List<SlaTarget> targets = List.of(SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_RESPONSE, SlaTarget.RESOLUTION);
        List<String> ids = targets.stream().map(t -> SlaTimerCodec.id(subject, t)).toList();
        return Future.all(timers.get(ids), routing.hash(routing.keys().caseRecord(caseId))).map(all -> {
            Map<String, SlaTimerStore.Stored> found = all.resultAt(0);
            Map<String, String> record = all.resultAt(1);
            if (record.isEmpty()) {
                throw ApiException.notFound("no case '" + caseId + "'");
            }
            Instant now = now();
            JsonArray out = new JsonArray();
            for (SlaTarget target : targets) {
                String id = SlaTimerCodec.id(subject, target);
                SlaTimerStore.Stored stored = found.get(id);
                if (stored != null) {
                    out.add(json(SlaTimerCodec.decode(id, stored.payload(), stored.ladder(), policies::time), now));
                } else if (record.get(target.code() + ":slaState") != null) {
                    out.add(ended(record, target.code() + ":", target.wireName()));
                }
            }
            return out;
        });
    }

    /** An ended target as mirrored into its subject's record. */
    private static JsonObject ended(Map<String, String> record, String prefix, String target) {
        return new JsonObject().put("target", target).put("policy", record.get(prefix + "slaPolicy"))
                .put("state", record.get(prefix + "slaState")).put("dueAt", number(record.get(prefix + "slaDueAt")))
                .put("remainingMs", null).put("elapsedMs", number(record.get(prefix + "slaElapsedMs")))
                .put("metAt", number(record.get(prefix + "slaMetAt")))
                .put("breachedAt", number(record.get(prefix + "slaBreachedAt")))
                .put("severity", emptyToNull(record.get(prefix + "slaSeverity")));
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private JsonObject json(SlaTimer timer, Instant now) {
        Instant nextDue = timer.nextDue();
        Escalation next = timer.next() < timer.steps().size() ? timer.steps().get(timer.next()) : null;
        Severity severity = timer.breached() ? timer.severity(now, policies.severity()) : null;
        return new JsonObject().put("target", timer.target().wireName()).put("policy", timer.policy())
                .put("state", timer.state()).put("running", timer.running())
                .put("targetMs", timer.length().toMillis())
                .put("elapsedMs", timer.elapsed(now).toMillis()).put("remainingMs", timer.remaining(now).toMillis())
                .put("dueAt", timer.dueAt() == null ? null : timer.dueAt().toEpochMilli())
                .put("calendar", timer.time().name().isEmpty() ? null : timer.time().name())
                .put("severity", severity == null ? (timer.breached() ? "minor" : null) : severity.wireName())
                .put("nextStep", next == null ? null : new JsonObject().put("action", next.action().wireName())
                        .put("at", next.at()).put("dueAt", nextDue == null ? null : nextDue.toEpochMilli()));
    }

    /** Breaches recorded in {@code [from, to]}, filtered by queue and severity (null = any). */
    public Future<JsonArray> breaches(long from, long to, String queue, String severity, int limit, boolean oldestFirst) {
        // filters run here, over at most 100,000 recorded breaches of the window
        return timers.breaches(from, to, 100_000, oldestFirst).map(list -> {
            JsonArray out = new JsonArray();
            list.stream().filter(b -> queue == null || queue.equals(b.getString("queue")))
                    .filter(b -> severity == null || severity.equals(b.getString("severity")))
                    .limit(limit).forEach(out::add);
            return out;
        });
    }

    /**
     * Running timers that passed a warn step or are due within {@code within}, soonest deadline first:
     * {@code {kind: interaction|case, id, policy, target, dueAt, state: warned|running}}. One script
     * reads the warned set and the wheel slots of the window, never the whole keyspace.
     */
    public Future<JsonArray> atRisk(Duration within, int limit) {
        return timers.atRisk(within, limit, AT_RISK_BUDGET).map(list -> {
            JsonArray out = new JsonArray();
            for (JsonObject t : list) {
                String id = t.getString("id");
                JsonObject subject = SlaTimerCodec.subjectJson(id.substring(0, id.length() - 2));
                String kind = subject.containsKey("case") ? "case" : "interaction";
                out.add(new JsonObject().put("kind", kind).put("id", subject.getString(kind))
                        .put("policy", t.getString("policy"))
                        .put("target", SlaTarget.parse(id.substring(id.length() - 1)).wireName())
                        .put("dueAt", t.getLong("dueAt")).put("state", t.getString("state")));
            }
            return out;
        });
    }

    /** One recorded breach by its id (the timer id), or null. */
    public Future<JsonObject> breach(String id) {
        return timers.breach(id);
    }

    private static Long number(String value) {
        return value == null || value.isEmpty() ? null : Long.parseLong(value);
    }
}
