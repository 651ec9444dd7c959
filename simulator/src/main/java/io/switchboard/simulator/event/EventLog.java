package io.switchboard.simulator.event;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Remembers published events so tests can wait for a condition with a deadline instead of sleeping.
 * Keeps the most recent {@code capacity} events, so a long standalone run does not grow without bound.
 * Thread-safe: the engine appends, test threads read and wait.
 */
public final class EventLog implements EventListener {

    private final ArrayDeque<ManagerEvent> events = new ArrayDeque<>();
    private final int capacity;

    public EventLog() {
        this(200_000);
    }

    public EventLog(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public synchronized void onEvent(ManagerEvent event) {
        events.addLast(event);
        if (events.size() > capacity) {
            events.removeFirst();
        }
        notifyAll();
    }

    public synchronized List<ManagerEvent> snapshot() {
        return List.copyOf(events);
    }

    public synchronized void clear() {
        events.clear();
    }

    /** Events matching {@code filter}, in publication order. */
    public synchronized List<ManagerEvent> matching(Predicate<ManagerEvent> filter) {
        return events.stream().filter(filter).toList();
    }

    /**
     * Waits until an event matching {@code filter} has been published (including before this call) and
     * returns the first one.
     */
    public ManagerEvent await(Predicate<ManagerEvent> filter, Duration timeout) throws TimeoutException, InterruptedException {
        return awaitCount(filter, 1, timeout).get(0);
    }

    /** Waits until at least {@code count} events match; returns the first {@code count} of them. */
    public synchronized List<ManagerEvent> awaitCount(Predicate<ManagerEvent> filter, int count, Duration timeout)
        throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ManagerEvent> found = events.stream().filter(filter).limit(count).toList();
            if (found.size() >= count) {
                return found;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("waited " + timeout + " for " + count + " matching event(s); saw "
                    + found.size() + " of " + events.size() + " events");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** A filter on the event name and header values given as name/value pairs. */
    public static Predicate<ManagerEvent> event(String name, String... headerValuePairs) {
        if (headerValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("header/value pairs expected");
        }
        return e -> {
            if (!e.name().equals(name)) {
                return false;
            }
            for (int i = 0; i < headerValuePairs.length; i += 2) {
                if (!headerValuePairs[i + 1].equals(e.get(headerValuePairs[i]))) {
                    return false;
                }
            }
            return true;
        };
    }
}
