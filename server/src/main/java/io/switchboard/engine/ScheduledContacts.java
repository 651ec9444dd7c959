package io.switchboard.engine;

import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.store.redis.RoutingStore;
import io.switchboard.store.redis.ScheduleStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callbacks to make later: one a caller left in the IVR while every queue of the route was closed (made when the
 * first of them opens, so that no agent still signed in rings the customer in the night), and one an agent promised
 * ("I will call you back tomorrow at ten"). Each becomes an interaction at its time, queued from then. Kept in Redis
 * ({@link ScheduleStore}) and swept by every node: a node claims a due one before making it, so a cancel either
 * wins or is refused, and one that dies while making it leaves it to another node once its lease ends (the
 * interaction's id keeps it from being made twice).
 */
public final class ScheduledContacts {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledContacts.class);
    private static final int BATCH = 50;
    /** How long a node has to make a claimed contact before another node may. */
    private static final Duration LEASE = Duration.ofSeconds(30);
    /** A contact that cannot be made (its route no longer exists, a broken entry) is tried again this much later. */
    private static final long RETRY_MILLIS = 60_000;
    /** How long an entry outlives its due time when no node makes it (a floor shut down for a month). */
    private static final Duration KEPT_AFTER_DUE = Duration.ofDays(30);
    /** The most a listing reads, soonest first. */
    public static final int MAX_LISTED = 1_000;

    /** What canceling did. */
    public enum Canceled { CANCELED, NOT_FOUND, BEING_MADE }

    private final ScheduleStore store;
    private final RoutingStore routing;
    private final RoutingEngine engine;
    private long timer = -1;
    private boolean sweeping;

    ScheduledContacts(RoutingStore routing, RoutingEngine engine) {
        this.store = new ScheduleStore(routing);
        this.routing = routing;
        this.engine = engine;
    }

    /**
     * The interaction {@code id} is made at {@code at}, queued from then.
     *
     * @param scheduledBy the agent who promised it (who may cancel it), or null
     * @return the entry as listed
     */
    public Future<JsonObject> schedule(String id, InteractionRequest request, Instant at, String scheduledBy) {
        long now = routing.now();
        JsonObject entry = new JsonObject().put("id", id).put("dueAt", at.toEpochMilli())
                .put("channel", request.channel().wireName()).put("attributes", new JsonObject(request.attributes()))
                .put("customerId", request.customerId()).put("workflow", request.workflow())
                .put("priority", request.requestedPriority()).put("scheduledBy", scheduledBy).put("scheduledAt", now);
        Duration kept = Duration.ofMillis(Math.max(0, at.toEpochMilli() - now)).plus(KEPT_AFTER_DUE);
        return store.save(id, entry.encode(), at.toEpochMilli(), kept, request.customerId())
                .compose(v -> tell("callback_scheduled", entry)).map(entry);
    }

    /**
     * The callbacks waiting to be made that {@code shown} keeps, soonest first, from the first {@link #MAX_LISTED}.
     */
    public Future<JsonArray> list(Predicate<JsonObject> shown, int limit) {
        return store.head(MAX_LISTED).compose(store::entries).map(entries -> {
            JsonArray listed = new JsonArray();
            for (String json : entries) {
                if (json != null && listed.size() < limit) {
                    JsonObject entry = new JsonObject(json);
                    if (shown.test(entry)) {
                        listed.add(entry);
                    }
                }
            }
            return listed;
        });
    }

    /** The customer's callbacks waiting to be made, soonest first (their 360 view). */
    public Future<JsonArray> ofCustomer(String customerId, int limit) {
        return store.ofCustomer(customerId).map(entries -> new JsonArray(entries.stream().map(JsonObject::new)
                .sorted(java.util.Comparator.comparingLong(e -> e.getLong("dueAt", 0L))).limit(limit).toList()));
    }

    /** How many wait to be made. */
    public Future<Long> count() {
        return store.count();
    }

    /** The entry, or null when it was made, canceled or never scheduled. */
    public Future<JsonObject> entry(String id) {
        return store.entries(List.of(id)).map(found -> found.get(0) == null ? null : new JsonObject(found.get(0)));
    }

    /** Cancels the entry (as {@link #entry} read it). */
    public Future<Canceled> cancel(JsonObject entry) {
        return store.cancel(entry.getString("id"), entry.getString("customerId")).compose(result -> result == 1
                ? tell("callback_canceled", entry).map(Canceled.CANCELED)
                : Future.succeededFuture(result == 0 ? Canceled.NOT_FOUND : Canceled.BEING_MADE));
    }

    /** The consoles re-read their list; a lost message costs nothing but a stale row until the next event. */
    private Future<Void> tell(String type, JsonObject entry) {
        JsonObject event = new JsonObject().put("type", type).put("id", entry.getString("id"))
                .put("dueAt", entry.getLong("dueAt")).put("scheduledBy", entry.getString("scheduledBy"))
                .put("at", routing.now());
        return routing.tellFloor(event).recover(e -> Future.succeededFuture());
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
        long now = routing.now();
        store.due(now, BATCH)
                .compose(ids -> Future.join(ids.stream().map(id -> store.claim(id, now, LEASE)
                        .compose(entry -> entry == null ? Future.succeededFuture() : make(id, entry))).toList()))
                .onComplete(ar -> sweeping = false);
    }

    /** Makes the claimed contact; one that cannot be made is logged and tried again later, never dropped. */
    private Future<Void> make(String id, String json) {
        Future<Void> made;
        String customerId = null;
        try {
            JsonObject entry = new JsonObject(json);
            customerId = entry.getString("customerId");
            InteractionRequest request = new InteractionRequest(Channel.parse(entry.getString("channel")),
                    entry.getJsonObject("attributes").getMap(), entry.getString("customerId"),
                    entry.getString("workflow"), entry.getInteger("priority", 0));
            // queued from the time it was due, even when made later (a node was down, a retry)
            made = engine.createInteraction(id, request, entry.getLong("dueAt")).mapEmpty();
        } catch (RuntimeException e) {
            made = Future.failedFuture(e);
        }
        String owner = customerId;
        return made.recover(e -> engine.exists(id).compose(created -> created ? Future.succeededFuture()
                        : retryLater(id, e)))
                .compose(v -> store.done(id, owner))
                .compose(v -> tell("callback_made", new JsonObject().put("id", id)));
    }

    private Future<Void> retryLater(String id, Throwable e) {
        LOG.warn("scheduled contact {} not made, again in a minute: {}", id, e.getMessage());
        return store.postpone(id, routing.now() + RETRY_MILLIS).compose(v -> Future.failedFuture(e));
    }

    /** For a listing: entries of this agent's, or of this customer's (null = any). */
    public static Predicate<JsonObject> by(String scheduledBy, String customerId) {
        return entry -> (scheduledBy == null || scheduledBy.equals(entry.getString("scheduledBy")))
                && (customerId == null || customerId.equals(entry.getString("customerId")));
    }
}
