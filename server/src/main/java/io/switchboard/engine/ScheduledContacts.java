package io.switchboard.engine;

import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contacts to create later: a callback left in the IVR while every queue of the caller's route was closed is made
 * when the first of them opens, so that no agent still signed in rings the customer in the night, and its wait
 * counts from the opening. Kept in Redis (a sorted set by due time) and swept by every node: the interaction's id
 * makes creating it once the only outcome, since a second node's attempt finds it there.
 */
public final class ScheduledContacts {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledContacts.class);
    private static final int BATCH = 50;
    /** A contact that cannot be created (its route no longer exists) is tried again this much later. */
    private static final long RETRY_MILLIS = 60_000;

    private final RoutingStore store;
    private final RoutingEngine engine;
    private long timer = -1;
    private boolean sweeping;

    ScheduledContacts(RoutingStore store, RoutingEngine engine) {
        this.store = store;
        this.engine = engine;
    }

    /** The interaction {@code id} is created at {@code at}, queued from then. */
    public Future<Void> schedule(String id, InteractionRequest request, Instant at) {
        JsonObject entry = new JsonObject().put("id", id).put("channel", request.channel().wireName())
                .put("attributes", new JsonObject(request.attributes())).put("customerId", request.customerId())
                .put("workflow", request.workflow()).put("priority", request.requestedPriority());
        return store.zadd(key(), at.toEpochMilli(), entry.encode());
    }

    /** How many wait to be created. */
    public Future<Long> count() {
        return store.zcard(key());
    }

    /** Sweeps on this interval, on the calling context's loop. */
    public void start(Vertx vertx, long intervalMillis) {
        timer = vertx.setPeriodic(intervalMillis, id -> sweep());
    }

    public void stop(Vertx vertx) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void sweep() {
        if (sweeping) {
            return;
        }
        sweeping = true;
        store.upTo(key(), store.now(), BATCH)
                .compose(due -> Future.join(due.stream().map(this::create).toList()))
                .onComplete(ar -> sweeping = false);
    }

    private Future<Void> create(Map.Entry<String, Double> due) {
        JsonObject entry = new JsonObject(due.getKey());
        String id = entry.getString("id");
        InteractionRequest request = new InteractionRequest(Channel.parse(entry.getString("channel")),
                entry.getJsonObject("attributes").getMap(), entry.getString("customerId"), entry.getString("workflow"),
                entry.getInteger("priority", 0));
        long queuedAt = due.getValue().longValue();
        return engine.createInteraction(id, request, queuedAt)
                .<Void>mapEmpty()
                .recover(e -> engine.exists(id).compose(created -> {
                    if (created) {
                        return Future.succeededFuture(); // another node made it
                    }
                    LOG.warn("scheduled {} {} not created, again in a minute: {}", request.channel().wireName(), id,
                            e.getMessage());
                    return store.zadd(key(), store.now() + RETRY_MILLIS, due.getKey()).compose(v -> Future.failedFuture(e));
                }))
                .compose(v -> store.zrem(key(), due.getKey()).mapEmpty());
    }

    private String key() {
        return store.keys().scheduledContacts();
    }
}
