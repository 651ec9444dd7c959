package io.switchboard.simulator.support;

import org.asteriskjava.manager.ManagerEventListener;
import org.asteriskjava.manager.event.ManagerEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/** Collects the typed events an Asterisk-Java ManagerConnection delivers, for waiting with a deadline. */
public final class AjEvents implements ManagerEventListener {

    private final List<ManagerEvent> events = new ArrayList<>();

    @Override
    public synchronized void onManagerEvent(ManagerEvent event) {
        events.add(event);
        notifyAll();
    }

    public synchronized List<ManagerEvent> all() {
        return List.copyOf(events);
    }

    public synchronized <T extends ManagerEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <T extends ManagerEvent> T await(Class<T> type, Predicate<T> filter, Duration timeout)
        throws TimeoutException, InterruptedException {
        return awaitCount(type, filter, 1, timeout).get(0);
    }

    public synchronized <T extends ManagerEvent> List<T> awaitCount(Class<T> type, Predicate<T> filter, int count, Duration timeout)
        throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<T> found = events.stream().filter(type::isInstance).map(type::cast).filter(filter).limit(count).toList();
            if (found.size() >= count) {
                return found;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("waited for " + count + " " + type.getSimpleName() + ", got " + found.size()
                    + " (" + events.size() + " events in all)");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
