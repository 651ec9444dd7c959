package io.switchboard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.routing.Channel;
import io.switchboard.routing.OutcomeCounts;
import io.switchboard.routing.QueueDefinition;
import io.switchboard.routing.RoutingRules;
import io.switchboard.routing.ServiceLevelFormula;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Contact-center KPIs as Prometheus meters, fed by the events of the routing changes this node
 * commits. Each change is committed by exactly one node, so summing the nodes' counters counts every
 * contact once. Tags are bounded: queue, channel, outcome; never an interaction or a customer, and an
 * agent only when per-agent series are configured.
 *
 * <p>Service level: each queue's formula turns every outcome into a numerator and a denominator,
 * exported as {@code switchboard_service_level_met_total} and {@code switchboard_service_level_counted_total},
 * so {@code increase(met) / increase(counted)} is the queue's service level with its own formula.
 */
public final class RoutingMetrics implements RoutingObserver {
    private static final List<Duration> WAIT_BUCKETS = List.of(5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1800,
            3600, 14400).stream().map(Duration::ofSeconds).toList();
    private static final List<Duration> HANDLE_BUCKETS = List.of(10, 30, 60, 120, 180, 300, 600, 900, 1800, 3600)
            .stream().map(Duration::ofSeconds).toList();
    /** The counters of a queue and channel, each exported from 0 once the rules name the queue. */
    private enum Counted {
        OFFERED("switchboard_queue_offered", "Contacts that entered the queue"),
        ANSWERED("switchboard_queue_answered", "Contacts answered (offer accepted by an agent)"),
        ABANDONED("switchboard_queue_abandoned", "Contacts that left the queue before an answer"),
        SHORT_ABANDONED("switchboard_queue_short_abandoned", "Abandons quicker than the queue's short-abandon threshold"),
        OVERFLOWED("switchboard_queue_overflowed", "Contacts moved on to another queue"),
        TRANSFERRED("switchboard_queue_transferred",
                "Contacts transferred out of the queue (by an agent, a supervisor's move, or new attributes)"),
        CANCELED("switchboard_queue_canceled", "Contacts withdrawn by the system"),
        HANDLED("switchboard_contacts_handled", "Contacts an agent finished (each leg of a transfer)"),
        SL_MET("switchboard_service_level_met", "Service-level numerator by the queue's formula"),
        SL_COUNTED("switchboard_service_level_counted", "Service-level denominator by the queue's formula");

        final String metric;
        final String help;

        Counted(String metric, String help) {
            this.metric = metric;
            this.help = help;
        }
    }

    private static final String WAIT = "switchboard_queue_wait";
    private static final String WAIT_HELP = "Time in the queue before an agent answered";
    private static final String ABANDON_WAIT = "switchboard_queue_abandon_wait";
    private static final String ABANDON_WAIT_HELP = "Time in the queue before abandoning";
    private static final String TALK = "switchboard_handle_talk";
    private static final String TALK_HELP = "Talk (or chat, or email work) time per contact";
    private static final String WRAP = "switchboard_handle_wrapup";
    private static final String WRAP_HELP = "After-contact work time per contact";

    private final MeterRegistry registry;
    private final Supplier<RoutingRules> rules;
    private final Timer sweepLateness;
    private final Counter rematched;
    private final boolean perAgentSeries;
    // meters by name|queue|channel: building a meter's id (sorted tags) for every event showed in profiles;
    // Micrometer keeps the first registration of an id anyway, so a cached meter is the one it would return
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    private static final String DIALLED = "switchboard_calls_dialled";
    private static final String DIALLED_HELP = "Agents' own calls out (click-to-dial), under their queue";

    /** @param perAgentSeries also count contacts and handling time per agent (a label per agent) */
    public RoutingMetrics(MeterRegistry registry, Supplier<RoutingRules> rules, boolean perAgentSeries) {
        this.registry = registry;
        this.rules = rules;
        this.perAgentSeries = perAgentSeries;
        this.sweepLateness = Timer.builder("switchboard_timer_lateness")
                .description("How late routing timers (offer timeouts, escalations, wrap-up ends) fired")
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
        this.rematched = Counter.builder("switchboard_routing_rematched")
                .description("Contacts found waiting while an agent was free for them, and offered by the sweep: a "
                        + "routing path that missed its offer (should stay 0)")
                .register(registry);
        // exported from 0, so the wallboard's rate of calls out is defined before the first one
        counter(DIALLED, DIALLED_HELP, QueueDefinition.OUTBOUND, Channel.VOICE.wireName());
    }

