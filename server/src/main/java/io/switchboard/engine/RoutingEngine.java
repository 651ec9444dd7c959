package io.switchboard.engine;

import io.switchboard.metrics.RoutingObserver;
import io.switchboard.routing.Agent;
import io.switchboard.routing.Channel;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.Customer;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.routing.Ordering;
import io.switchboard.routing.PlannedStep;
import io.switchboard.routing.Pool;
import io.switchboard.routing.PriorityPolicy;
import io.switchboard.routing.QueueDefinition;
import io.switchboard.routing.RoutePlan;
import io.switchboard.routing.RoutePlanner;
import io.switchboard.routing.RoutingExplainer;
import io.switchboard.routing.RoutingRules;
import io.switchboard.routing.Sha256;
import io.switchboard.routing.Step;
import io.switchboard.sla.SlaTimer;
import io.switchboard.sla.WorkingTime;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.store.redis.RoutingStore;
import io.switchboard.store.redis.ScriptResult;
import io.switchboard.store.redis.SlaTimerCodec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing use cases, as the API and the channels call them: it plans with the domain
 * ({@link RoutePlanner}) and commits through the store ({@link RoutingStore}). It keeps no state of
 * its own beyond the rules loaded from files, which every node loads alike.
 */
public final class RoutingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingEngine.class);
    /**
     * Bumped when what an agent's index holds changes (2: pool sets per capacity channel; 3: pools and their order
     * in the agent's hash, one set of lines; 4: each pool's signed-in agents, for a step's skipIf).
     */
    private static final int AGENT_INDEX_LAYOUT = 4;

    private final RoutingStore store;
    private final RedisKeys keys;
    private final PriorityPolicy priority;
    private final AtomicReference<RoutingRules> rules = new AtomicReference<>();
    private final RoutingObserver observer;
    private final BeforeQueue beforeQueue;
    private final LiveInteractions live;
    private final AttributeUpdates attributeUpdates;
    private final StrandedContacts stranded;
    private final QueueHours hours;
    private final ScheduledContacts scheduled;

    /** What a new interaction gets before it is queued: its SLA answer timer, armed in the run that queues it. */
    @FunctionalInterface
    public interface BeforeQueue {
        BeforeQueue NONE = (id, request, customer, plan) -> Prepared.NOTHING;

        Prepared prepare(String interactionId, InteractionRequest request, Customer customer, RoutePlan plan);

        /**
         * @param fields stored on the interaction
         * @param timerId null = no timer to arm
         */
        record Prepared(Map<String, String> fields, String timerId, SlaTimer timer) {
            public static final Prepared NOTHING = new Prepared(Map.of(), null, null);
        }
    }

    /**
     * @param observer told of every change this node commits (metrics, webhooks)
     * @param calendars the business calendars in force by name, which queues' hours of operation name (read at each
     *                  use: a reload of the SLA file changes them)
     */
    public RoutingEngine(RoutingStore store, PriorityPolicy priority, RoutingObserver observer, BeforeQueue beforeQueue,
                         Supplier<? extends Map<String, ? extends WorkingTime>> calendars) {
        this.store = store;
        this.keys = store.keys();
        this.priority = priority;
        this.observer = observer;
        this.beforeQueue = beforeQueue;
        this.live = new LiveInteractions(store, rules::get);
        this.attributeUpdates = new AttributeUpdates(this);
        this.stranded = new StrandedContacts(this, store);
        this.hours = new QueueHours(store, rules::get, calendars);
        this.scheduled = new ScheduledContacts(store, this);
    }

    /** Contacts to create later (a callback for when the queues open). */
    public ScheduledContacts scheduled() {
        return scheduled;
    }

    /** Which queues are open now, and until when. */
    public QueueHours hours() {
        return hours;
    }

    /** The interactions on the floor now, filtered (GET /api/v1/interactions). */
    public LiveInteractions live() {
        return live;
    }

    public RoutingRules rules() {
        return rules.get();
    }

    /** Routing time, epoch ms (the clock tests move). */
    public long now() {
        return store.now();
    }

    public PriorityPolicy priority() {
        return priority;
    }

    /**
     * Installs new rules: registers their pools, then recomputes every agent's pool membership, one routing
     * command per agent, unless every agent already has the membership these rules give: another node indexed
     * them under the same fingerprint (and wrote so once it had finished), and this node never indexed an agent
     * under rules with another one. So neither a rolling restart of a large floor nor a reload that changes only
     * filters, steps or priorities re-indexes every agent; a change of members, narrowing or channels does.
     * Returns how many agents were re-indexed. Failed (Redis unreachable), the caller tries again: a second apply of
     * the same rules re-indexes what the first did not record as done.
     */
    public Future<Integer> applyRules(RoutingRules newRules) {
        RoutingRules previous = rules.get();
        String fingerprint = newRules.membershipFingerprint();
        boolean sameMembership = previous == null || previous.membershipFingerprint().equals(fingerprint);
        String applied = AGENT_INDEX_LAYOUT + ":" + fingerprint;
        JsonArray pools = new JsonArray();
        newRules.pools().values().forEach(p -> pools.add(new JsonObject().put("id", p.id())));
        JsonArray queues = new JsonArray();
        newRules.queues().values().forEach(q -> queues.add(new JsonObject().put("name", q.name())
                .put("sl", q.serviceLevelThreshold().toMillis()).put("short", q.shortAbandon().toMillis())));
        // in force on this node once Redis has its pools and queues: a failed apply leaves the node on the old rules
        return commit("rules", pools.encode(), queues.encode())
                .onSuccess(r -> rules.set(newRules))
                .compose(r -> sameMembership ? store.get(keys.rulesApplied()) : Future.succeededFuture((String) null))
                .compose(indexed -> applied.equals(indexed) ? Future.succeededFuture(0) : reindexAgents()
                        .compose(n -> store.set(keys.rulesApplied(), applied).map(n)))
                .compose(n -> stranded.reroute(newRules).otherwise(0).map(n));
    }

    /**
     * {@link StrandedContacts} under the rules in force: also run now and then (TimerSweeper), for a contact that
     * reached a dead line after the reload (a later step of its plan named a queue since removed, an offer made before
     * the reload that was refused after it).
     */
    public Future<Integer> rerouteStranded() {
        RoutingRules current = rules.get();
        return current == null ? Future.succeededFuture(0) : stranded.reroute(current);
    }

    /** Agents re-indexed at once: a whole floor sent in one burst would wait in Redis past the command timeout. */
    static final int REINDEX_WINDOW = 128;

    private Future<Integer> reindexAgents() {
        return store.members(keys.agents()).compose(ids -> reindex(List.copyOf(ids), 0).map(ids.size()));
    }

    private Future<Void> reindex(List<String> ids, int from) {
        if (from >= ids.size()) {
            return Future.succeededFuture();
        }
        List<String> window = ids.subList(from, Math.min(ids.size(), from + REINDEX_WINDOW));
        return Future.all(window.stream().map(this::refreshMembership).toList())
                .compose(v -> reindex(ids, from + REINDEX_WINDOW));
    }

    private Future<ScriptResult> refreshMembership(String agentId) {
        return store.hash(keys.agent(agentId)).compose(hash -> {
            Agent agent = AgentRecords.agent(agentId, hash);
            return commit("upsert", agentId, "{}", poolsJson(agent));
        });
    }

    // ------------------------------------------------------------------------------------ agents

    public Future<JsonObject> upsertAgent(Agent agent, String pin) {
        String pinHash = pin == null ? null : pinHash(agent.id(), pin);
        JsonObject fields = new JsonObject(new LinkedHashMap<>(AgentRecords.profileFields(agent, pinHash)));
        return commit("upsert", agent.id(), fields.encode(), poolsJson(agent)).compose(r -> agent(agent.id()));
    }

    /**
     * {"voice": [pool, ...], "chat": [...], "email": [...]}, each pool with how it ranks agents unless longest idle
     * ({@code billing~1a2b3c4d/highest_proficiency:billing}): ranking the agent in it then needs no read of the pool.
     */
    private String poolsJson(Agent agent) {
        RoutingRules current = rules.get();
        Map<String, Pool> pools = current.pools();
        JsonObject byChannel = new JsonObject();
        current.poolsFor(agent).forEach((channel, ids) -> byChannel.put(channel.wireName(),
                new JsonArray(ids.stream().map(id -> membershipWord(id, pools.get(id), agent)).toList())));
        return byChannel.encode();
    }

    /** "<pool>[/<order>][#<priority>]": the pool's order unless longest idle, the agent's queue priority unless 1. */
    private static String membershipWord(String poolId, Pool pool, Agent agent) {
        if (pool == null) {
            return poolId; // the agent's own pool
        }
        String word = pool.ordering().kind() != Ordering.Kind.LONGEST_IDLE ? poolId + "/" + pool.ordering() : poolId;
        int priority = agent.priorityFor(pool.queue());
        return priority > 1 ? word + "#" + priority : word;
    }

    /** An agent with live state and the interactions it holds now (for desktops after a reconnect). */
    public Future<JsonObject> agent(String id) {
        return Future.all(store.hash(keys.agent(id)), store.members(keys.agentWork(id))).map(all -> {
            Map<String, String> hash = all.resultAt(0);
            if (hash.isEmpty()) {
                throw ApiException.notFound("no agent '" + id + "'");
            }
            List<String> work = all.resultAt(1);
            return AgentRecords.json(id, hash).put("interactions", new JsonArray(work.stream().sorted().toList()));
        }).compose(json -> {
            // a desktop that reconnects during an offer needs its deadline to show the countdown again
            String reservation = json.getString("reservation");
            return reservation == null ? Future.succeededFuture(json)
                    : store.hash(keys.reservation(reservation)).map(rsv -> rsv.containsKey("expires")
                            ? json.put("reservationExpiresAt", Long.parseLong(rsv.get("expires"))) : json);
        });
    }

    /** Every agent with live state and the interactions each holds (the supervisor's agent table). */
    public Future<List<JsonObject>> agents() {
        return store.members(keys.agents()).compose(this::agents);
    }

    /** These agents (those that exist), as {@link #agents()} gives them, by id. */
    public Future<List<JsonObject>> agents(java.util.Collection<String> ids) {
        List<String> sorted = ids.stream().distinct().sorted().toList();
        // one pipelined batch of reads, however many agents
        List<Future<List<String>>> work = sorted.stream().map(id -> store.members(keys.agentWork(id))).toList();
        Future<List<Map<String, String>>> hashes = store.hashes(sorted.stream().map(keys::agent).toList());
        return Future.all(hashes, Future.all(work)).map(all -> {
            List<JsonObject> out = new ArrayList<>();
            for (int i = 0; i < sorted.size(); i++) {
                if (!hashes.result().get(i).isEmpty()) {
                    out.add(AgentRecords.json(sorted.get(i), hashes.result().get(i)).put("interactions",
                            new JsonArray(work.get(i).result().stream().sorted().toList())));
                }
            }
            return out;
        });
    }

    /**
     * The agent's current session if the PIN is right, else null: a token carries the session it was opened in, and
     * only the current one's are taken ({@link #session}); a sign-out or a new PIN starts the next.
     */
    public Future<Long> sessionFor(String agentId, String pin) {
        return store.hash(keys.agent(agentId)).map(hash -> {
            String stored = hash.get("pin");
            boolean right = stored != null && MessageDigest.isEqual(stored.getBytes(StandardCharsets.UTF_8),
                    pinHash(agentId, pin).getBytes(StandardCharsets.UTF_8));
            return right ? sessionNumber(hash.get("session")) : null;
        });
    }

    /** The agent's current session (0 before its first sign-out or PIN change). */
    public Future<Long> session(String agentId) {
        return store.hget(keys.agent(agentId), "session").map(RoutingEngine::sessionNumber);
    }

    private static long sessionNumber(String field) {
        return field == null ? 0 : Long.parseLong(field);
    }

    /**
     * Ends every session the agent has (its tokens stop working on every node, its desks are closed) and signs it
     * out: no more offers; a chat it is in conversation on goes back to its line ({@link #requeueLiveChat}), the rest
     * of its work stays with it.
     */
    public Future<JsonObject> signOut(String agentId, String reason) {
        return commit("signout", agentId, reason)
                .recover(e -> Future.failedFuture(e instanceof ApiException api && api.status() == 404
                        ? ApiException.notFound("no agent '" + agentId + "'") : e))
                .compose(r -> store.members(keys.agentWork(agentId)))
                .compose(work -> Future.join(work.stream().map(id -> requeueLiveChat(id, agentId)).toList()))
                .compose(v -> agent(agentId));
    }

    /**
     * A chat in conversation whose agent signed out goes back to its queue's line, keeping its age: nobody could answer
     * its customer otherwise (the agent's token is dead), where a call stays on the agent's phone and an email waits. One
     * that cannot be moved stays the agent's, as before, for a supervisor to transfer.
     */
    private Future<Void> requeueLiveChat(String interactionId, String agentId) {
        // as the agent: a chat a supervisor moved to someone else meanwhile is not taken from its new agent
        return interactionHash(interactionId).compose(hash -> Channel.CHAT.wireName().equals(hash.get("channel"))
                        && "assigned".equals(hash.get("status"))
                        ? transferToQueue(interactionId, hash.get("queue"), agentId).<Void>mapEmpty()
                        : Future.<Void>succeededFuture())
                .recover(e -> {
                    LOG.warn("chat {} of a signed-out agent not put back in line: {}", interactionId, e.getMessage());
                    return Future.succeededFuture();
                });
    }

    /** presence: available, away or offline. */
    public Future<JsonObject> setAgentState(String agentId, String presence, String reason) {
        return commit("state", agentId, presence, reason == null ? "" : reason)
                .compose(r -> agent(agentId));
    }

    // ------------------------------------------------------------------------------ interactions

    public Future<JsonObject> createInteraction(InteractionRequest request) {
        return createInteraction(UUID.randomUUID().toString(), request);
    }

    /** With the id chosen by the caller (a channel that must record it before routing can act on it). */
    public Future<JsonObject> createInteraction(String id, InteractionRequest request) {
        return createInteraction(id, request, 0);
    }

    /**
     * @param queuedAtMs the place in line: when the contact really came in (a callback asked for in the
     *                   IVR keeps the time the call arrived), or 0 for now
     */
    public Future<JsonObject> createInteraction(String id, InteractionRequest request, long queuedAtMs) {
        return customer(request.customerId()).compose(customer -> {
            RoutePlan plan = planner().plan(request, customer);
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("channel", request.channel().wireName());
            fields.put("cch", request.channel().capacityChannel().wireName());
            fields.put("customerId", request.customerId() == null ? "" : request.customerId());
            fields.put("attributes", new JsonObject(new LinkedHashMap<>(request.attributes())).encode());
            fields.put("workflow", plan.workflow());
            fields.put("filter", plan.filter());
            fields.put("plan", planJson(plan));
            fields.put("base", Double.toString(plan.basePriority()));
            fields.put("tier", customer.tier());
            if (queuedAtMs > 0) {
                fields.put("queued", Long.toString(queuedAtMs));
            }
            BeforeQueue.Prepared prepared = beforeQueue.prepare(id, request, customer, plan);
            fields.putAll(prepared.fields());
            return commit("enqueue", id, new JsonObject(new LinkedHashMap<>(fields)).encode(),
                    SlaTimerCodec.armArgument(keys, prepared.timerId(), prepared.timer()));
        }).map(r -> new JsonObject().put("id", id).put("queue", r.result().getString("queue"))
                .put("priority", r.result().getValue("priority")).put("status", r.result().getString("status")));
    }

    /**
     * An agent's own call out (click-to-dial) as a contact that agent holds from the start: in the customer's history,
     * timed and wrapped up like any call, counted under {@link QueueDefinition#OUTBOUND} apart from the inbound lines, and
     * holding the agent's voice capacity, so that routing offers the agent no call while it dials. Refused (409) for an
     * agent signed out, with an offer open, or on a call already. Canceled by routing's timers if the agent's phone has
     * not answered within {@code ringFor} ({@link #callOutConnected}).
     */
    public Future<JsonObject> dialOut(String id, String agentId, String number, String customerId, Duration ringFor) {
        return customer(customerId).compose(customer -> {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("channel", Channel.VOICE.wireName());
            fields.put("queue", QueueDefinition.OUTBOUND);
            fields.put("customerId", customerId == null ? "" : customerId);
            fields.put("attributes", new JsonObject().put("number", number).encode());
            fields.put("tier", customer.tier());
            return commit("outbound", id, agentId, new JsonObject(new LinkedHashMap<>(fields)).encode(),
                    Long.toString(ringFor.toMillis()));
        }).map(r -> new JsonObject().put("id", id).put("queue", QueueDefinition.OUTBOUND).put("status", "assigned"));
    }

    /**
     * The agent answered its phone for its call out: talk time starts, its dial timer stops. True only for the first
     * node to tell it (every node sees the answer).
     */
    public Future<Boolean> callOutConnected(String id) {
        return commit("outbound_connected", id).map(r -> r.result().getBoolean("connected", false));
    }

    /**
     * The agent's phone never answered its call out: canceled, the agent free at once. False when it had connected
     * (or ended) already. Only the voice channel says so: nobody else knows the phone stopped ringing.
     */
    public Future<Boolean> callOutFailed(String id, String reason) {
        return commit("outbound_failed", id, reason).map(r -> r.result().getBoolean("canceled", false));
    }

    public Future<JsonObject> interaction(String id) {
        return Future.all(store.hash(keys.interaction(id)), store.list(keys.history(id)))
                .compose(all -> {
                    Map<String, String> hash = all.resultAt(0);
                    if (hash.isEmpty()) {
                        return Future.failedFuture(ApiException.notFound("no interaction '" + id + "'"));
                    }
                    List<String> history = all.resultAt(1);
                    JsonObject json = InteractionRecords.json(id, hash, history);
                    if (!"queued".equals(json.getString("status"))) {
                        return Future.succeededFuture(json);
                    }
                    return store.zrank(keys.queueByPriority(json.getString("queue")), id)
                            .map(rank -> json.put("position", rank == null ? null : rank + 1));
                });
    }

    public Future<JsonObject> accept(String reservationId, String agentId) {
        return commit("accept", reservationId, agentId).map(ScriptResult::result);
    }

    public Future<JsonObject> reject(String reservationId, String agentId, String reason) {
        return commit("reject", reservationId, agentId, reason == null ? "rejected" : reason).map(ScriptResult::result);
    }

    /**
     * A warm transfer consults another agent: that agent holds voice capacity for the consultation (busy, offered
     * nothing else) until {@link #endConsult}, the transfer, or the end of the call. 409 when it is not free.
     * @param actor the agent on the call, or null for staff
     */
    public Future<JsonObject> consult(String interactionId, String agentId, String actor) {
        return commit("consult", interactionId, agentId, orEmpty(actor)).map(ScriptResult::result);
    }

    /** The consultation ended without a transfer: the consulted agent is free again. */
    public Future<JsonObject> endConsult(String interactionId, String actor) {
        return endConsult(interactionId, actor, "canceled", null);
    }

    /**
     * @param outcome in the event and the history: canceled, not_answered (the consulted leg ended unanswered) or
     *     hung_up (the consulted agent answered, then hung up)
     * @param agentId the consulted agent whose hold this ends (409 if another's), or null for whoever it is
     */
    public Future<JsonObject> endConsult(String interactionId, String actor, String outcome, String agentId) {
        return commit("consult_end", interactionId, orEmpty(actor), outcome, orEmpty(agentId))
                .map(ScriptResult::result);
    }

    /**
     * The conversation is over; the agent does after-contact work for the queue's wrap-up time.
     * @param actor the agent acting (it must hold the interaction), or null for staff
     */
    public Future<JsonObject> wrapUp(String interactionId, String actor) {
        return store.hash(keys.interaction(interactionId)).compose(hash -> {
            if (hash.isEmpty()) {
                return Future.failedFuture(ApiException.notFound("no interaction '" + interactionId + "'"));
            }
            return commit("wrapup", interactionId, Long.toString(wrapUpMillis(hash.get("queue"))), orEmpty(actor))
                    .map(ScriptResult::result);
        });
    }

    /** @param amountCents revenue the contact generated (cross-sell, up-sell), 0 if none */
    public Future<JsonObject> complete(String interactionId, String disposition, String notes, String actor,
                                       long amountCents) {
        return commit("complete", interactionId, orEmpty(disposition), orEmpty(notes), orEmpty(actor),
                Long.toString(amountCents)).map(ScriptResult::result);
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * The waiting (or offered) interaction gains priority points (any, also negative or fractional: a supervisor's
     * reprioritisation; whole ones: an SLA escalation), atomically re-placed in line.
     * @param once a token, or empty: a second raise with it changes nothing (an SLA step delivered again)
     */
    public Future<JsonObject> raise(String interactionId, double points, String reason, String once) {
        return commit("raise", interactionId, Double.toString(points), orEmpty(reason), orEmpty(once))
                .map(ScriptResult::result);
    }

    /**
     * The head of a queue's waiting line, in the order it will be served (its priority sorted set):
     * O(log n + limit) in Redis, one pipelined read of the interactions.
     */
    public Future<JsonArray> waiting(String queue, int limit) {
        rules.get().queue(queue).orElseThrow(() -> ApiException.notFound("no queue '" + queue + "'"));
        return store.head(keys.queueByPriority(queue), limit).compose(ids -> store.hashes(ids.stream()
                .map(keys::interaction).toList()).map(hashes -> {
                    JsonArray line = new JsonArray();
                    for (int i = 0; i < ids.size(); i++) {
                        Map<String, String> h = hashes.get(i);
                        if (h.isEmpty()) {
                            continue; // ended between the two reads
                        }
                        line.add(new JsonObject().put("id", ids.get(i)).put("position", i + 1)
                                .put("channel", h.get("channel")).put("customerId", h.get("customerId"))
                                .put("priority", Double.parseDouble(h.getOrDefault("priority", "0")))
                                .put("queuedAt", Long.parseLong(h.getOrDefault("queued", "0")))
                                .put("status", h.get("status"))
                                .put("attributes", new JsonObject(h.getOrDefault("attributes", "{}"))));
                    }
                    return line;
                }));
    }

    /**
     * Moves a waiting (or offered) interaction to its workflow's next step now, as that step's timeout
     * would: wider skills or an overflow queue. On the last step it changes nothing ({@code widened} false).
     * @param once a token: a second widen with it changes nothing (an SLA step delivered again)
     */
    public Future<JsonObject> widen(String interactionId, String reason, String once) {
        return commit("widen", interactionId, orEmpty(reason), orEmpty(once)).map(ScriptResult::result);
    }

    /** status: canceled (by the system or API) or abandoned (the customer left). */
    public Future<JsonObject> cancel(String interactionId, String status, String reason) {
        return commit("cancel", interactionId, status, reason == null ? "" : reason).map(ScriptResult::result);
    }

    /**
     * A waiting caller asked to be called back: the voice interaction becomes a callback with the same
     * place in line (queue, priority, queued time). Conflict once it is offered or no longer a call.
     */
    public Future<JsonObject> toCallback(String interactionId, JsonObject attributes) {
        return commit("callback", interactionId, attributes.encode()).map(ScriptResult::result);
    }

    public Future<JsonObject> transferToQueue(String interactionId, String queue, String actor) {
        if (rules.get().queue(queue).isEmpty()) {
            return Future.failedFuture(ApiException.unprocessable("unknown queue '" + queue + "'"));
        }
        return interactionHash(interactionId).compose(hash ->
                transfer(interactionId, hash, planner().toQueue(queue, Channel.parse(hash.get("channel")), base(hash)),
                        actor));
    }

    /**
     * To one agent, who has it for a minute before the queue's line takes it. One who is signed out is refused (409):
     * the contact would have waited that minute for nobody while the agent transferring it thought it on its way.
     */
    public Future<JsonObject> transferToAgent(String interactionId, String agentId, String actor) {
        return transferToAgent(interactionId, agentId, actor, true);
    }

    /**
     * A warm transfer completed: Asterisk has put the caller through to the consulted agent already, so the
     * interaction follows, whatever that agent's presence says by now.
     */
    public Future<JsonObject> completeWarmTransfer(String interactionId, String agentId, String actor) {
        return transferToAgent(interactionId, agentId, actor, false);
    }

    private Future<JsonObject> transferToAgent(String interactionId, String agentId, String actor,
                                               boolean requireSignedIn) {
        return Future.all(interactionHash(interactionId), agent(agentId)).compose(all -> {
            Map<String, String> hash = all.resultAt(0);
            JsonObject target = all.resultAt(1);
            if (agentId.equals(hash.get("agent"))) {
                throw ApiException.conflict("interaction " + interactionId + " is " + agentId + "'s already");
            }
            if (requireSignedIn && "offline".equals(target.getString("presence", "offline"))) {
                throw ApiException.conflict("agent " + agentId + " is signed out: transfer to a queue, or to an agent "
                        + "who is signed in");
            }
            return transfer(interactionId, hash, planner().toAgent(agentId, hash.get("queue"), base(hash)), actor);
        });
    }

    /** The agent who transfers a contact wraps up for its queue's wrap-up time, as after any contact. */
    private Future<JsonObject> transfer(String interactionId, Map<String, String> hash, RoutePlan plan, String actor) {
        return commit("transfer", interactionId, planJson(plan), Double.toString(base(hash)), orEmpty(actor),
                Long.toString(wrapUpMillis(hash.get("queue")))).map(ScriptResult::result);
    }

    /**
     * Merges a patch into an interaction's attributes and routes it again if they now give it another route
     * ({@link AttributeUpdates}).
     *
     * @param actor the agent updating the interaction it holds (which never re-routes it), or null for staff
     */
    public Future<JsonObject> updateAttributes(String interactionId, Map<String, Object> patch, String actor) {
        return attributeUpdates.update(interactionId, patch, actor);
    }

    Future<Map<String, String>> interactionHash(String interactionId) {
        return store.hash(keys.interaction(interactionId)).map(hash -> {
            if (hash.isEmpty()) {
                throw ApiException.notFound("no interaction '" + interactionId + "'");
            }
            return hash;
        });
    }

    private static double base(Map<String, String> hash) {
        return Double.parseDouble(hash.getOrDefault("base", "0"));
    }

    private long wrapUpMillis(String queue) {
        return rules.get().queue(queue).map(QueueDefinition::wrapUp).orElse(QueueDefinition.DEFAULT_WRAP_UP).toMillis();
    }

    // --------------------------------------------------------------------------------- customers

    public Future<Customer> customer(String id) {
        if (id == null || id.isEmpty()) {
            return Future.succeededFuture(Customer.anonymous("anonymous"));
        }
        return store.hash(keys.customer(id)).map(hash -> hash.isEmpty() ? Customer.anonymous(id)
                : CustomerRecords.customer(id, hash));
    }

    public Future<Boolean> customerExists(String id) {
        return store.hash(keys.customer(id)).map(hash -> !hash.isEmpty());
    }

    /**
     * Writes the customer and indexes its phones and emails, each of which belongs to one customer: one another
     * customer has refuses the save (409, nothing written), where taking it over sent that customer's mail and calls to
     * this one. Those it had and no longer has leave the indexes (when they still name it): left there, a later
     * contact from that number would be taken for this customer, and an import row matched by it would overwrite this
     * customer's record.
     */
    public Future<Void> saveCustomer(Customer customer) {
        Set<String> phones = new java.util.LinkedHashSet<>(customer.phones().stream().map(RoutingEngine::normalizedPhone)
                .filter(p -> !p.isEmpty()).toList());
        Set<String> emails = new java.util.LinkedHashSet<>(customer.emails().stream().map(RoutingEngine::normalizedEmail)
                .toList());
        return store.claimAddresses(keys.customersByPhone(), keys.customersByEmail(), keys.customer(""), customer.id(),
                List.copyOf(phones), List.copyOf(emails)).compose(held -> {
            if (!held.isEmpty()) {
                String what = held.get(0).equals(keys.customersByPhone()) ? "phone" : "email";
                return Future.failedFuture(ApiException.conflict("customer " + customer.id() + ": " + what + " '"
                        + held.get(1) + "' belongs to customer " + held.get(2) + "; take it off that customer first"));
            }
            return store.hash(keys.customer(customer.id()));
        }).compose(before -> {
            List<Future<Void>> writes = new ArrayList<>();
            writes.add(store.hset(keys.customer(customer.id()), CustomerRecords.fields(customer,
                    CustomerRecords.IMPORTED)));
            if (!before.isEmpty()) {
                Customer old = CustomerRecords.customer(customer.id(), before);
                old.phones().stream().map(RoutingEngine::normalizedPhone).filter(p -> !phones.contains(p))
                        .forEach(p -> writes.add(unindex(keys.customersByPhone(), p, customer.id())));
                old.emails().stream().map(RoutingEngine::normalizedEmail).filter(e -> !emails.contains(e))
                        .forEach(e -> writes.add(unindex(keys.customersByEmail(), e, customer.id())));
            }
            return Future.all(writes).mapEmpty();
        });
    }

    private Future<Void> unindex(String index, String field, String customerId) {
        return store.hget(index, field).compose(owner -> customerId.equals(owner)
                ? store.hdel(index, field).<Void>mapEmpty() : Future.<Void>succeededFuture());
    }

    /**
     * Who holds each of these phones and emails now: keys "phone:<digits>" and "email:<address>" as normalized, a
     * value for those a customer has.
     */
    public Future<Map<String, String>> addressOwners(Collection<String> phones, Collection<String> emails) {
        List<String> phoneKeys = phones.stream().map(RoutingEngine::normalizedPhone).distinct().toList();
        List<String> emailKeys = emails.stream().map(RoutingEngine::normalizedEmail).distinct().toList();
        Future<List<String>> phoneOwners = phoneKeys.isEmpty() ? Future.succeededFuture(List.of())
                : store.hmget(keys.customersByPhone(), phoneKeys.toArray(String[]::new));
        Future<List<String>> emailOwners = emailKeys.isEmpty() ? Future.succeededFuture(List.of())
                : store.hmget(keys.customersByEmail(), emailKeys.toArray(String[]::new));
        return Future.all(phoneOwners, emailOwners).compose(v -> {
            Map<String, String> owners = new HashMap<>();
            for (int i = 0; i < phoneKeys.size(); i++) {
                if (phoneOwners.result().get(i) != null) {
                    owners.put("phone:" + phoneKeys.get(i), phoneOwners.result().get(i));
                }
            }
            for (int i = 0; i < emailKeys.size(); i++) {
                if (emailOwners.result().get(i) != null) {
                    owners.put("email:" + emailKeys.get(i), emailOwners.result().get(i));
                }
            }
            return firmOnly(owners);
        });
    }

    /**
     * The owners as saveCustomer's claim sees them: a holder that does not list the address any more, or has it only
     * because a chat or an email created it, yields it (left out here).
     */
    private Future<Map<String, String>> firmOnly(Map<String, String> owners) {
        List<String> holders = owners.values().stream().distinct().toList();
        return store.hashes(holders.stream().map(keys::customer).toList()).map(records -> {
            Map<String, Map<String, String>> byHolder = new HashMap<>();
            for (int i = 0; i < holders.size(); i++) {
                byHolder.put(holders.get(i), records.get(i));
            }
            Map<String, String> firm = new HashMap<>();
            owners.forEach((address, holder) -> {
                Map<String, String> record = byHolder.get(holder);
                if (record.isEmpty() || CustomerRecords.FROM_CONTACT.equals(record.get("origin"))) {
                    return;
                }
                Customer c = CustomerRecords.customer(holder, record);
                boolean listed = address.startsWith("phone:")
                        ? c.phones().stream().map(RoutingEngine::normalizedPhone).anyMatch(address.substring(6)::equals)
                        : c.emails().stream().map(RoutingEngine::normalizedEmail).anyMatch(address.substring(6)::equals);
                if (listed) {
                    firm.put(address, holder);
                }
            });
            return firm;
        });
    }

    /** The customer whose phone this is, or null. */
    public Future<String> customerIdByPhone(String phone) {
        if (phone == null || phone.isBlank()) {
            return Future.succeededFuture();
        }
        return store.hget(keys.customersByPhone(), normalizedPhone(phone));
    }

    /**
     * A customer known by one new address (a chat's pre-chat form), created once however many contacts from that
     * address race, on any node: the address index decides atomically who owns it, and the record is written before
     * the index names it, so whoever finds the address finds the customer. Returns the owner's id (this one's, or the
     * winner's, whose loser record is removed).
     */
    public Future<String> createCustomerForEmail(Customer customer, String email) {
        String address = normalizedEmail(email);
        return store.hset(keys.customer(customer.id()), CustomerRecords.fields(customer, CustomerRecords.FROM_CONTACT))
                .compose(v -> store.hsetIfAbsent(keys.customersByEmail(), address, customer.id()))
                .compose(won -> won ? Future.succeededFuture(customer.id())
                        : store.delete(keys.customer(customer.id()))
                                .compose(v -> store.hget(keys.customersByEmail(), address)));
    }

    /** The customer whose email address this is, or null. */
    public Future<String> customerIdByEmail(String email) {
        if (email == null || email.isBlank()) {
            return Future.succeededFuture();
        }
        return store.hget(keys.customersByEmail(), normalizedEmail(email));
    }

    /** Addresses compare without case: Ada@Example.com and ada@example.com are one customer. */
    static String normalizedEmail(String email) {
        return email.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** Digits only, so "+1 (555) 123-0001" and "15551230001" are the same caller. */
    public static String normalizedPhone(String phone) {
        return phone.replaceAll("[^0-9]", "");
    }

    // ------------------------------------------------------------------------------ queues, explain

    public Future<JsonObject> queueStats(String queue) {
        return agentSnapshot().compose(agents -> queueStats(queue, agents));
    }

    /** An agent as the floor's statistics see it: team, state and since when (epoch ms), the queues it is in. */
    public record AgentNow(String id, String team, String state, long stateSince, Set<String> queues) {
    }

    private static final String[] SNAPSHOT_FIELDS = {"team", "state", "stateSince", "pools:voice", "pools:chat",
        "pools:email"};

    /**
     * Every agent, read once: statistics over many queues share one read instead of one per queue. Only the fields
     * they need, and queue membership from the agent's pools (see {@link #queuesOf}), not the whole hash with its
     * JSON parsed and each queue's members expression evaluated: a queue's statistics on a floor of 1,000 agents
     * came in 16 ms instead of 21 (p50).
     */
    public Future<List<AgentNow>> agentSnapshot() {
        return store.members(keys.agents()).compose(ids -> store.fields(ids.stream().map(keys::agent).toList(),
                SNAPSHOT_FIELDS).map(rows -> {
                    List<AgentNow> agents = new ArrayList<>();
                    for (int i = 0; i < ids.size(); i++) {
                        List<String> row = rows.get(i);
                        if (row.stream().anyMatch(Objects::nonNull)) {
                            agents.add(new AgentNow(ids.get(i), row.get(0) == null ? "" : row.get(0),
                                    row.get(1) == null ? "offline" : row.get(1),
                                    row.get(2) == null ? 0 : Long.parseLong(row.get(2)), queuesOf(row.subList(3, 6))));
                        }
                    }
                    return agents;
                }));
    }

    /**
     * The queues an agent is a member of, from its pools on each channel ({@link #poolsJson}): every member of a
     * queue is in the queue's plain pool, whose id is the queue's name; narrowed or re-ordered pools are
     * {@code <queue>~<hash>[/<order>]}; any may end in the agent's queue priority {@code #<n>}.
     */
    static Set<String> queuesOf(List<String> poolsByChannel) {
        Set<String> queues = new HashSet<>();
        for (String words : poolsByChannel) {
            if (words != null && !words.isEmpty()) {
                for (String word : words.split(" ")) {
                    String pool = word.replaceFirst("#\\d+$", ""); // "support#2": a member at queue priority 2
                    if (pool.indexOf('~') < 0 && pool.indexOf('/') < 0) {
                        queues.add(pool);
                    }
                }
            }
        }
        return queues;
    }

    /** Waiting count, longest wait and the queue's agents by state, from a snapshot of the agents. */
    public Future<JsonObject> queueStats(String queue, List<AgentNow> agents) {
        QueueDefinition definition = rules.get().queue(queue)
                .orElseThrow(() -> ApiException.notFound("no queue '" + queue + "'"));
        return Future.all(store.zcard(keys.queueBySince(queue)), oldestWaitingSince(queue)).map(all -> {
            long waiting = all.<Long>resultAt(0);
            Long oldest = all.resultAt(1);
            JsonObject byState = new JsonObject();
            for (String s : AgentStatus.STATES) {
                byState.put(s, 0);
            }
            for (AgentNow now : agents) {
                if (now.queues().contains(queue)) {
                    byState.put(now.state(), byState.getInteger(now.state(), 0) + 1);
                }
            }
            long now = store.now();
            return new JsonObject()
                    .put("queue", queue)
                    .put("waiting", waiting)
                    .put("longestWaitSeconds", oldest == null ? 0 : (now - oldest) / 1000.0)
                    .put("serviceLevelSeconds", definition.serviceLevelThreshold().toSeconds())
                    .put("agents", byState)
                    .mergeIn(hours.describe(definition));
        });
    }

    private Future<Long> oldestWaitingSince(String queue) {
        return store.lowestScore(keys.queueBySince(queue)).map(score -> score == null ? null : score.longValue());
    }

    public Future<RoutingExplainer.Explanation> explain(InteractionRequest request) {
        RoutingRules current = rules.get();
        return Future.all(customer(request.customerId()), agentsNow()).map(all -> new RoutingExplainer(current,
                new RoutePlanner(current, priority)).explain(request, all.resultAt(0), all.resultAt(1)));
    }

    /**
     * Why a waiting (or offered) interaction is where it is: the step of its route it waits at, and each agent
     * with why it is or is not offered it now (the live form of {@link #explain}).
     */
    public record WaitingExplanation(String id, String status, String queue, String filter, int steps, double priority,
                                     long queuedAt, RoutingExplainer.StepExplanation step) {
    }

    public Future<WaitingExplanation> explainWaiting(String interactionId) {
        RoutingRules current = rules.get();
        return Future.all(interactionHash(interactionId), store.members(keys.rejected(interactionId)), agentsNow())
                .map(all -> {
                    Map<String, String> hash = all.resultAt(0);
                    String status = hash.get("status");
                    if (!"queued".equals(status) && !"reserved".equals(status)) {
                        throw ApiException.conflict("interaction '" + interactionId + "' is not waiting (" + status + ")");
                    }
                    JsonArray plan = new JsonArray(hash.getOrDefault("plan", "[]"));
                    int step = Integer.parseInt(hash.getOrDefault("step", "0"));
                    PlannedStep planned = plannedStep(plan.getJsonObject(step));
                    // the line it waits in now: a rules edit that dropped its step's narrowing moved it to its
                    // queue's own line (router.lua's rules), which the stored plan does not say
                    String pool = hash.get("pool");
                    if (pool != null && !pool.isEmpty() && !pool.equals(planned.pool())) {
                        planned = new PlannedStep(pool, hash.get("queue"), planned.priority(), planned.timeoutSeconds(),
                                planned.skipIf(), planned.offerTimeoutSeconds());
                    }
                    RoutingExplainer.StepExplanation explained = new RoutingExplainer(current,
                            new RoutePlanner(current, priority)).explainStep(step, planned,
                            Channel.parse(hash.get("channel")), all.resultAt(2), Set.copyOf(all.<List<String>>resultAt(1)),
                            "reserved".equals(status) ? hash.get("agent") : null);
                    return new WaitingExplanation(interactionId, status, hash.get("queue"), hash.get("filter"),
                            plan.size(), Double.parseDouble(hash.getOrDefault("priority", "0")),
                            Long.parseLong(hash.getOrDefault("queued", "0")), explained);
                });
    }

    /** A step as the interaction's stored plan has it. */
    private static PlannedStep plannedStep(JsonObject step) {
        String skip = step.getString("skip");
        return new PlannedStep(step.getString("pool"), step.getString("queue"), step.getInteger("priority", 0),
                step.getLong("timeout", 0L), skip == null ? null : Step.SkipIf.parse(skip), step.getLong("offer", 0L));
    }

    /** Every agent with its state now, by id. */
    private Future<Map<Agent, AgentStatus>> agentsNow() {
        return store.members(keys.agents()).compose(members -> {
            List<String> ids = members.stream().sorted().toList();
            return store.hashes(ids.stream().map(keys::agent).toList()).map(hashes -> {
                Map<Agent, AgentStatus> agents = new LinkedHashMap<>();
                for (int i = 0; i < ids.size(); i++) {
                    if (!hashes.get(i).isEmpty()) {
                        agents.put(AgentRecords.agent(ids.get(i), hashes.get(i)), AgentRecords.status(ids.get(i), hashes.get(i)));
                    }
                }
                return agents;
            });
        });
    }

    /**
     * Fires due timers (reservation timeouts, step escalations, wrap-up ends); returns how many.
     *
     * @param rematch also offer what waits while its pool has an agent free for it (a missed match, which no path
     *                should leave): the result's {@code rematched} lists each offer so made
     */
    public Future<ScriptResult> sweepTimers(int batch, boolean rematch) {
        return commit("sweep", Integer.toString(batch), rematch ? "1" : "0");
    }

    public Future<String> ping() {
        return store.ping();
    }

    /** Whether an interaction of this id was created (it may have finished since, until its retention ends). */
    public Future<Boolean> exists(String interactionId) {
        return store.hget(keys.interaction(interactionId), "status").map(status -> status != null);
    }

    /** The queues a new contact would wait in, in route order: the IVR asks whether one of them is open. */
    public Future<List<String>> routeQueues(InteractionRequest request) {
        return customer(request.customerId()).map(customer -> planner().plan(request, customer).steps().stream()
                .map(PlannedStep::queue).distinct().toList());
    }

    RoutePlanner planner() {
        return new RoutePlanner(rules.get(), priority);
    }

    Future<ScriptResult> commit(String command, String... args) {
        long started = System.nanoTime();
        return store.run(command, args).map(result -> {
            observer.committed(command, System.nanoTime() - started, result.events());
            if (!result.ok()) {
                throw switch (result.error()) {
                    case "not_found" -> ApiException.notFound(command + ": not found");
                    case "forbidden" -> ApiException.forbidden(command + ": the interaction is not this agent's (another"
                            + " agent holds it, or none does yet)");
                    case "conflict" -> ApiException.conflict(command + ": not possible in the current state");
                    case "agent_unavailable" -> ApiException.conflict(command + ": the agent is not free for a call");
                    case "agent_offline" -> ApiException.conflict(command + ": the agent is signed out");
                    case "agent_offered" -> ApiException.conflict(command + ": the agent has an offer to answer first");
                    case "agent_busy" -> ApiException.conflict(command
                            + ": the agent has no voice line free (on a call, in wrap-up, or in a chat it handles alone)");
                    case "outbound" -> ApiException.conflict(command + ": an agent's call out stays with that agent");
                    case "dialing" -> ApiException.conflict(command
                            + ": the agent's phone still rings for this call: answer or decline it there");
                    default -> new IllegalStateException("routing script: " + result.error());
                };
            }
            return result;
        });
    }

    /**
     * The most an interaction's attributes may weigh as JSON, set over the API: they travel with every offer, listing
     * and update, and a patch merges into them (one agent's patches would otherwise grow them without end).
     */
    public static final int MAX_ATTRIBUTES_JSON = 32 * 1024;

    static String planJson(RoutePlan plan) {
        JsonArray steps = new JsonArray();
        plan.steps().forEach(s -> {
            JsonObject step = new JsonObject().put("pool", s.pool()).put("queue", s.queue())
                    .put("priority", s.priority()).put("timeout", s.timeoutSeconds());
            if (s.skipIf() != null) {
                step.put("skip", s.skipIf().wireName());
            }
            if (s.offerTimeoutSeconds() > 0) {
                step.put("offer", s.offerTimeoutSeconds());
            }
            steps.add(step);
        });
        return steps.encode();
    }

    static String pinHash(String agentId, String pin) {
        return Sha256.hex(agentId + ":" + pin);
    }
}
