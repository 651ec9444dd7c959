package io.switchboard.voice;

import io.switchboard.engine.ApiException;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.engine.ScheduledContacts;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The callback a number has waiting. A caller who asked for one and calls again (they often do, to check) is told it
 * stands, not given a second: two agents would call the same person, and the second call finds a customer already
 * served. Waiting means queued or offered, or scheduled for a closed route's opening; once an agent has it, a new
 * request is a new need. Kept in Redis (number to contact id), so every node answers alike.
 */
final class WaitingCallbacks {
    private static final Set<String> WAITING = Set.of("queued", "reserved");
    /** Longer than any callback waits in line (after its opening, for one scheduled for a closed route). */
    private static final Duration REMEMBERED = Duration.ofDays(8);
    /** Marks a callback an agent promised for a time ({@link #remember}): never canceled by {@link #fulfilledBy}. */
    private static final String PROMISED = " promised";

    private final RoutingEngine engine;
    private final RoutingStore store;

    WaitingCallbacks(RoutingEngine engine, RoutingStore store) {
        this.engine = engine;
        this.store = store;
    }

    /** The id of the callback waiting for this number, or null. A failed read fails: it says nothing either way. */
    Future<String> of(String number) {
        return store.get(key(number)).compose(held -> held == null ? Future.succeededFuture()
                : waiting(held.endsWith(PROMISED) ? held.substring(0, held.length() - PROMISED.length()) : held));
    }

    private Future<String> waiting(String id) {
        return engine.interaction(id).map(i -> WAITING.contains(i.getString("status")) ? id : null)
                // not an interaction (yet): a callback scheduled for an opening or a promised time, or one that never was
                .recover(e -> e instanceof ApiException api && api.status() == 404
                        ? engine.scheduled().entry(id).map(entry -> entry == null ? null : id)
                        : Future.failedFuture(e));
    }

    /**
     * The caller reached an agent on {@code call} about the same need (the IVR's intent, or without one the same queue)
     * as the callback their number still waits for: that callback is canceled, else an agent would later call a
     * customer already served. A call about something else leaves it. Answers the canceled callback's id, or null.
     */
    Future<String> fulfilledBy(String number, JsonObject call) {
        // a callback an agent promised ("I will call you tomorrow with the answer") is that agent's to keep or cancel
        return store.get(key(number)).compose(held -> held == null || held.endsWith(PROMISED)
                        ? Future.succeededFuture((String) null) : waiting(held))
                .compose(id -> id == null || id.equals(call.getString("id"))
                ? Future.succeededFuture((String) null)
                : engine.interaction(id).compose(callback -> !sameNeed(callback, call)
                                ? Future.succeededFuture((String) null)
                                : engine.cancel(id, "canceled", "the caller got through on a later call").map(id))
                        .recover(e -> status(e) == 404 ? cancelScheduled(id, call)
                                // accepted meanwhile: that agent calls; a new need by then
                                : status(e) == 409 ? Future.succeededFuture((String) null) : Future.failedFuture(e)));
    }

    /** A callback scheduled for its route's opening, not made yet. */
    private Future<String> cancelScheduled(String id, JsonObject call) {
        return engine.scheduled().entry(id).compose(entry -> entry == null || !sameNeed(entry, call)
                ? Future.succeededFuture((String) null)
                : engine.scheduled().cancel(entry).map(c -> c == ScheduledContacts.Canceled.CANCELED ? id : null));
    }

    /**
     * The same intent (what the caller chose in the IVR); when either has none, the same queue; when that is not known
     * either (a callback scheduled for an opening is not routed yet), the caller got through, which is taken as served.
     */
    static boolean sameNeed(JsonObject callback, JsonObject call) {
        String wanted = intent(callback);
        String served = intent(call);
        if (wanted != null && served != null) {
            return wanted.equals(served);
        }
        String queue = callback.getString("queue");
        return queue == null || queue.equals(call.getString("queue"));
    }

    private static String intent(JsonObject contact) {
        return contact.getJsonObject("attributes", new JsonObject()).getString("intent");
    }

    private static int status(Throwable e) {
        return e instanceof ApiException api ? api.status() : 0;
    }

    /**
     * The number's callback is this contact now, made at once or (dueAt, else null) when its route opens, or at the
     * time an agent promised it ({@code promised}: never canceled by a later call that reached an agent).
     */
    Future<Void> remember(String number, String interactionId, Instant dueAt, boolean promised) {
        Duration untilDue = dueAt == null ? Duration.ZERO : Duration.between(Instant.ofEpochMilli(engine.now()), dueAt);
        return store.set(key(number), promised ? interactionId + PROMISED : interactionId,
                REMEMBERED.plus(untilDue.isNegative() ? Duration.ZERO : untilDue));
    }

    /** By the number's digits, as customers are found by phone: +15551234 and 15551234 are one caller. */
    private String key(String number) {
        return store.keys().prefix() + ":callback-for:" + RoutingEngine.normalizedPhone(number);
    }
}
