package io.switchboard.api.http;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The supervisor consoles' WebSocket sessions connected to this node. Every event given to
 * {@code deliver} ({@code {type, ...}} JSON: the routing events every node receives from the Redis floor
 * channel, and any other kind a later feature publishes) is written to every session.
 * Thread-safe: written from the bus context, sessions added from HTTP event loops.
 */
public final class SupervisorEventHub {
    private final Set<ServerWebSocket> sessions = ConcurrentHashMap.newKeySet();

    void add(ServerWebSocket socket) {
        sessions.add(socket);
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
        for (ServerWebSocket socket : sessions) {
            if (socket.isClosed()) {
                continue;
            }
            if (socket.writeQueueFull()) {
                // A console that cannot keep up would only see a stale floor: drop it; the page reconnects
                // and re-reads the true state, and the bus is never held back by one slow browser.
                sessions.remove(socket);
                socket.close((short) 1013, "too slow, reconnect");
                continue;
            }
            socket.writeTextMessage(text);
        }
    }

    public int sessionCount() {
        return sessions.size();
    }
}
