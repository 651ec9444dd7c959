package io.switchboard.chat;

import io.switchboard.cases.Case;
import io.switchboard.cases.CaseType;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.engine.ApiException;
import io.switchboard.engine.CaseService;
import io.switchboard.engine.CustomerService;
import io.switchboard.engine.QuietWarning;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.engine.StatsService;
import io.switchboard.metrics.ChatMetrics;
import io.switchboard.metrics.RoutingObserver;
import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.store.redis.ChatStore;
import io.switchboard.store.redis.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web chat channel. A customer's WebSocket ({@link ChatSession}) lives on one node, the agent's on
 * any other: messages go through Redis (transcript list + pub/sub, appended and published in one
 * atomic step, so both sides see the transcript's order). Customer-bound events are published on the
 * chat channel and delivered by the node holding that customer's socket; agent-bound ones on the agent
 * bus, which every node already delivers to agent WebSockets.
 *
 * <p>It reacts to the routing changes its node commits (like the voice channel): {@code assigned} tells
 * the customer an agent joined, {@code wrapping}/{@code completed}/{@code canceled} that the chat ended.
 */
public final class ChatChannel implements RoutingObserver {
    private static final Logger LOG = LoggerFactory.getLogger(ChatChannel.class);
    private final QuietWarning sweepFailures = new QuietWarning(ChatChannel.class);
    /** A session token outlives any chat; it only lets the widget name its chat. */
    private static final Duration SESSION_TTL = Duration.ofDays(1);
    /** Chats whose customer is gone, ended per sweep at most (a full batch sweeps again at once). */
    private static final int GONE_BATCH = 100;

    private final Vertx vertx;
    private final RoutingEngine engine;
    private final StatsService stats;
    private final CustomerService customers;
    private final CaseService cases;
    private final ChatStore store;
    private final ChatMetrics metrics;
    private final SwitchboardConfig.Chat settings;
    private final ChatIdentity identity;
    private final SecureRandom random = new SecureRandom();
    /** The customers' sockets on this node, by interaction id. */
    private final Map<String, ChatSession> sessions = new ConcurrentHashMap<>();
    private long sweepTimer = -1;
    private long heartbeatTimer = -1;
    private final TranscriptByEmail transcripts;
    private boolean sweeping;

    private final RateLimiter limits;

    public ChatChannel(Vertx vertx, RoutingEngine engine, StatsService stats, CustomerService customers,
                       CaseService cases, ChatStore store, ChatMetrics metrics, SwitchboardConfig.Chat settings,
                       TranscriptByEmail transcripts, RateLimiter limits) {
        this.vertx = vertx;
        this.limits = limits;
        this.transcripts = transcripts;
        this.engine = engine;
        this.stats = stats;
        this.customers = customers;
        this.cases = cases;
        this.store = store;
        this.metrics = metrics;
        this.settings = settings;
        this.identity = new ChatIdentity(settings.identitySecret(), settings.requireVerifiedIdentity());
    }

    /** A customer's WebSocket was opened (on an HTTP event loop); the session runs on that loop's context. */
    public void accept(ServerWebSocket socket) {
        new ChatSession(this, socket, vertx.getOrCreateContext(), vertx).start();
    }

    public int sessionCount() {
        return sessions.size();
    }

    SwitchboardConfig.Chat settings() {
        return settings;
    }

    ChatMetrics metrics() {
        return metrics;
    }

    // --------------------------------------------------------------------------- customer side

    /** What starting a chat gives the customer. */
    record Started(String interactionId, String token, String caseId) {
    }

    /**
     * Whether the website signed the form's email (see {@link ChatIdentity}); refused when the signature is wrong, or
     * missing where the configuration requires one.
     */
    boolean verifiedIdentity(String email, String signature) {
        return identity.verified(email, signature);
    }

    /**
     * The pre-chat form becomes a chat interaction of a known (by email) or new customer, linked to a case. The
     * attribute {@code identityVerified} tells agents (and routing rules) whether the email is the customer's.
     */
    Future<Started> start(PreChat form, boolean verified) {
        return customers.findOrCreateByEmail(form.name(), form.email(), form.language()).compose(customerId -> {
            Map<String, Object> attributes = new LinkedHashMap<>();
            if (!form.topic().isEmpty()) {
                // the form's topic is what the caller's IVR choice is: the intent the workflows route on
                attributes.put("intent", form.topic());
            }
            if (!form.language().isEmpty()) {
                attributes.put("language", form.language());
            }
            attributes.put("customerName", form.name());
            attributes.put("identityVerified", verified);
            String id = java.util.UUID.randomUUID().toString();
            // watched before it is routed: a node that stops before the socket attaches leaves it to any node's sweep,
            // not to an agent waiting on a chat with nobody at the other end
            return store.keepAlive(List.of(id), liveDeadline())
                    .compose(watched -> engine.createInteraction(id,
                            new InteractionRequest(Channel.CHAT, attributes, customerId, null, 0)))
                    .compose(created -> {
                        String token = token();
                        return Future.all(store.saveSession(token, id, SESSION_TTL), caseFor(customerId, id, form, verified),
                                        store.saveAddress(id, form.email(), SESSION_TTL))
                                .map(all -> new Started(id, token, all.<String>resultAt(1)))
                                .recover(e -> withdraw(id, e));
                    });
        });
    }

    /**
     * A chat routed but not started (its session, case or watch not written): withdrawn, so no agent gets a chat with
     * nobody at the other end; the customer is told to try again.
     */
    <T> Future<T> withdraw(String interactionId, Throwable cause) {
        LOG.warn("chat {} withdrawn, not started: {}", interactionId, cause.getMessage());
        return engine.cancel(interactionId, "canceled", "the chat did not start").transform(x -> Future.failedFuture(cause));
    }

    /**
     * Links the chat to the customer's newest live case, or opens one. Only an opened case's number is told to the
     * customer: the form's email address is no proof of who writes, and a case number with that address is what the
     * self-service pages take as proof. Where the website signs its customers' identities, an unsigned claim opens a
     * case of its own: whoever typed a customer's address writes nothing into that customer's case.
     *
     * @return the number of the case opened, null when the chat continues one
     */
    private Future<String> caseFor(String customerId, String interactionId, PreChat form, boolean verified) {
        boolean mayContinue = verified || !identity.checked();
        return cases.search(customerId, null, null, null, CaseService.MAX_SEARCH).compose(list -> {
            Case live = list.stream().filter(c -> mayContinue && c.status().live()).findFirst().orElse(null);
            if (live != null) {
                return cases.link(live.id(), interactionId).map((String) null);
            }
            String subject = "Chat" + (form.topic().isEmpty() ? "" : ": " + form.topic());
            return cases.open(new CaseService.NewCase(CaseType.SERVICE_REQUEST, customerId, subject, null, null, null,
                    null, interactionId)).map(Case::id);
        });
    }

    /** The customer asks for the ended chat's transcript by email: the address it goes to. */
    Future<String> mailTranscript(String interactionId) {
        return transcripts.send(interactionId);
    }

    void register(String interactionId, ChatSession session) {
        sessions.put(interactionId, session);
    }

    /** Records that this socket holds the chat (after a start or a resume). */
    Future<Void> attach(String interactionId, String sessionId) {
        return store.attach(interactionId, sessionId, SESSION_TTL, liveDeadline());
    }

    /** The chat ended with its customer there (left, closed, ended by the agent): no drop to watch for. */
    void ended(String interactionId) {
        store.forget(interactionId)
                .onFailure(e -> LOG.warn("chat {} still watched: {}", interactionId, e.getMessage()));
    }

    /**
     * Every node sweeps for chats whose customer is gone (their deadline passed: a drop not resumed in time,
     * or a node that stopped holding their sockets) and confirms the sockets it holds: the state lives in
     * Redis, so a chat ends even when the node that saw its customer go is gone too.
     */
    public void startSweeps(long intervalMillis) {
        vertx.runOnContext(v -> {
            sweepTimer = vertx.setPeriodic(intervalMillis, id -> sweepGone());
            heartbeatTimer = vertx.setPeriodic(0, heartbeat().toMillis(), id -> keepAlive());
        });
    }

    public void stopSweeps() {
        vertx.cancelTimer(sweepTimer);
        vertx.cancelTimer(heartbeatTimer);
    }

    /**
     * How often a node confirms the customer sockets it holds: a third of the resume grace, from 1 to 10 s. A node
     * that stops leaves its chats to end a grace plus two of these later, on another node.
     */
    private Duration heartbeat() {
        long third = settings.resumeGrace().toMillis() / 3;
        return Duration.ofMillis(Math.clamp(third, 1_000, 10_000));
    }

    /** Until when a chat whose socket this node holds is wanted without another word from this node. */
    private long liveDeadline() {
        return engine.now() + settings.resumeGrace().toMillis() + 2 * heartbeat().toMillis();
    }

    private void keepAlive() {
        List<String> live = sessions.entrySet().stream().filter(e -> e.getValue().live())
                .map(Map.Entry::getKey).toList();
        store.keepAlive(live, liveDeadline())
                .onFailure(e -> LOG.warn("chat sockets not confirmed: {}", e.getMessage()));
    }

    private void sweepGone() {
        if (sweeping) {
            return;
        }
        sweeping = true;
        store.gone(engine.now(), GONE_BATCH, liveDeadline())
                .compose(ids -> Future.join(ids.stream().map(this::customerGone).toList()).map(ids.size()))
                .onComplete(ar -> {
                    sweeping = false;
                    if (ar.failed()) {
                        sweepFailures.warn("chat sweep failed: {}", ar.cause().getMessage());
                    } else if (ar.result() >= GONE_BATCH) {
                        vertx.runOnContext(v -> sweepGone());
                    }
                });
    }

    /**
     * A chat whose customer did not come back: ended as a leave, counted once (not if it had ended already). If that
     * fails, the chat is watched again, for the next sweep (on any node) to try once the heartbeat period is over.
     */
    private Future<String> customerGone(String interactionId) {
        return endBy(interactionId, "The customer left the chat.", "customer_left").onFailure(e -> {
            LOG.warn("chat {} not ended, tried again later: {}", interactionId, e.getMessage());
            store.keepAlive(List.of(interactionId), engine.now() + heartbeat().toMillis());
        });
    }

    /** Fails with a message for the customer when the address started too many chats this minute. */
    Future<Void> allowStart(String address) {
        if (settings.newChatsPerMinute() == 0) {
            return Future.succeededFuture();
        }
        return limits.hit("chat-start", address, settings.newChatsPerMinute(), java.time.Duration.ofMinutes(1))
                .compose(allowed -> allowed ? Future.<Void>succeededFuture()
                : Future.failedFuture(ApiException.tooManyRequests("rate_limited",
                        "too many new chats from your address: try again in a minute", java.time.Duration.ofMinutes(1))));
    }

    /** What a resume gives the customer: the chat's state now and its transcript so far. */
    record Resumed(JsonObject interaction, List<String> transcript) {
    }

    /** The chat a resume token names; fails for an unknown or expired token. */
    Future<String> resumedChat(String token) {
        if (token == null || token.isBlank()) {
            return Future.failedFuture(ApiException.badRequest("resume needs the chat's token"));
        }
        return store.sessionInteraction(token).compose(id -> id == null
                ? Future.failedFuture(ApiException.notFound("unknown or expired chat token: start a new chat"))
                : Future.succeededFuture(id));
    }

    /** The chat as it is now and its transcript, for a resume (read once its session is on the bus). */
    Future<Resumed> resume(String interactionId) {
        return Future.all(engine.interaction(interactionId), store.transcript(interactionId))
                .map(all -> new Resumed(all.resultAt(0), all.resultAt(1)));
    }

    /**
     * The customer's socket closed without leaving: the chat may be resumed for the grace period; after
     * it, unless resumed (on any node), a sweep on any node counts it as left. The agent is not told meanwhile.
     */
    void dropped(String interactionId, String sessionId) {
        if (settings.resumeGrace().isZero()) {
            ended(interactionId);
            customerLeft(interactionId);
            return;
        }
        store.detach(interactionId, sessionId, settings.resumeGrace().plusMinutes(1),
                        engine.now() + settings.resumeGrace().toMillis())
                .onFailure(e -> {
                    LOG.warn("chat {} not kept for a resume: {}", interactionId, e.getMessage());
                    customerLeft(interactionId);
                });
    }

    void unregister(String interactionId, ChatSession session) {
        sessions.remove(interactionId, session);
    }

    /**
     * Stores the customer's message and, once an agent holds the chat, sends it to that agent; published either way,
     * for the consoles watching the chat (while it waits, the bus names no agent to deliver it to).
     */
    Future<Long> customerMessage(String interactionId, String text) {
        return store.interactionFields(interactionId, "agent", "status").compose(f -> {
            String agent = "assigned".equals(f.get(1)) ? f.get(0) : null;
            JsonObject message = message(interactionId, "customer", text);
            if (agent != null && !agent.isEmpty()) {
                message.put("agent", agent);
            }
            return store.append(interactionId, message, store.keys().bus());
        });
    }

    Future<Void> customerTyping(String interactionId) {
        return store.interactionFields(interactionId, "agent", "status").compose(f ->
                "assigned".equals(f.get(1)) && f.get(0) != null && !f.get(0).isEmpty()
                        ? store.publish(store.keys().bus(), new JsonObject().put("type", "chat_typing")
                                .put("agent", f.get(0)).put("interaction", interactionId).put("from", "customer"))
                        : Future.succeededFuture());
    }

    /**
     * The customer left: before an agent joined the chat is abandoned; with an agent, the agent is told
     * and wraps up. Returns the outcome counted.
     */
    Future<String> customerLeft(String interactionId) {
        return endBy(interactionId, "The customer left the chat.", "customer_left");
    }

    /** Nobody wrote for the idle time: the chat is closed with a message to both sides. */
    Future<String> idleClose(String interactionId, String text) {
        return endBy(interactionId, text, "idle_closed");
    }

    /**
     * Ends the chat as it is now: still waiting or offered, abandoned; with an agent, wrapped up. The state is read,
     * then acted on: an agent accepting or transferring it in between makes the act a 409, and it is done again on
     * the state that came of it (a customer's leave must not be lost to an accept made the same instant). Counted in
     * the queue the chat is in then (the customer's session may not know it yet), unless it had ended already.
     */
    private Future<String> endBy(String interactionId, String text, String outcome) {
        return endBy(interactionId, text, outcome, 3);
    }

    private Future<String> endBy(String interactionId, String text, String outcome, int tries) {
        return store.interactionFields(interactionId, "agent", "status", "queue").compose(f -> (switch (f.get(1) == null ? "" : f.get(1)) {
            case "queued", "reserved" -> engine.cancel(interactionId, "abandoned", "customer left the chat")
                    .map("abandoned");
            case "assigned" -> store.append(interactionId, notice(interactionId, text, f.get(0), outcome),
                            store.keys().bus())
                    .compose(seq -> engine.wrapUp(interactionId, null)).map(outcome);
            default -> Future.succeededFuture("already_ended");
        }).onSuccess(ended -> {
            if (!"already_ended".equals(ended)) {
                metrics.ended(f.get(2) == null ? "" : f.get(2), ended);
            }
        })).recover(e -> tries > 1 && e instanceof ApiException api && api.status() == 409
                ? endBy(interactionId, text, outcome, tries - 1) : Future.failedFuture(e));
    }

    /** The customer's CSAT answer, counted once per chat. */
    /** Only a chat an agent served is rated: an abandoned one has no service to score, and would skew CSAT. */
    Future<Boolean> rate(String interactionId, int score) {
        return store.interactionFields(interactionId, "queue", "answered").compose(f -> {
            if (f.get(1) == null || f.get(1).isEmpty()) {
                return Future.failedFuture(ApiException.conflict("only a chat an agent answered can be rated"));
            }
            return store.rateOnce(interactionId, score).map(first -> {
                if (first) {
                    metrics.csat(f.get(0) == null ? "" : f.get(0), Channel.CHAT.wireName(), score);
                }
                return first;
            });
        });
    }

    /** The queues of the interaction's route from the step it is at on. */
    private static List<String> queuesAhead(JsonObject interaction) {
        JsonArray plan = interaction.getJsonArray("plan", new JsonArray());
        List<String> queues = new java.util.ArrayList<>();
        for (int i = interaction.getInteger("step", 0); i < plan.size(); i++) {
            queues.add(plan.getJsonObject(i).getString("queue"));
        }
        return queues.isEmpty() || queues.contains(null) ? List.of() : queues;
    }

    /** The interaction as the API shows it (status, queue; position and estimated wait while queued). */
    Future<JsonObject> interaction(String interactionId) {
        return engine.interaction(interactionId).compose(json -> {
            Integer position = json.getInteger("position");
            if (!"queued".equals(json.getString("status")) || position == null) {
                return Future.succeededFuture(json);
            }
            // when every queue left on its route is outside its hours, the customer is told when the first opens
            // (Chatwoot's out-of-office message) rather than a place in a line nobody works now
            engine.hours().allClosed(queuesAhead(json))
                    .ifPresent(opening -> json.put("opensAt", opening.at().toEpochMilli()));
            // the same estimate callers hear on hold and the API serves: position, staffing and recent AHT
            return stats.estimatedWait(json.getString("queue"), position)
                    .map(wait -> json.put("estimatedWaitSeconds", wait))
                    .recover(e -> Future.succeededFuture(json));
        });
    }

    // ------------------------------------------------------------------------------ agent side

    /**
     * The holding agent's message to the customer, wherever the customer is connected; or, as a private {@code note},
     * a line in the transcript that agents and supervisors read and the customer never does (for a colleague the
     * chat is transferred to, or the supervisor watching).
     */
    public Future<JsonObject> agentMessage(String interactionId, String agentId, String text, boolean note) {
        String cleaned = required(text);
        return holder(interactionId, agentId).compose(holder -> {
            JsonObject message = message(interactionId, "agent", cleaned).put("agentId", agentId);
            return note ? post(interactionId, message.put("private", true).put("agent", holder), store.keys().bus(), holder)
                    : post(interactionId, message, store.keys().chatEvents(), holder)
                            .onSuccess(v -> responded(interactionId));
        });
    }

    /**
     * A supervisor in a chat an agent holds (Amazon Connect's chat monitoring): a {@code whisper} only the agent
     * reads, or a message to the customer under the supervisor's name, which the agent sees in the chat too.
     */
    public Future<JsonObject> supervisorMessage(String interactionId, String name, String text, boolean whisper) {
        String cleaned = required(text);
        return holder(interactionId, null).compose(holder -> {
            // "agent" names who is told: the holder's desktop shows both kinds; only a message not private goes on
            // the chat channel, to the customer
            JsonObject message = message(interactionId, "supervisor", cleaned).put("name", name).put("agent", holder);
            Future<JsonObject> posted = whisper
                    ? post(interactionId, message.put("private", true), store.keys().bus(), holder)
                    : post(interactionId, message, store.keys().chatEvents(), holder)
                            .onSuccess(v -> responded(interactionId));
            return posted.onSuccess(v -> metrics.supervisorMessage(whisper ? "whisper" : "message"));
        });
    }

    private static String required(String text) {
        String cleaned = ChatText.clean(text, "text", ChatText.MAX_MESSAGE);
        if (cleaned.isEmpty()) {
            throw ApiException.badRequest("'text' is required");
        }
        return cleaned;
    }

    /**
     * Appends the message to the transcript and publishes it on the channel, while {@code holder} still holds the chat
     * (checked in the same step: a line for one agent never lands after a transfer): its place (seq) in the transcript.
     */
    private Future<JsonObject> post(String interactionId, JsonObject message, String channel, String holder) {
        return store.append(interactionId, message, channel, holder).map(seq -> {
            if (seq == 0) {
                throw ApiException.conflict("the transcript is full");
            }
            if (seq < 0) {
                throw ApiException.conflict("the chat has just changed hands: nothing was written");
            }
            return new JsonObject().put("interaction", interactionId).put("seq", seq);
        });
    }

    /** A message the customer reads meets the case's first (or next) response target; the chat goes on regardless. */
    private void responded(String interactionId) {
        cases.agentRespondedOn(interactionId)
                .onFailure(e -> LOG.warn("response on {} not told to its case: {}", interactionId, e.getMessage()));
    }

    public Future<Void> agentTyping(String interactionId, String agentId) {
        return holder(interactionId, agentId).compose(v -> store.publish(store.keys().chatEvents(),
                new JsonObject().put("type", "typing").put("interaction", interactionId).put("from", "agent")));
    }

    public Future<JsonArray> transcript(String interactionId) {
        return store.transcript(interactionId).map(list -> new JsonArray(list.stream().map(JsonObject::new).toList()));
    }

    /**
     * The agent holding the chat, which must be in progress; with {@code agentId} (an agent writing), only that agent
     * may write in it.
     */
    private Future<String> holder(String interactionId, String agentId) {
        return store.interactionFields(interactionId, "channel", "agent", "status").map(f -> {
            if (f.get(0) == null) {
                throw ApiException.notFound("no interaction '" + interactionId + "'");
            }
            if (!Channel.CHAT.wireName().equals(f.get(0))) {
                throw ApiException.unprocessable("interaction " + interactionId + " is not a chat");
            }
            if (agentId != null && !agentId.equals(f.get(1))) {
                throw ApiException.forbidden("only the agent holding the chat writes in it");
            }
            if (!"assigned".equals(f.get(2))) {
                throw ApiException.conflict("the chat is " + f.get(2));
            }
            return f.get(1);
        });
    }

    // ---------------------------------------------------------------------- events (this node)

    /** A customer-bound event from the chat pub/sub channel; the node holding the customer delivers it. */
    public void deliver(JsonObject event) {
        ChatSession session = sessions.get(event.getString("interaction", ""));
        if (session != null) {
            session.deliver(event);
        }
    }

    @Override
    public void committed(String command, long nanos, List<JsonObject> events) {
        for (JsonObject event : events) {
            if (!Channel.CHAT.wireName().equals(event.getString("channel"))) {
                continue;
            }
            String type = event.getString("type", "");
            JsonObject out = switch (type) {
                case "assigned" -> new JsonObject().put("type", "agent_joined").put("agentId", event.getString("agent"));
                // abandoned: a supervisor's cancel of a waiting chat as abandoned, or the customer's own leaving
                case "wrapping", "completed", "canceled", "abandoned", "transferred" ->
                        new JsonObject().put("type", type.equals("transferred") ? "transferred" : "ended")
                                .put("reason", type).put("queue", event.getString("queue"));
                default -> null;
            };
            if (out != null) {
                store.publish(store.keys().chatEvents(), out.put("interaction", event.getString("interaction")))
                        .onFailure(e -> LOG.warn("chat event for {} not published: {}", event.getString("interaction"),
                                e.getMessage()));
            }
        }
    }

    /** The system line that ends a chat; a leave's is the agent's alone (the customer who left never read it). */
    private JsonObject notice(String interactionId, String text, String agent, String outcome) {
        JsonObject line = message(interactionId, "system", text).put("agent", agent);
        return "customer_left".equals(outcome) ? line.put("audience", "agent") : line;
    }

    private JsonObject message(String interactionId, String from, String text) {
        return new JsonObject().put("type", "chat_message").put("interaction", interactionId).put("from", from)
                .put("text", text).put("at", engine.now());
    }

    private String token() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return "chs_" + HexFormat.of().formatHex(bytes);
    }
}
