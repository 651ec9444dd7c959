package io.switchboard.simulator.traffic;

import io.switchboard.simulator.CallSpec;
import io.switchboard.simulator.CallerScript;
import io.switchboard.simulator.pbx.PhoneBehavior;
import io.switchboard.simulator.time.Cancellable;
import io.switchboard.simulator.time.SimClock;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Generates inbound calls per a {@link TrafficProfile}, reproducibly (one seeded Random), on the simulator's
 * clock so that a scaled or manual clock speeds it up. Calls go to a sink: the simulator, or a test.
 */
public final class TrafficGenerator {

    private static final String[] FIRST = {"Ann", "Bob", "Cid", "Dana", "Eve", "Finn", "Gia", "Hal", "Ida", "Jon"};
    private static final String[] LAST = {"Caller", "Queue", "Gone", "Smith", "Jones", "Brown", "Lee", "Khan", "Novak", "Rossi"};

    private final SimClock clock;
    private final TrafficProfile profile;
    private final Random random;
    private final Consumer<CallSpec> sink;
    private final AtomicInteger placed = new AtomicInteger();
    private volatile Cancellable next = Cancellable.NONE;
    private volatile boolean running;

    public TrafficGenerator(SimClock clock, TrafficProfile profile, long seed, Consumer<CallSpec> sink) {
        this.clock = clock;
        this.profile = profile;
        this.random = new Random(seed);
        this.sink = sink;
    }

    /** How agent phones behave under this profile (random answer delay, no-answers, talk time). */
    public PhoneBehavior agentPhoneBehavior() {
        synchronized (random) {
            if (random.nextDouble() < profile.noAnswerProbability()) {
                return PhoneBehavior.neverAnswers();
            }
            return new PhoneBehavior(profile.answerDelay().sample(random), profile.talkTime().sample(random));
        }
    }

    /** Starts scheduling arrivals; call from the engine thread or any thread (the clock runs the tasks). */
    public void start() {
        if (profile.callsPerMinute() <= 0) {
            return;
        }
        running = true;
        scheduleNext();
    }

    public void stop() {
        running = false;
        next.cancel();
    }

    public int callsPlaced() {
        return placed.get();
    }

    /** Poisson arrivals: exponential gaps with mean 60 / rate seconds. */
    Duration nextGap() {
        double meanMillis = 60_000.0 / profile.callsPerMinute();
        synchronized (random) {
            return Duration.ofMillis(Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * meanMillis)));
        }
    }

    private void scheduleNext() {
        if (!running) {
            return;
        }
        next = clock.schedule(nextGap(), this::arrive);
    }

    private void arrive() {
        if (!running) {
            return;
        }
        if (profile.maxCalls() > 0 && placed.get() >= profile.maxCalls()) {
            running = false;
            return;
        }
        placed.incrementAndGet();
        sink.accept(nextCall());
        scheduleNext();
    }

    /** The next caller: a random number and name, a DTMF choice, a patience. */
    CallSpec nextCall() {
        synchronized (random) {
            String number = "1555" + String.format("%07d", random.nextInt(10_000_000));
            String name = FIRST[random.nextInt(FIRST.length)] + " " + LAST[random.nextInt(LAST.length)];
            String dialed = profile.dialedNumbers().get(random.nextInt(profile.dialedNumbers().size()));
            CallerScript script = CallerScript.create();
            if (profile.dtmfChoices() != null && !profile.dtmfChoices().isEmpty()) {
                script.press(profile.dtmfChoices().pick(random), Duration.ofMillis(300 + random.nextInt(1500)));
            }
            CallSpec spec = CallSpec.create().from(number, name).dialing(dialed).script(script);
            if (profile.patience() != null) {
                spec.patience(profile.patience().sample(random));
            }
            return spec;
        }
    }
}
