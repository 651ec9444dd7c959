package io.switchboard.engine;

import io.switchboard.routing.QueueDefinition;
import io.switchboard.routing.RoutingRules;
import io.switchboard.sla.BusinessCalendar;
import io.switchboard.sla.WorkingTime;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues' hours of operation (Amazon Connect's hours per queue): which queues are closed now and when each opens or
 * closes next. The routing scripts read the closed ones from Redis (a step's {@code skipIf: closed}). Every node
 * computes that set from the same rules, calendars and clock, and writes it at each opening and closing: the writes
 * (SADD of the closed queues, SREM of the open ones) are idempotent, so the nodes need not agree on who writes.
 */
public final class QueueHours {
    private static final Logger LOG = LoggerFactory.getLogger(QueueHours.class);
    /** Written again at least this often: a node whose write failed, or whose clock was set, heals within it. */
    private static final long REWRITE_MILLIS = 3_600_000;
    private static final WorkingTime ALWAYS = new WorkingTime.AlwaysOpen();

    private final RoutingStore store;
    private final Supplier<RoutingRules> rules;
    private final Supplier<? extends Map<String, ? extends WorkingTime>> calendars;
    /** Epoch ms of the next write; 0 = at the next check, MAX_VALUE = one is under way. Read on the check's loop. */
    private volatile long nextWrite;
    private long timer = -1;

    /** The earliest opening of a route whose queues are all closed, in the zone of the calendar that opens it. */
    public record Opening(Instant at, ZoneId zone) {
    }

    /** @param calendars the business calendars in force by name (the SLA file's), read at each use */
    public QueueHours(RoutingStore store, Supplier<RoutingRules> rules,
                      Supplier<? extends Map<String, ? extends WorkingTime>> calendars) {
        this.store = store;
        this.rules = rules;
        this.calendars = calendars;
    }

    /** The queue's hours: 24/7 without {@code hours}, and (logged) when its calendar is no longer configured. */
    public WorkingTime of(QueueDefinition queue) {
        if (queue.hours() == null) {
            return ALWAYS;
        }
        WorkingTime calendar = calendars.get().get(queue.hours());
        if (calendar == null) {
            LOG.warn("queue {}: calendar '{}' is no longer in the SLA file; taken as always open", queue.name(),
                    queue.hours());
            return ALWAYS;
        }
        return calendar;
    }

    /** {"hours": calendar name or null, "open": bool, "nextChange": epoch ms or null}: a queue's statistics. */
    public JsonObject describe(QueueDefinition queue) {
        WorkingTime hours = of(queue);
        Instant now = Instant.ofEpochMilli(store.now());
        Instant change = hours.nextChange(now);
        return new JsonObject().put("hours", queue.hours()).put("open", hours.isOpen(now))
                .put("nextChange", change == null ? null : change.toEpochMilli());
    }

    /** Whether the queue is within its hours now (an unknown queue is: it has none). */
    public boolean isOpen(String queue) {
        return allClosed(List.of(queue)).isEmpty();
    }

    /**
     * When every one of these queues is closed: the earliest of their openings (a caller is told when to call back).
     * Empty when one of them is open, or an unknown queue is named.
     */
    public Optional<Opening> allClosed(Collection<String> queues) {
        Instant now = Instant.ofEpochMilli(store.now());
        Opening first = null;
        for (String name : queues) {
            QueueDefinition queue = rules.get().queue(name).orElse(null);
            WorkingTime hours = queue == null ? ALWAYS : of(queue);
            if (hours.isOpen(now)) {
                return Optional.empty();
            }
            Instant opens = hours.nextChange(now);
            if (opens != null && (first == null || opens.isBefore(first.at()))) {
                ZoneId zone = hours instanceof BusinessCalendar calendar ? calendar.zone() : ZoneOffset.UTC;
                first = new Opening(opens, zone);
            }
        }
        return Optional.ofNullable(first);
    }

    /** Checks on this interval whether a queue opened or closed, on the calling context's loop. */
    public void start(Vertx vertx, long intervalMillis) {
        timer = vertx.setPeriodic(0, intervalMillis, id -> check());
    }

    public void stop(Vertx vertx) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** The rules or the calendars changed: the set is written again at the next check. */
    public void changed() {
        nextWrite = 0;
    }

    private void check() {
        long now = store.now();
        if (now < nextWrite) {
            return;
        }
        nextWrite = Long.MAX_VALUE;
        write(Instant.ofEpochMilli(now)).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("closed queues not written, again at the next check: {}", ar.cause().getMessage());
                nextWrite = 0;
            } else if (nextWrite == Long.MAX_VALUE) { // not changed() meanwhile
                nextWrite = ar.result();
            }
        });
    }

    /** Writes which queues are closed at {@code now}; returns when the next one opens or closes (epoch ms). */
    private Future<Long> write(Instant now) {
        List<String> closed = new ArrayList<>();
        List<String> open = new ArrayList<>();
        long next = now.toEpochMilli() + REWRITE_MILLIS;
        for (QueueDefinition queue : rules.get().queues().values()) {
            WorkingTime hours = of(queue);
            (hours.isOpen(now) ? open : closed).add(queue.name());
            Instant change = hours.nextChange(now);
            if (change != null) {
                next = Math.min(next, change.toEpochMilli());
            }
        }
        String key = store.keys().closedQueues();
        Future<Void> added = closed.isEmpty() ? Future.succeededFuture()
                : store.addMember(key, closed.toArray(String[]::new));
        long nextChange = next;
        return added.compose(v -> open.isEmpty() ? Future.succeededFuture()
                : store.removeMember(key, open.toArray(String[]::new))).map(v -> nextChange);
    }
}
