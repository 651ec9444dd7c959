package io.switchboard.engine;

import io.switchboard.routing.QueueDefinition;
import io.switchboard.routing.RoutingRules;
import io.switchboard.sla.WorkingTime;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues' hours of operation (Amazon Connect's hours per queue): which queues are closed now and when each opens or
 * closes next. The routing scripts read the closed ones from Redis (a step's {@code skipIf: closed}). Every node
 * computes that set from the same rules, calendars and clock and writes it whole at each opening and closing, so
 * the nodes need not agree on who writes.
 */
public final class QueueHours {
    private static final Logger LOG = LoggerFactory.getLogger(QueueHours.class);
    private final QuietWarning failures = new QuietWarning(QueueHours.class);
    /** Written again at least this often: a node whose write failed, or whose clock was set, heals within it. */
    private static final long REWRITE_MILLIS = 3_600_000;
    private static final WorkingTime ALWAYS = new WorkingTime.AlwaysOpen();
    private static final long UNDER_WAY = Long.MAX_VALUE;

    private final RoutingStore store;
    private final Supplier<RoutingRules> rules;
    private final Supplier<? extends Map<String, ? extends WorkingTime>> calendars;
    /** Epoch ms of the next write; 0 = at the next check; UNDER_WAY while one is. */
    private final AtomicLong nextWrite = new AtomicLong();
    /** Each queue's hours until they next change: statistics, chats and calls ask often, the answer changes twice a day. */
    private final Map<String, Spell> spells = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private long timer = -1;

    /** The earliest opening of a route whose queues are all closed, in the zone of the calendar that opens it. */
    public record Opening(Instant at, ZoneId zone) {
    }

    /** Open or closed under {@code hours} from {@code from} until {@code until} (null = for good). */
    private record Spell(WorkingTime hours, boolean open, Instant from, Instant until) {
        boolean holds(WorkingTime current, Instant now) {
            return hours == current && !now.isBefore(from) && (until == null || now.isBefore(until));
        }
    }

    /** @param calendars the business calendars in force by name (the SLA file's), read at each use */
    public QueueHours(RoutingStore store, Supplier<RoutingRules> rules,
                      Supplier<? extends Map<String, ? extends WorkingTime>> calendars) {
        this.store = store;
        this.rules = rules;
        this.calendars = calendars;
    }

    /** {"hours": the calendar in force or null, "open": bool, "nextChange": epoch ms or null}: a queue's statistics. */
    public JsonObject describe(QueueDefinition queue) {
        Spell spell = spell(queue, now());
        return new JsonObject().put("hours", spell.hours().name().isEmpty() ? null : spell.hours().name())
                .put("open", spell.open()).put("nextChange", spell.until() == null ? null : spell.until().toEpochMilli());
    }

    /** Whether the queue is within its hours now (an unknown queue is: it has none). */
    public boolean isOpen(String queue) {
        return rules.get().queue(queue).map(q -> spell(q, now()).open()).orElse(true);
    }

    /** Whether some queue is outside its hours now: when none is, no route is closed (nothing more to read). */
    public boolean anyClosed() {
        Instant now = now();
        return rules.get().queues().values().stream().anyMatch(q -> !spell(q, now).open());
    }

    /**
     * When every one of these queues is closed: the earliest of their openings (a caller is told when to call back).
     * Empty when one of them is open, or an unknown queue is named.
     */
    public Optional<Opening> allClosed(Collection<String> queues) {
        return allClosed(queues, now());
    }

    /** The same at another moment (a callback scheduled for then). */
    public Optional<Opening> allClosed(Collection<String> queues, Instant now) {
        Opening first = null;
        for (String name : queues) {
            QueueDefinition queue = rules.get().queue(name).orElse(null);
            Spell spell = queue == null ? null : spell(queue, now);
            if (spell == null || spell.open()) {
                return Optional.empty();
            }
            if (spell.until() != null && (first == null || spell.until().isBefore(first.at()))) {
                first = new Opening(spell.until(), spell.hours().zone());
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
        nextWrite.set(0);
    }

    private void check() {
        long now = store.now();
        long due = nextWrite.get();
        if (now < due || !nextWrite.compareAndSet(due, UNDER_WAY)) {
            return;
        }
        write(Instant.ofEpochMilli(now)).onComplete(ar -> {
            if (ar.failed()) {
                failures.warn("closed queues not written, again at the next check: {}", ar.cause().getMessage());
                nextWrite.compareAndSet(UNDER_WAY, 0);
            } else {
                nextWrite.compareAndSet(UNDER_WAY, ar.result()); // unless changed() meanwhile
            }
        });
    }

    /** Writes which queues are closed at {@code now}; returns when the next one opens or closes (epoch ms). */
    private Future<Long> write(Instant now) {
        List<String> closed = new ArrayList<>();
        long next = now.toEpochMilli() + REWRITE_MILLIS;
        for (QueueDefinition queue : rules.get().queues().values()) {
            Spell spell = spell(queue, now);
            if (!spell.open()) {
                closed.add(queue.name());
            }
            if (spell.until() != null) {
                next = Math.min(next, spell.until().toEpochMilli());
            }
        }
        long nextChange = next;
        return store.replaceSet(store.keys().closedQueues(), closed).map(v -> nextChange);
    }

    private Spell spell(QueueDefinition queue, Instant now) {
        WorkingTime hours = hoursOf(queue);
        Spell known = spells.get(queue.name());
        if (known != null && known.holds(hours, now)) {
            return known;
        }
        Spell spell = new Spell(hours, hours.isOpen(now), now, hours.nextChange(now));
        spells.put(queue.name(), spell);
        return spell;
    }

    /** The queue's hours: 24/7 without {@code hours}, and (logged once) when its calendar is no longer configured. */
    private WorkingTime hoursOf(QueueDefinition queue) {
        if (queue.hours() == null) {
            return ALWAYS;
        }
        WorkingTime calendar = calendars.get().get(queue.hours());
        if (calendar == null) {
            if (warned.add(queue.name() + "|" + queue.hours())) {
                LOG.warn("queue {}: calendar '{}' is no longer in the SLA file; taken as always open", queue.name(),
                        queue.hours());
            }
            return ALWAYS;
        }
        return calendar;
    }

    private Instant now() {
        return Instant.ofEpochMilli(store.now());
    }
}
