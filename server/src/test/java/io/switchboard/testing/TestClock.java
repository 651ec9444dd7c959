package io.switchboard.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand, so timer behaviour is tested without sleeping. */
public final class TestClock implements InstantSource {
    private final AtomicLong millis;

    public TestClock() {
        this(Instant.now());
    }

    /** A clock at a chosen instant: for behaviour around a day boundary. */
    public TestClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    public void advance(Duration duration) {
        millis.addAndGet(duration.toMillis());
    }
}
