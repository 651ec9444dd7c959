package io.switchboard.api.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The agents' WebSocket sessions connected to this node. Events reach it from the Redis bus (every
 * node gets every event) and are written only to the sessions of the agent they name.
 * Thread-safe: events come on the bus context, sessions are added from HTTP event loops and written on theirs.
 */
public final class AgentEventHub {
    /** How often the desks' sessions are read again (the most a missed sign-out leaves a desk open). */
    static final Duration RECHECK = Duration.ofSeconds(30);
    /** The session of a staff key watching an agent's events: no sign-out of the agent ends it. */
    static final long STAFF = Long.MAX_VALUE;

    /** A desk's socket, the session its token is of, and the event loop the socket lives on (writes happen there). */
    private record Desk(ServerWebSocket socket, long session, Context context) {
    }

    private final Map<String, Set<Desk>> sessions = new ConcurrentHashMap<>();

    /** Call on the socket's own event loop (the upgrade's handler). */
    void add(String agentId, long session, ServerWebSocket socket) {
        Desk desk = new Desk(socket, session,
                java.util.Objects.requireNonNull(Vertx.currentContext(), "not on the socket's event loop"));
        sessions.computeIfAbsent(agentId, id -> ConcurrentHashMap.newKeySet()).add(desk);
        socket.closeHandler(v -> remove(agentId, desk));
    }

    private void remove(String agentId, Desk desk) {
        sessions.computeIfPresent(agentId, (id, set) -> {
            set.remove(desk);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Delivers one bus event to the desktops of the agent it names ({@code agent}) and of the agent on whose
     * behalf it happened ({@code by}: whose call a consultation is); events naming no agent are not for desktops.
     * A sign-out ({@code signed_out}) closes the agent's desks of the sessions it ended, once they are told.
     */
    public void deliver(JsonObject event) {
        String agentId = event.getString("agent");
        if (agentId == null) {
            return;
        }
        String by = event.getString("by");
        Set<Desk> targets = sessions.get(agentId);
        Set<Desk> onBehalf = by == null || by.equals(agentId) ? null : sessions.get(by);
        if (targets == null && onBehalf == null) {
            return;
        }
        String text = event.encode();
        if ("signed_out".equals(event.getString("type"))) {
            // to the desks of the sessions it ended (and staff watching): a desk logged in again since stays
            long ended = event.getLong("session", 0L);
            Set<Desk> over = targets == null ? Set.of() : targets.stream()
                    .filter(desk -> desk.session() < ended || desk.session() == STAFF).collect(Collectors.toSet());
            send(over, text);
            over.stream().filter(desk -> desk.session() < ended).forEach(AgentEventHub::signOff);
            return;
        }
        send(targets, text);
        send(onBehalf, text);
    }

    /**
     * Closes every desk so that it reconnects and re-reads the agent's state (its page does, on the next hello): events
     * published while this node's Redis subscription was down never came, and a desk would show a stale offer.
     */
    public void reconnectAll() {
        sessions.values().forEach(desks -> desks.forEach(desk -> desk.context().runOnContext(v ->
                desk.socket().close(RECONNECT, "events were missed: reconnect"))));
    }

    /** WebSocket close code 1012, "service restart": the client is to reconnect. */
    static final short RECONNECT = 1012;

    private static void signOff(Desk desk) {
        desk.context().runOnContext(v -> desk.socket().close((short) 1008, "signed out"));
    }

    /**
     * Closes the desks whose session is no longer their agent's: a signed_out published while this node's Redis
     * subscription was down never came. Run every {@link #RECHECK}; a failed read closes nothing.
     */
    void recheck(Function<String, Future<Long>> sessionOf) {
        sessions.forEach((agentId, desks) -> {
            if (desks.stream().anyMatch(desk -> desk.session() != STAFF)) {
                sessionOf.apply(agentId).onSuccess(current -> desks.stream()
                        .filter(desk -> desk.session() < current).forEach(AgentEventHub::signOff));
            }
        });
    }

    /** Checks the desks' sessions every {@link #RECHECK} on the calling context; the timer's id. */
    public long startRechecks(Vertx vertx, Function<String, Future<Long>> sessionOf) {
        return vertx.setPeriodic(RECHECK.toMillis(), id -> recheck(sessionOf));
    }

    /**
     * Written from each socket's own event loop, as {@link SupervisorEventHub} does: a write from the bus's thread goes
     * through a short hand-over queue that a burst (an SLA sweep, a re-index) fills at once, closing working desks.
     */
    private static void send(Set<Desk> desks, String text) {
        if (desks != null) {
            desks.forEach(desk -> desk.context().runOnContext(v -> write(desk.socket(), text)));
        }
    }

    private static void write(ServerWebSocket socket, String text) {
        if (socket.isClosed()) {
            return;
        }
        if (socket.writeQueueFull()) {
            // a desktop that stopped reading (a laptop asleep with its connection open) would hold the node's
            // memory without bound: closed, its page reconnects and re-reads the agent's state
            socket.close((short) 1013, "too slow, reconnect");
            return;
        }
        socket.writeTextMessage(text);
    }

    public int sessionCount() {
        return sessions.values().stream().mapToInt(Set::size).sum();
    }
}
