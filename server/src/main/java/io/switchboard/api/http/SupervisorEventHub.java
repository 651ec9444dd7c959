package io.switchboard.api.http;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The supervisor consoles' WebSocket sessions connected to this node. Every event given to
 * {@code deliver} ({@code {type, ...}} JSON: the routing events every node receives from the Redis floor
 * channel, and any other kind a later feature publishes) is written to every session.
 * Thread-safe: written from the bus context, sessions added from HTTP event loops.
 */
public final class SupervisorEventHub {
    /** Each console with the event loop it lives on: writes happen there, straight into its buffer. */
    private final Map<ServerWebSocket, Context> sessions = new ConcurrentHashMap<>();

    /** Call on the socket's own event loop (the upgrade handler). */
    void add(ServerWebSocket socket) {
        sessions.put(socket, Vertx.currentContext());
        socket.closeHandler(v -> sessions.remove(socket));
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

    private void write(ServerWebSocket socket, String text) {
        if (socket.isClosed()) {
            return;
        }
        if (socket.writeQueueFull()) {
            // A console that cannot keep up would only see a stale floor: drop it; the page reconnects
            // and re-reads the true state, and the bus is never held back by one slow browser.
            sessions.remove(socket);
            socket.close((short) 1013, "too slow, reconnect");
            return;
        }
        socket.writeTextMessage(text);
    }

    public int sessionCount() {
        return sessions.size();
    }
}
