package io.switchboard.api.http;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents' WebSocket sessions connected to this node. Events reach it from the Redis bus (every
 * node gets every event) and are written only to the sessions of the agent they name.
 * Thread-safe: written from the bus context, sessions added from HTTP event loops.
 */
public final class AgentEventHub {
    private final Map<String, Set<ServerWebSocket>> sessions = new ConcurrentHashMap<>();

    void add(String agentId, ServerWebSocket socket) {
        sessions.computeIfAbsent(agentId, id -> ConcurrentHashMap.newKeySet()).add(socket);
        socket.closeHandler(v -> remove(agentId, socket));
    }

    private void remove(String agentId, ServerWebSocket socket) {
        sessions.computeIfPresent(agentId, (id, set) -> {
            set.remove(socket);
            return set.isEmpty() ? null : set;
        });
    }

    /** Delivers one bus event; events without an agent are not for agent desktops. */
    public void deliver(JsonObject event) {
        String agentId = event.getString("agent");
        if (agentId == null) {
            return;
        }
        Set<ServerWebSocket> targets = sessions.get(agentId);
        if (targets == null) {
            return;
        }
        String text = event.encode();
        for (ServerWebSocket socket : targets) {
            if (!socket.isClosed()) {
                socket.writeTextMessage(text);
            }
        }
    }

    public int sessionCount() {
        return sessions.values().stream().mapToInt(Set::size).sum();
    }
}
