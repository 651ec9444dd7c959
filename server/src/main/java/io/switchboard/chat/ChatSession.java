package io.switchboard.chat;

import io.switchboard.engine.ApiException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One customer's chat WebSocket on this node. Frames from the customer (JSON with a {@code type}:
 * {@code start}, {@code message}, {@code typing}, {@code leave}, {@code rating}, {@code transcript}) are handled one after
 * another (each waits for the previous one's Redis round trip), so the customer's messages keep their
 * order. Every state change runs on the session's own context: socket frames arrive there, events from
 * pub/sub and timers are moved there.
 *
 * <p>States: {@code form} (waiting for the pre-chat form) -> {@code queued} (told its place in line
 * every positionInterval) -> {@code chatting} (an agent joined; idle timer running) -> {@code ended}
 * (only a rating is still taken).
 */
final class ChatSession {
    private static final Logger LOG = LoggerFactory.getLogger(ChatSession.class);
    /** The statuses of a chat that is over for the customer. */
    private static final java.util.Set<String> FINISHED = java.util.Set.of("wrapping", "completed", "canceled", "abandoned");
    /** The longest text `ref` echoed: the widget's own line number, not a payload. */
    private static final int MAX_REF = 64;
    private enum State { FORM, STARTING, QUEUED, CHATTING, ENDED }

    private final ChatChannel channel;
    private final ServerWebSocket socket;
    private final Context context;
    private final Vertx vertx;
    /** Written on this session's context; read by the node's heartbeat too ({@link #live}). */
    private volatile State state = State.FORM;
    /** Names this socket in Redis, so a late close of a replaced socket cannot end a resumed chat. */
    private final String sessionId = java.util.UUID.randomUUID().toString();
    private String interactionId;
    private String queue = "";
    private long positionTimer = -1;
    private long idleTimer = -1;
    private Future<Void> tail = Future.succeededFuture();
    /** While a resume replays the transcript: the bus events that came meanwhile, shown after it (null otherwise). */
    private List<JsonObject> resuming;

    ChatSession(ChatChannel channel, ServerWebSocket socket, Context context, Vertx vertx) {
        this.channel = channel;
        this.socket = socket;
        this.context = context;
        this.vertx = vertx;
    }

    void start() {
        socket.textMessageHandler(text -> tail = tail.transform(ar -> frame(text)));
        socket.closeHandler(v -> tail = tail.transform(ar -> closed()));
    }

    /** An event for this chat from pub/sub; handled on the session's context. */
    void deliver(JsonObject event) {
        context.runOnContext(v -> onEvent(event));
    }

    // ---------------------------------------------------------------------- from the customer

    private Future<Void> frame(String text) {
        JsonObject frame;
        try {
            frame = new JsonObject(text);
        } catch (DecodeException e) {
            return error("frames are JSON objects");
        }
        try {
            return switch (string(frame, "type", "")) {
                case "start" -> begin(frame);
                case "resume" -> resume(string(frame, "token"));
                case "message" -> message(frame);
                case "typing" -> state == State.CHATTING ? channel.customerTyping(interactionId)
                        : Future.<Void>succeededFuture();
                case "leave" -> leave();
                case "rating" -> rating(frame);
                case "transcript" -> transcript();
                default -> error("unknown frame type '" + string(frame, "type") + "'");
            };
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        }
    }

    private Future<Void> begin(JsonObject frame) {
        if (state != State.FORM) {
            return error("the chat has started already");
        }
        PreChat form = new PreChat(string(frame, "name"), string(frame, "email"), string(frame, "topic"),
                string(frame, "language"));
        boolean verified;
        try {
            verified = channel.verifiedIdentity(form.email(), string(frame, "identityHash"));
        } catch (ApiException e) {
            return failed(e);
        }
        state = State.STARTING; // a second start while this one runs is refused
        return channel.allowStart(io.switchboard.store.redis.RateLimiter.client(socket.remoteAddress().hostAddress()))
                .compose(ok -> channel.start(form, verified).recover(e -> {
                    LOG.warn("chat not started: {}", e.getMessage()); // the reason is ours, not the visitor's
                    return Future.failedFuture(new ApiException(503, "unavailable",
                            "the chat could not start: please try again in a moment"));
                }))
                .compose(started -> {
                    interactionId = started.interactionId();
                    channel.register(interactionId, this);
                    state = State.QUEUED;
                    send(new JsonObject().put("type", "started").put("interaction", interactionId)
                            .put("token", started.token()).put("caseId", started.caseId()));
                    String id = interactionId;
                    return channel.attach(id, sessionId).recover(e -> channel.<Void>withdraw(id, e))
                            .compose(v -> position());
                }).recover(this::refused);
    }

    /**
     * The widget reconnects after its socket dropped: the same chat (place in line or agent kept, the
     * agent not told), its transcript replayed as {@code chat_message} frames after {@code resumed}.
     */
    private Future<Void> resume(String token) {
        if (state != State.FORM) {
            return error("resume", "a chat is already open on this connection");
        }
        state = State.STARTING;
        // on the bus before the transcript is read, and what arrives meanwhile held back: a line sent between the read
        // and the registration would reach nobody, one sent before the read but delivered after would come twice
        resuming = new ArrayList<>();
        return channel.resumedChat(token).compose(id -> {
            interactionId = id;
            channel.register(interactionId, this);
            return channel.resume(id);
        }).compose(resumed -> {
            queue = resumed.interaction().getString("queue", "");
            String status = resumed.interaction().getString("status", "");
            return channel.attach(interactionId, sessionId).map(v -> {
                send(new JsonObject().put("type", "resumed").put("interaction", interactionId).put("status", status));
                long replayed = -1;
                for (String line : resumed.transcript()) {
                    JsonObject message = new JsonObject(line);
                    replayed = Math.max(replayed, message.getLong("seq", -1L));
                    if (!isPrivate(message)) {
                        send(forCustomer(message));
                    }
                }
                state = switch (status) {
                    case "assigned" -> State.CHATTING;
                    case "queued", "reserved" -> State.QUEUED;
                    default -> State.ENDED;
                };
                restartIdleTimer();
                flushResumed(replayed);
                return null;
            });
        }).compose(v -> position()).recover(e -> {
            resuming = null;
            return refused(e);
        });
    }

    /** What came on the bus while resuming, after the replay: the lines it already held left out (by seq). */
    private void flushResumed(long replayed) {
        List<JsonObject> held = resuming;
        resuming = null;
        for (JsonObject event : held) {
            if (!"chat_message".equals(event.getString("type")) || event.getLong("seq", Long.MAX_VALUE) > replayed) {
                onEvent(event);
            }
        }
    }

    /** A start or resume that failed: the customer gets an error frame with its code and may try again. */
    private Future<Void> refused(Throwable e) {
        state = State.FORM;
        if (interactionId != null) {
            channel.unregister(interactionId, this);
            interactionId = null;
        }
        return failed(e);
    }

    /** An error frame with the failure's code; an internal failure's text stays in the log, not with the customer. */
    private Future<Void> failed(Throwable e) {
        if (e instanceof ApiException api) {
            return error(api.code(), api.getMessage());
        }
        LOG.warn("chat {}: {}", interactionId, e.getMessage());
        return error("unavailable", "this is not possible right now: please try again later");
    }

    /**
     * ref: the widget's own number for the line, echoed in its `sent` or its error, so the widget knows which of its
     * lines arrived and which did not (not by count: a refused line gets no `sent`). A number or a short text, as the
     * widget numbers its lines; anything else is not echoed.
     */
    private Future<Void> message(JsonObject frame) {
        Object ref = switch (frame.getValue("ref")) {
            case Number n -> n.longValue();
            case String s when s.length() <= MAX_REF -> s;
            case null, default -> null;
        };
        if (state != State.QUEUED && state != State.CHATTING) {
            return refusedLine(ref, "no chat in progress");
        }
        String text;
        try {
            text = ChatText.clean(string(frame, "text"), "text", ChatText.MAX_MESSAGE);
        } catch (IllegalArgumentException e) {
            return refusedLine(ref, e.getMessage());
        }
        if (text.isEmpty()) {
            return refusedLine(ref, "'text' is required: an empty message is not sent");
        }
        restartIdleTimer();
        return channel.customerMessage(interactionId, text)
                .onSuccess(seq -> send(new JsonObject().put("type", "sent").put("seq", seq).put("ref", ref))).<Void>mapEmpty()
                .recover(e -> {
                    LOG.warn("chat {}: a line not kept: {}", interactionId, e.getMessage());
                    return refusedLine(ref, "your message was not sent: please try again");
                });
    }

    private Future<Void> refusedLine(Object ref, String message) {
        send(new JsonObject().put("type", "error").put("message", message).put("ref", ref));
        return Future.succeededFuture();
    }

    private Future<Void> leave() {
        if (state != State.QUEUED && state != State.CHATTING) {
            return Future.succeededFuture();
        }
        end();
        return channel.customerLeft(interactionId)
                .onSuccess(outcome -> send(new JsonObject().put("type", "ended").put("reason", outcome))).mapEmpty();
    }

    private Future<Void> rating(JsonObject frame) {
        if (state != State.ENDED) {
            return error("rate the chat once it has ended");
        }
        Object score = frame.getValue("score");
        if (!(score instanceof Integer s) || s < 1 || s > 5) {
            return error("score is a whole number from 1 to 5");
        }
        return channel.rate(interactionId, s).onSuccess(counted -> send(new JsonObject().put("type", "rated")
                .put("score", s).put("counted", counted))).<Void>mapEmpty().recover(this::failed);
    }

    /** "Email me this chat", once it has ended: {@code transcript_sent {to}}, or an error frame with its code. */
    private Future<Void> transcript() {
        if (state != State.ENDED) {
            return error("ask for the transcript once the chat has ended");
        }
        return channel.mailTranscript(interactionId)
                .onSuccess(to -> send(new JsonObject().put("type", "transcript_sent").put("to", to)))
                .<Void>mapEmpty().recover(this::failed);
    }

    /**
     * The socket closed without a leave: the chat may be resumed with its token for the grace period;
     * after it, one still waiting is abandoned and one with an agent ends (the agent wraps up).
     */
    private Future<Void> closed() {
        cancelTimers();
        if (interactionId == null) {
            return Future.succeededFuture();
        }
        channel.unregister(interactionId, this);
        if (state == State.ENDED) {
            return Future.succeededFuture();
        }
        state = State.ENDED;
        channel.dropped(interactionId, sessionId);
        return Future.succeededFuture();
    }

    // -------------------------------------------------------------------------- from routing

    private void onEvent(JsonObject event) {
        if (resuming != null) {
            resuming.add(event); // after the transcript replay, in order (see resume)
            return;
        }
        switch (event.getString("type", "")) {
            case "chat_message" -> {
                if (!isPrivate(event)) { // never published toward a customer; and never shown one if it were
                    restartIdleTimer();
                    send(forCustomer(event));
                }
            }
            case "typing" -> send(new JsonObject().put("type", "typing").put("from", event.getString("from")));
            case "agent_joined" -> {
                if (state == State.QUEUED) {
                    state = State.CHATTING;
                    cancelPositionTimer();
                    restartIdleTimer();
                    send(new JsonObject().put("type", "agent_joined"));
                }
            }
            case "transferred" -> {
                if (state == State.CHATTING) {
                    state = State.QUEUED;
                    cancelIdleTimer();
                    send(new JsonObject().put("type", "transferred"));
                    tail = tail.transform(ar -> position());
                }
            }
            case "ended" -> {
                if (state == State.QUEUED || state == State.CHATTING) {
                    end();
                    // abandoned here: a supervisor withdrew the waiting chat (the customer's own leave ended it before)
                    // in the queue the chat ended in: the session learns it only from position updates
                    channel.metrics().ended(event.getString("queue", queue),
                            "abandoned".equals(event.getString("reason")) ? "abandoned" : "agent_ended");
                    send(new JsonObject().put("type", "ended").put("reason", event.getString("reason")));
                }
            }
            default -> { }
        }
    }

    // ------------------------------------------------------------------------------- timers

    /** Tells the waiting customer its place in line, then again every positionInterval while it waits. */
    private Future<Void> position() {
        if (state != State.QUEUED) {
            return Future.succeededFuture();
        }
        return channel.interaction(interactionId).onSuccess(json -> {
            queue = json.getString("queue", queue);
            if (state == State.QUEUED && "assigned".equals(json.getString("status"))) {
                // the agent accepted before this session registered for the chat's events (a quick
                // agent beats the case and customer look-ups of the start): its agent_joined went by
                onEvent(new JsonObject().put("type", "agent_joined"));
            }
            if (state == State.QUEUED && FINISHED.contains(json.getString("status", ""))) {
                // ended while nothing told this socket (the node that ended it stopped before publishing)
                onEvent(new JsonObject().put("type", "ended").put("reason", json.getString("status")));
            }
            if (state == State.QUEUED && "queued".equals(json.getString("status"))) {
                send(new JsonObject().put("type", "queued").put("position", json.getInteger("position"))
                        .put("estimatedWaitSeconds", json.getValue("estimatedWaitSeconds")).put("queue", queue)
                        .put("opensAt", json.getValue("opensAt")));
            }
            if (state == State.QUEUED) {
                cancelPositionTimer();
                positionTimer = vertx.setTimer(channel.settings().positionInterval().toMillis(),
                        id -> context.runOnContext(v -> tail = tail.transform(ar -> position())));
            }
        }).mapEmpty();
    }

    private void restartIdleTimer() {
        if (state != State.CHATTING) {
            return;
        }
        cancelIdleTimer();
        idleTimer = vertx.setTimer(channel.settings().idleTimeout().toMillis(),
                id -> context.runOnContext(v -> tail = tail.transform(ar -> idle())));
    }

    private Future<Void> idle() {
        if (state != State.CHATTING) {
            return Future.succeededFuture();
        }
        // the chat as it is: a transfer or an end whose notice never came (published after the change, by a node that
        // may have stopped in between) is no idle chat to close as abandoned
        return channel.interaction(interactionId).compose(json -> {
            String status = json.getString("status", "");
            if (state != State.CHATTING || "assigned".equals(status)) {
                return state == State.CHATTING ? closeIdle() : Future.succeededFuture();
            }
            onEvent(new JsonObject().put("type", FINISHED.contains(status) ? "ended" : "transferred")
                    .put("reason", status));
            return Future.<Void>succeededFuture();
        }).recover(e -> state == State.CHATTING ? closeIdle() : Future.succeededFuture()); // unread: idle, as it was
    }

    private Future<Void> closeIdle() {
        end();
        String text = "This chat was closed after " + idleTime(channel.settings().idleTimeout()) + " without messages.";
        send(new JsonObject().put("type", "closed").put("reason", "idle").put("text", text));
        return channel.idleClose(interactionId, text).mapEmpty();
    }

    /** "90 seconds", "1 minute", "10 minutes": whole minutes as minutes, anything else in seconds. */
    static String idleTime(java.time.Duration idle) {
        long seconds = idle.toSeconds();
        if (seconds % 60 != 0) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        long minutes = seconds / 60;
        return minutes + (minutes == 1 ? " minute" : " minutes");
    }

    private void end() {
        state = State.ENDED;
        cancelTimers();
        channel.ended(interactionId);
    }

    /** A chat in progress on this socket: waiting, or with an agent. */
    boolean live() {
        State now = state;
        return now == State.QUEUED || now == State.CHATTING;
    }

    private void cancelTimers() {
        cancelPositionTimer();
        cancelIdleTimer();
    }

    private void cancelPositionTimer() {
        if (positionTimer >= 0) {
            vertx.cancelTimer(positionTimer);
            positionTimer = -1;
        }
    }

    private void cancelIdleTimer() {
        if (idleTimer >= 0) {
            vertx.cancelTimer(idleTimer);
            idleTimer = -1;
        }
    }

    // ------------------------------------------------------------------------------- output

    private Future<Void> error(String message) {
        send(new JsonObject().put("type", "error").put("message", message));
        return Future.succeededFuture();
    }

    private Future<Void> error(String code, String message) {
        send(new JsonObject().put("type", "error").put("code", code).put("message", message));
        return Future.succeededFuture();
    }

    private void send(JsonObject frame) {
        if (!socket.isClosed()) {
            socket.writeTextMessage(frame.encode());
        }
    }

    /** A note or a supervisor's whisper: for agents and supervisors only. */
    static boolean isPrivate(JsonObject message) {
        return message.getBoolean("private", false);
    }

    /** Whether the customer read the line: not a private one, nor the agent's notice that the customer left. */
    static boolean customerRead(JsonObject message) {
        return !isPrivate(message) && !"agent".equals(message.getString("audience"));
    }

    /** A line as the customer gets it: who it was delivered to and agents' ids are internal (a name may say who). */
    private static JsonObject forCustomer(JsonObject message) {
        JsonObject copy = message.copy();
        copy.remove("agent");
        copy.remove("agentId");
        return copy;
    }

    /** A string field of a frame, null when absent; another JSON type is an error frame, never its Java text. */
    private static String string(JsonObject frame, String field) {
        Object value = frame.getValue(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IllegalArgumentException("'" + field + "' must be a string");
    }

    private static String string(JsonObject frame, String field, String fallback) {
        String value = string(frame, field);
        return value == null ? fallback : value;
    }
}
