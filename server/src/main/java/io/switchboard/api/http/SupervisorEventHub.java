package io.switchboard.api.http;

import io.vertx.core.http.ServerWebSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Supervisors' WebSocket sessions on this node. SLA events (warn, breach, severity, met) reach every
 * node from Redis pub/sub and are written to every supervisor session here.
 * Thread-safe: written from the bus context, sessions added from HTTP event loops.
 */
public final class SupervisorEventHub {
    private final Set<ServerWebSocket> sessions = ConcurrentHashMap.newKeySet();

    void add(ServerWebSocket socket) {
        sessions.add(socket);
        socket.closeHandler(v -> sessions.remove(socket));
    }

    /** @param json one event as published (already JSON text) */
    public void deliver(String json) {
        for (ServerWebSocket socket : sessions) {
            if (!socket.isClosed()) {
                socket.writeTextMessage(json);
            }
        }
    }

    public int sessionCount() {
        return sessions.size();
    }
}
