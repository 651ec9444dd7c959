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

    /**
     * Delivers one bus event to the desktops of the agent it names ({@code agent}) and of the agent on whose
     * behalf it happened ({@code by}: whose call a consultation is); events naming no agent are not for desktops.
     */
    public void deliver(JsonObject event) {
        String agentId = event.getString("agent");
        if (agentId == null) {
            return;
        }
        String by = event.getString("by");
        Set<ServerWebSocket> targets = sessions.get(agentId);
        Set<ServerWebSocket> onBehalf = by == null || by.equals(agentId) ? null : sessions.get(by);
        if (targets == null && onBehalf == null) {
            return;
        }
        String text = event.encode();
        send(targets, text);
        send(onBehalf, text);
    }

    private static void send(Set<ServerWebSocket> sockets, String text) {
        if (sockets == null) {
            return;
        }
        for (ServerWebSocket socket : sockets) {
            if (socket.isClosed()) {
                continue;
            }
            if (socket.writeQueueFull()) {
                // a desktop that stopped reading (a laptop asleep with its connection open) would hold the node's
                // memory without bound: closed, its page reconnects and re-reads the agent's state
                socket.close((short) 1013, "too slow, reconnect");
                continue;
            }
            socket.writeTextMessage(text);
        }
    }

    public int sessionCount() {
        return sessions.values().stream().mapToInt(Set::size).sum();
    }
}
