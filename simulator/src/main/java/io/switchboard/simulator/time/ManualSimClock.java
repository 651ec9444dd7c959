package io.switchboard.simulator.time;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A clock that only moves when told to. For unit tests of timing logic (the traffic generator, the
 * dialplan engine) that need no sockets: {@link #advance(Duration)} runs every task that falls due, in
 * time order, on the calling thread.
 */
public final class ManualSimClock implements SimClock {

    private record Task(long dueMicros, long seq, Runnable body) { }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
        (a, b) -> a.dueMicros != b.dueMicros ? Long.compare(a.dueMicros, b.dueMicros) : Long.compare(a.seq, b.seq));
    private long now;
    private long seq;

    public ManualSimClock(long startEpochMicros) {
        this.now = startEpochMicros;
    }

    @Override
    public synchronized long nowMicros() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task t = new Task(now + Math.max(0, delay.toNanos() / 1000), seq++, task);
        tasks.add(t);
        return () -> {
            synchronized (this) {
                tasks.remove(t);
            }
        };
    }

    /** Moves time forward by {@code step}, running due tasks (including ones they schedule) in order. */
    public void advance(Duration step) {
        long target;
        synchronized (this) {
            target = now + step.toNanos() / 1000;
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.dueMicros > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.dueMicros);
            }
            next.body.run();
        }
    }

    public synchronized int pendingTasks() {
        return tasks.size();
    }
}
