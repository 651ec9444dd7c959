package io.switchboard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.routing.Channel;
import io.switchboard.routing.RoutingRules;
import io.switchboard.store.redis.KpiCounters;
import java.util.Map;

/**
 * Chat-channel meters: customer satisfaction and how chats end. Tags are bounded (queue, channel,
 * outcome), recorded on the node where the customer is connected.
 */
public final class ChatMetrics {
    private final MeterRegistry registry;

    private final KpiCounters shared;

    /** @param shared the same answers in Redis (the queue's buckets), for the statistics API */
    public ChatMetrics(MeterRegistry registry, KpiCounters shared) {
        this.registry = registry;
        this.shared = shared;
        // exported from 0, so a rate over them is defined before a supervisor's first line
        supervisorMessages("whisper");
        supervisorMessages("message");
    }

    /** A CSAT answer, 1 (very unhappy) to 5 (very happy); buckets at every score, so shares per score are exact. */
    public void csat(String queue, String channel, int score) {
        csatScores(queue, channel).record(score);
        shared.add(KpiCounters.queue(queue), channel, Map.of("csat_count", 1L, "csat_sum", (long) score));
    }

    /** Every chat queue's CSAT at 0 answers (see {@link RoutingMetrics#exportFromZero}). */
    public void exportFromZero(RoutingRules installed) {
        installed.queues().values().stream().filter(queue -> queue.serves(Channel.CHAT))
                .forEach(queue -> csatScores(queue.name(), Channel.CHAT.wireName()));
    }

    private DistributionSummary csatScores(String queue, String channel) {
        return DistributionSummary.builder("switchboard_csat_score")
                .description("Customer satisfaction answers after a contact, 1-5")
                .tags("queue", queue, "channel", channel).serviceLevelObjectives(1, 2, 3, 4, 5)
                .register(registry);
    }

    /** outcome: agent_ended, customer_left, idle_closed, abandoned. */
    public void ended(String queue, String outcome) {
        Counter.builder("switchboard_chats_ended").description("Chats ended, by who or what ended them")
                .tags("queue", queue, "outcome", outcome).register(registry).increment();
    }

    /** kind: whisper (to the agent only) or message (to the customer, in a chat an agent holds). */
    public void supervisorMessage(String kind) {
        supervisorMessages(kind).increment();
    }

    private Counter supervisorMessages(String kind) {
        return Counter.builder("switchboard_chat_supervisor_messages").description("Supervisors' lines in agents' chats")
                .tags("kind", kind).register(registry);
    }
}