    /**
     * Exports every queue's series at 0 for each channel it serves, when rules are installed: a series that first
     * appears at 1 hides that first contact from increase() and rate(), so a queue's first abandon after a restart
     * (or a new queue's) never reached the wallboard or the alerts.
     */
    public void exportFromZero(RoutingRules installed) {
        for (QueueDefinition queue : installed.queues().values()) {
            for (Channel channel : Channel.values()) {
                if (queue.serves(channel)) {
                    String q = queue.name();
                    String c = channel.wireName();
                    for (Counted counted : Counted.values()) {
                        counter(counted, q, c);
                    }
                    waitTimer(WAIT, WAIT_HELP, q, c);
                    waitTimer(ABANDON_WAIT, ABANDON_WAIT_HELP, q, c);
                    handleTimer(TALK, TALK_HELP, q, c);
                    handleTimer(WRAP, WRAP_HELP, q, c);
                    revenue(q, c);
                }
            }
        }
    }

    @Override
    public void committed(String command, long nanos, List<JsonObject> events) {
        timers.computeIfAbsent("switchboard_routing_command|" + command, k -> Timer.builder("switchboard_routing_command")
                .description("One atomic routing command in Redis, round trip included (the routing decision time)")
                .tag("command", command).publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(1))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        for (JsonObject event : events) {
            record(event);
        }
    }

    public void rematched() {
        rematched.increment();
    }

    public void timerFired(long latenessMillis) {
        sweepLateness.record(Duration.ofMillis(Math.max(0, latenessMillis)));
    }

    private void record(JsonObject e) {
        String queue = e.getString("queue", "");
        String channel = e.getString("channel", "");
        switch (e.getString("type", "")) {
            case "queued" -> count(Counted.OFFERED, queue, channel);
            case "outbound" -> count(DIALLED, DIALLED_HELP, queue, channel);
            case "assigned" -> {
                double wait = seconds(e, "waitedMs");
                count(Counted.ANSWERED, queue, channel);
                record(waitTimer(WAIT, WAIT_HELP, queue, channel), wait);
                serviceLevel(queue, channel, q -> OutcomeCounts.answered(wait, q));
            }
            case "abandoned" -> {
                double wait = seconds(e, "waitedMs");
                count(Counted.ABANDONED, queue, channel);
                record(waitTimer(ABANDON_WAIT, ABANDON_WAIT_HELP, queue, channel), wait);
                serviceLevel(queue, channel, q -> {
                    OutcomeCounts outcome = OutcomeCounts.abandoned(wait, q);
                    if (outcome.abandonedShort() > 0) {
                        count(Counted.SHORT_ABANDONED, queue, channel);
                    }
                    return outcome;
                });
            }
            case "overflowed" -> {
                double wait = seconds(e, "waitedMs");
                count(Counted.OVERFLOWED, queue, channel);
                count(Counted.OFFERED, e.getString("toQueue", ""), channel);
                serviceLevel(queue, channel, q -> OutcomeCounts.overflowed(wait, q));
            }
            case "transferred" -> {
                count(Counted.TRANSFERRED, queue, channel);
                count(Counted.OFFERED, e.getString("toQueue", ""), channel);
                // the transferring agent's leg is handled: its talk, and the wrap-up its timer then runs
                handled(e, queue, channel, e.getString("agent"));
            }
            case "moved", "rerouted" -> {
                // a supervisor's move, or new attributes: out of one queue into another, as the Redis statistics count
                String toQueue = e.getString("toQueue", queue);
                if (!toQueue.equals(queue)) {
                    count(Counted.TRANSFERRED, queue, channel);
                    count(Counted.OFFERED, toQueue, channel);
                }
            }
            case "callback_requested" -> {
                // a waiting caller took a callback: out of the queue's voice line, into its callback one
                count(Counted.TRANSFERRED, queue, "voice");
                count(Counted.OFFERED, queue, channel);
            }
            case "canceled" -> count(Counted.CANCELED, queue, channel);
            case "completed" -> completed(e, queue, channel);
            default -> { }
        }
    }

