package io.switchboard.api.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The supervisor consoles' WebSocket sessions connected to this node. Every event given to
 * {@code deliver} ({@code {type, ...}} JSON: the routing events every node receives from the Redis floor
 * channel, and any other kind a later feature publishes) is written to every session. A chat's messages go only
 * to the consoles watching that chat ({@link #watch}): a floor's chats would drown a console that reads none.
 * Thread-safe: written from the bus context, sessions added from HTTP event loops.
 */
public final class SupervisorEventHub {
    /** Chats one console may watch at once: a supervisor reads a few, not the floor's. */
    static final int MAX_WATCHED = 20;

    /** Each console with the event loop it lives on: writes happen there, straight into its buffer. */
    private final Map<ServerWebSocket, Context> sessions = new ConcurrentHashMap<>();
    /** The chats each console watches (interaction ids). */
    private final Map<ServerWebSocket, Set<String>> watching = new ConcurrentHashMap<>();

    /** Call on the socket's own event loop (the upgrade handler). */
    void add(ServerWebSocket socket) {
        sessions.put(socket, Vertx.currentContext());
        socket.closeHandler(v -> {
            sessions.remove(socket);
            watching.remove(socket);
        });
    }

    /** The console wants the chat's messages from now on; false when it watches too many already. */
    boolean watch(ServerWebSocket socket, String interactionId) {
        if (!sessions.containsKey(socket)) {
            return false; // closed while its watch was being checked: nothing to keep for it
        }
        Set<String> chats = watching.computeIfAbsent(socket, s -> ConcurrentHashMap.newKeySet());
        if (chats.size() >= MAX_WATCHED && !chats.contains(interactionId)) {
            return false;
        }
        chats.add(interactionId);
        return true;
    }

    void unwatch(ServerWebSocket socket, String interactionId) {
        Set<String> chats = watching.get(socket);
        if (chats != null) {
            chats.remove(interactionId);
        }
    }

    /** Writes one event to every console; never waits on a socket. */
    public void deliver(JsonObject event) {
        if (!sessions.isEmpty()) {
            deliver(event.encode());
        }
    }

    /** Writes one event, already JSON text (as it comes off the Redis channel), to every console. */
    public void deliver(String text) {
        // written from each socket's own event loop: a write from another thread would go through a short
        // hand-over queue that a burst (an SLA sweep) fills at once, and the console would look slow
        sessions.forEach((socket, context) -> context.runOnContext(v -> write(socket, text)));
    }

    /** A chat message (any side's, private notes included) to the consoles watching its chat. */
    public void deliverChat(JsonObject message) {
        if (watching.isEmpty()) {
            return;
        }
        String interactionId = message.getString("interaction", "");
        String text = null;
        for (Map.Entry<ServerWebSocket, Set<String>> entry : watching.entrySet()) {
            Context context = sessions.get(entry.getKey());
            if (context != null && entry.getValue().contains(interactionId)) {
                String encoded = text == null ? (text = message.encode()) : text;
                context.runOnContext(v -> write(entry.getKey(), encoded));
            }
        }
    }

    private void write(ServerWebSocket socket, String text) {
        if (socket.isClosed()) {
            return;
        }
        if (socket.writeQueueFull()) {
            // A console that cannot keep up would only see a stale floor: drop it; the page reconnects
            // and re-reads the true state, and the bus is never held back by one slow browser.
            sessions.remove(socket);
            watching.remove(socket);
            socket.close((short) 1013, "too slow, reconnect");
            return;
        }
        socket.writeTextMessage(text);
    }

    /** Closes every console so that it reconnects and re-reads the floor (see {@link AgentEventHub#reconnectAll}). */
    public void reconnectAll() {
        sessions.forEach((socket, context) -> context.runOnContext(v ->
                socket.close(AgentEventHub.RECONNECT, "events were missed: reconnect")));
    }

    public int sessionCount() {
        return sessions.size();
    }
}
