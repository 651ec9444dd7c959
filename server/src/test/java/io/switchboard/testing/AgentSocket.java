package io.switchboard.testing;

import io.vertx.core.json.JsonObject;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/** A JSON WebSocket as a client sees it: an agent desktop's event stream, or a chat customer's widget. */
public final class AgentSocket implements WebSocket.Listener, AutoCloseable {
    private final List<JsonObject> received = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    private int consumed;
    private volatile java.util.function.Consumer<JsonObject> listener;
    private final java.util.concurrent.CompletableFuture<Integer> closedBy = new java.util.concurrent.CompletableFuture<>();

    /** Also hands every later message to this listener (on the WebSocket's thread). */
    public void onMessage(java.util.function.Consumer<JsonObject> handler) {
        this.listener = handler;
    }

    void attach(WebSocket ws) {
        this.socket = ws;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            JsonObject message = new JsonObject(partial.toString());
            partial.setLength(0);
            synchronized (received) {
                received.add(message);
                received.notifyAll();
            }
            java.util.function.Consumer<JsonObject> handler = listener;
            if (handler != null) {
                handler.accept(message);
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closedBy.complete(statusCode);
        return null;
    }

    /** The status code the server closed this socket with, waiting for it. */
    public int awaitClosedByServer() {
        try {
            return closedBy.get(Await.DEFAULT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the server did not close the socket within " + Await.DEFAULT);
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next message (after those already taken) of this type; earlier messages of other types are skipped. */
    public JsonObject await(String type) {
        return await(type, Await.DEFAULT);
    }

    public JsonObject await(String type, Duration timeout) {
        return await(m -> type.equals(m.getString("type")), type, timeout);
    }

    public JsonObject await(Predicate<JsonObject> match, String description, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                for (int i = consumed; i < received.size(); i++) {
                    if (match.test(received.get(i))) {
                        consumed = i + 1;
                        return received.get(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no '" + description + "' message within " + timeout + "; got " + received);
                }
                try {
                    received.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Every message received so far. */
    public List<JsonObject> all() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Sends one JSON frame (and waits until it is handed to the socket, so frames keep their order). */
    public void send(JsonObject frame) {
        socket.sendText(frame.encode(), true).join();
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }

    public void abort() {
        socket.abort();
    }
}