    private void completed(JsonObject e, String queue, String channel) {
        // not "agent": that would send the event to the agent's socket
        handled(e, queue, channel, e.getString("handledBy"));
        long cents = e.getLong("amountCents", 0L);
        if (cents > 0) {
            revenue(queue, channel).increment(cents / 100.0);
        }
    }

    private Counter revenue(String queue, String channel) {
        return counters.computeIfAbsent("switchboard_revenue|" + queue + '|' + channel, k -> Counter.builder("switchboard_revenue")
                .description("Revenue from dispositions with an amount (cross-sell, up-sell)").baseUnit("currency")
                .tags("queue", queue, "channel", channel).register(registry));
    }

    /** A contact (or a transferred leg) an agent finished: its whole talk time and its wrap-up, for AHT. */
    private void handled(JsonObject e, String queue, String channel, String agent) {
        count(Counted.HANDLED, queue, channel);
        if (perAgentSeries && agent != null && !agent.isEmpty()) {
            Counter.builder("switchboard_agent_contacts_handled").description("Contacts this agent finished")
                    .tag("agent", agent).register(registry).increment();
            Timer.builder("switchboard_agent_handle").description("Talk plus wrap-up time per contact, per agent (AHT)")
                    .tag("agent", agent).register(registry)
                    .record(Duration.ofMillis(e.getLong("talkMs", 0L) + e.getLong("wrapMs", 0L)));
        }
        record(handleTimer(TALK, TALK_HELP, queue, channel), seconds(e, "talkMs"));
        record(handleTimer(WRAP, WRAP_HELP, queue, channel), seconds(e, "wrapMs"));
    }

    private void serviceLevel(String queue, String channel,
                              java.util.function.Function<QueueDefinition, OutcomeCounts> outcome) {
        RoutingRules current = rules.get();
        QueueDefinition definition = current == null ? null : current.queues().get(queue);
        if (definition == null) {
            return;
        }
        ServiceLevelFormula.Ratio ratio = definition.serviceLevelFormula().apply(outcome.apply(definition));
        counter(Counted.SL_MET, queue, channel).increment(ratio.met());
        counter(Counted.SL_COUNTED, queue, channel).increment(ratio.counted());
    }

    private void count(String name, String description, String queue, String channel) {
        counter(name, description, queue, channel).increment();
    }

    private void count(Counted counted, String queue, String channel) {
        counter(counted, queue, channel).increment();
    }

    private Counter counter(Counted counted, String queue, String channel) {
        return counter(counted.metric, counted.help, queue, channel);
    }

    private Counter counter(String name, String description, String queue, String channel) {
        return counters.computeIfAbsent(name + '|' + queue + '|' + channel, k -> Counter.builder(name)
                .description(description).tags("queue", queue, "channel", channel).register(registry));
    }

    /** Wait histograms have a bucket at every queue's service-level and short-abandon threshold. */
    private Timer waitTimer(String name, String description, String queue, String channel) {
        return timers.computeIfAbsent(name + '|' + queue + '|' + channel, k -> {
            TreeSet<Duration> buckets = new TreeSet<>(WAIT_BUCKETS);
            RoutingRules current = rules.get();
            if (current != null) {
                current.queues().values().forEach(q -> {
                    buckets.add(q.serviceLevelThreshold());
                    buckets.add(q.shortAbandon());
                });
            }
            return Timer.builder(name).description(description).tags("queue", queue, "channel", channel)
                    .serviceLevelObjectives(buckets.toArray(Duration[]::new)).register(registry);
        });
    }

    private Timer handleTimer(String name, String description, String queue, String channel) {
        return timers.computeIfAbsent(name + '|' + queue + '|' + channel, k -> Timer.builder(name)
                .description(description).tags("queue", queue, "channel", channel)
                .serviceLevelObjectives(HANDLE_BUCKETS.toArray(Duration[]::new)).register(registry));
    }

    private static void record(Timer timer, double seconds) {
        timer.record(Duration.ofMillis(Math.round(seconds * 1000)));
    }

    private static double seconds(JsonObject e, String field) {
        return e.getLong(field, 0L) / 1000.0;
    }
}
