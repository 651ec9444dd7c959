package io.switchboard.engine;

import io.switchboard.routing.ErlangC;
import io.switchboard.routing.OutcomeCounts;
import io.switchboard.routing.QueueDefinition;
import io.switchboard.routing.ServiceLevelFormula;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Counters of one queue over a period, summed from the store's minute or hour buckets, and the KPIs
 * derived from them: service level (by the queue's formula), ASA, abandon rate, AHT.
 */
public record QueueStatistics(Map<String, Long> counters) {

    public static QueueStatistics sum(Iterable<Map<String, String>> buckets, String channel) {
        Map<String, Long> totals = new HashMap<>();
        for (Map<String, String> bucket : buckets) {
            bucket.forEach((field, value) -> {
                int colon = field.indexOf(':');
                if (channel == null || field.startsWith(channel + ":")) {
                    totals.merge(field.substring(colon + 1), Long.parseLong(value), Long::sum);
                }
            });
        }
        return new QueueStatistics(totals);
    }

    public long get(String counter) {
        return counters.getOrDefault(counter, 0L);
    }

    public OutcomeCounts outcomes() {
        return new OutcomeCounts(get("answered"), get("answered_sl"), get("abandoned"), get("abandoned_short"),
                get("abandoned_sl"), get("overflowed"), get("overflowed_sl"));
    }

    public double serviceLevel(ServiceLevelFormula formula) {
        return formula.apply(outcomes()).value();
    }

    /** Average speed of answer, seconds. */
    public double asa() {
        return get("answered") == 0 ? Double.NaN : get("wait_ms") / 1000.0 / get("answered");
    }

    /** Average handle time (talk + wrap-up), seconds. */
    public double aht() {
        return get("completed") == 0 ? Double.NaN : (get("talk_ms") + get("wrap_ms")) / 1000.0 / get("completed");
    }

    public JsonObject json(QueueDefinition queue) {
        return new JsonObject()
                .put("offered", get("offered"))
                .put("answered", get("answered"))
                .put("answeredWithinThreshold", get("answered_sl"))
                .put("abandoned", get("abandoned"))
                .put("shortAbandoned", get("abandoned_short"))
                .put("overflowed", get("overflowed"))
                .put("transferred", get("transferred"))
                .put("completed", get("completed"))
                .put("serviceLevel", finite(serviceLevel(queue.serviceLevelFormula())))
                .put("abandonRate", finite(outcomes().abandonRate()))
                .put("asaSeconds", finite(asa()))
                .put("ahtSeconds", finite(aht()))
                .put("revenue", get("revenue_cents") / 100.0)
                .put("csat", csat());
    }

    /**
     * Agents' calls out (the outbound queue's counters): dialled, connected (the agent answered its phone), canceled
     * (never connected), completed, and their handle time.
     */
    public JsonObject outboundJson() {
        return new JsonObject()
                .put("dialled", get("dialled"))
                .put("connected", get("connected"))
                .put("canceled", get("canceled"))
                .put("completed", get("completed"))
                .put("ahtSeconds", finite(aht()))
                .put("revenue", get("revenue_cents") / 100.0);
    }

    /** Customer satisfaction answers (1-5): how many, and their average. */
    public JsonObject csat() {
        long count = get("csat_count");
        return new JsonObject().put("count", count)
                .put("average", finite(count == 0 ? Double.NaN : get("csat_sum") / (double) count));
    }

    /** JSON has no NaN: a ratio over nothing is null. */
    static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** Erlang C for the next period from this period's arrivals and handle time. */
    public static JsonObject staffing(QueueDefinition queue, QueueStatistics arrivals, long periodSeconds,
                                      QueueStatistics handling, int agentsStaffed) {
        double rate = arrivals.get("offered") / (double) periodSeconds;
        double aht = Double.isNaN(handling.aht()) ? DEFAULT_AHT_SECONDS : handling.aht();
        double threshold = queue.serviceLevelThreshold().toMillis() / 1000.0;
        return new JsonObject()
                .put("arrivalsPerMinute", rate * 60)
                .put("ahtSeconds", aht)
                .put("agentsStaffed", agentsStaffed)
                .put("trafficErlangs", ErlangC.traffic(rate, aht))
                .put("predictedServiceLevel", ErlangC.serviceLevel(rate, aht, agentsStaffed, threshold))
                .put("agentsNeeded", ErlangC.agentsNeeded(rate, aht, threshold, queue.serviceLevelTarget()))
                .put("serviceLevelTarget", queue.serviceLevelTarget());
    }

    /**
     * Estimated wait of the contact at {@code position} in line (1 = next): the staffed agents free up
     * one every AHT / staffed seconds on average (the queue's recent answer rate). The one formula for
     * the API's estimatedWaitSeconds (position = waiting + 1, a new contact) and the wait told to callers.
     *
     * @return seconds, or null when nobody is staffed (no rate to estimate from)
     */
    public static Double estimatedWaitSeconds(long position, double ahtSeconds, int agentsStaffed) {
        return agentsStaffed == 0 ? null : position * ahtSeconds / agentsStaffed;
    }

    /** AHT assumed before a queue has handled anything: a typical voice contact. */
    static final double DEFAULT_AHT_SECONDS = 180;
}
