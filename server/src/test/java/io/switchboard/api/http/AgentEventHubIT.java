package io.switchboard.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's sign-out over real WebSockets: a desk of an ended session is closed, by the signed_out event or, when that
 * event never came (the node's subscription was down), by the recheck; a desk of the current session and a staff watch
 * stay, and only the ended desks are told.
 */
class AgentEventHubIT {
    private final Vertx vertx = Vertx.vertx();
    private final AgentEventHub hub = new AgentEventHub();
    private final LinkedBlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();

    /** A server-side socket and the event loop it lives on, where the server adds it to the hub. */
    private record Accepted(ServerWebSocket socket, Context context) {
    }
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = vertx.createHttpServer().webSocketHandler(ws -> accepted.add(new Accepted(ws, Vertx.currentContext()))).listen(0)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A client socket whose server side joined the hub as a desk of this session. */
    private Desk desk(String agent, long session) throws Exception {
        Desk desk = new Desk();
        HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.actualPort() + "/"), desk).get(10, TimeUnit.SECONDS);
        Accepted socket = accepted.poll(10, TimeUnit.SECONDS);
        CompletableFuture<Void> added = new CompletableFuture<>();
        socket.context().runOnContext(v -> {
            hub.add(agent, session, socket.socket());
            added.complete(null);
        });
        added.get(10, TimeUnit.SECONDS);
        return desk;
    }

    @Test
    void aSignOutClosesTheEndedSessionsDesksOnlyAndTheRecheckThoseItMissed() throws Exception {
        Desk old = desk("ann", 0);
        Desk current = desk("ann", 1);
        Desk watch = desk("ann", AgentEventHub.STAFF);

        vertx.runOnContext(v -> hub.deliver(new JsonObject().put("type", "signed_out").put("agent", "ann")
                .put("session", 1).put("reason", "pin_changed")));
        assertEquals(1008, old.closed.get(10, TimeUnit.SECONDS));
        assertTrue(old.texts.get(0).contains("signed_out"), old.texts.toString());
        watch.awaitTexts(1);
        assertEquals(List.of(), current.texts, "a desk logged in again since is not told");
        assertTrue(!current.closed.isDone() && !watch.closed.isDone());

        // the next sign-out's event never reached this node: the recheck reads session 2 and closes the desk
        vertx.runOnContext(v -> hub.recheck(agent -> Future.succeededFuture(2L)));
        assertEquals(1008, current.closed.get(10, TimeUnit.SECONDS));
        // a failed read closes nothing, and a staff watch is never signed out: the next event still reaches it
        vertx.runOnContext(v -> {
            hub.recheck(agent -> Future.failedFuture("Redis down"));
            hub.deliver(new JsonObject().put("type", "state_changed").put("agent", "ann"));
        });
        watch.awaitTexts(2);
        assertTrue(!watch.closed.isDone());
    }

    /** A burst from the bus (an SLA sweep, a re-index) reaches a desk that reads it, whole and in order. */
    @Test
    void aBurstOfEventsReachesAReadingDeskWhole() throws Exception {
        Desk desk = desk("ann", 1);
        int burst = 5_000;
        vertx.runOnContext(v -> {
            for (int i = 0; i < burst; i++) {
                hub.deliver(new JsonObject().put("type", "state_changed").put("agent", "ann").put("n", i));
            }
        });
        desk.awaitTexts(burst);
        assertTrue(!desk.closed.isDone(), "closed " + desk.closed.getNow(0));
        assertTrue(desk.texts.get(burst - 1).contains("\"n\":" + (burst - 1)), desk.texts.get(burst - 1));
    }

    private static final class Desk implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data); // a message may come in parts
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        void awaitTexts(int n) {
            Await.until(n + " messages on the staff watch", () -> texts.size() >= n);
        }
    }
}
