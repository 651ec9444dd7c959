package io.switchboard.engine;

import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callbacks to make later: one a caller left in the IVR while every queue of the route was closed (made when the
 * first of them opens, so that no agent still signed in rings the customer in the night), and one an agent promised
 * ("I will call you back tomorrow at ten"). Each becomes an interaction at its time, queued from then. Kept in Redis,
 * an id in a sorted set by due time and the contact beside it, and swept by every node: the interaction's id makes
 * creating it once the only outcome, since a second node's attempt finds it there.
 */
public final class ScheduledContacts {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledContacts.class);
    private static final int BATCH = 50;
    /** A contact that cannot be created (its route no longer exists) is tried again this much later. */
    private static final long RETRY_MILLIS = 60_000;
    /** How long an entry outlives its due time if no node ever sweeps it (a floor shut down for a month). */
    private static final Duration KEPT_AFTER_DUE = Duration.ofDays(30);
    /** The most a listing reads, soonest first. */
    public static final int MAX_LISTED = 1_000;

    private final RoutingStore store;
    private final RoutingEngine engine;
    private long timer = -1;
    private boolean sweeping;

    ScheduledContacts(RoutingStore store, RoutingEngine engine) {
        this.store = store;
        this.engine = engine;
    }

    /**
     * The interaction {@code id} is created at {@code at}, queued from then.
     *
     * @param scheduledBy the agent who promised it (may cancel it), or null
     * @return the entry as listed
     */
    public Future<JsonObject> schedule(String id, InteractionRequest request, Instant at, String scheduledBy) {
        JsonObject entry = new JsonObject().put("id", id).put("dueAt", at.toEpochMilli())
                .put("channel", request.channel().wireName()).put("attributes", new JsonObject(request.attributes()))
                .put("customerId", request.customerId()).put("workflow", request.workflow())
                .put("priority", request.requestedPriority()).put("scheduledBy", scheduledBy)
                .put("scheduledAt", store.now());
        Duration kept = Duration.ofMillis(Math.max(0, at.toEpochMilli() - store.now())).plus(KEPT_AFTER_DUE);
        // the contact first: the sweep takes only ids whose contact is there
        return store.set(store.keys().scheduledContact(id), entry.encode(), kept)
                .compose(v -> store.zadd(key(), at.toEpochMilli(), id)).map(entry);
    }

    /** The callbacks waiting to be made, soonest first (at most {@link #MAX_LISTED} read), that {@code shown} keeps. */
    public Future<JsonArray> list(Predicate<JsonObject> shown, int limit) {
        return store.head(key(), MAX_LISTED).compose(ids -> Future.all(ids.stream().map(this::entry).toList())
                .map(all -> {
                    JsonArray listed = new JsonArray();
                    for (int i = 0; i < ids.size() && listed.size() < limit; i++) {
                        JsonObject entry = all.resultAt(i);
                        if (entry != null && shown.test(entry)) {
                            listed.add(entry);
                        }
                    }
                    return listed;
                }));
    }

    /** The entry, or null when it was made, canceled or never scheduled. */
    public Future<JsonObject> entry(String id) {
        return store.get(store.keys().scheduledContact(id)).map(json -> json == null ? null : new JsonObject(json));
    }

    /** Cancels it; false when there was nothing to cancel (made already, or canceled by someone else). */
    public Future<Boolean> cancel(String id) {
        return store.zrem(key(), id).compose(removed -> removed
                ? store.delete(store.keys().scheduledContact(id)).map(true) : Future.succeededFuture(false));
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
                .compose(due -> Future.join(due.stream().map(this::make).toList()))
                .onComplete(ar -> sweeping = false);
    }

    private Future<Void> make(Map.Entry<String, Double> due) {
        String id = due.getKey();
        return entry(id).compose(entry -> {
            if (entry == null) { // canceled between the read of the set and now
                return store.zrem(key(), id).mapEmpty();
            }
            InteractionRequest request = new InteractionRequest(Channel.parse(entry.getString("channel")),
                    entry.getJsonObject("attributes").getMap(), entry.getString("customerId"),
                    entry.getString("workflow"), entry.getInteger("priority", 0));
            // queued from the time it was due, even when made later (a node was down, a retry)
            return engine.createInteraction(id, request, entry.getLong("dueAt"))
                    .<Void>mapEmpty()
                    .recover(e -> engine.exists(id).compose(created -> created ? Future.succeededFuture()
                            : retryLater(id, request, e)))
                    .compose(v -> store.zrem(key(), id))
                    .compose(v -> store.delete(store.keys().scheduledContact(id)));
        });
    }

    private Future<Void> retryLater(String id, InteractionRequest request, Throwable e) {
        LOG.warn("scheduled {} {} not made, again in a minute: {}", request.channel().wireName(), id, e.getMessage());
        return store.zadd(key(), store.now() + RETRY_MILLIS, id).compose(v -> Future.failedFuture(e));
    }

    private String key() {
        return store.keys().scheduledContacts();
    }

    /** For a listing: entries of this agent's, or of this customer's (null = any). */
    public static Predicate<JsonObject> by(String scheduledBy, String customerId) {
        return entry -> (scheduledBy == null || scheduledBy.equals(entry.getString("scheduledBy")))
                && (customerId == null || customerId.equals(entry.getString("customerId")));
    }
}
