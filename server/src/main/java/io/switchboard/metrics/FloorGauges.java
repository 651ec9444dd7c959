package io.switchboard.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.switchboard.engine.StatsService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor right now, read from Redis on an interval: waiting contacts, longest wait, estimated wait,
 * agents by state, and Erlang C staffing per queue. Every node reads the same Redis and exports the
 * same values, so dashboards take {@code max without (instance)}.
 */
public final class FloorGauges {
    private static final Logger LOG = LoggerFactory.getLogger(FloorGauges.class);
    private static final List<String> STATES = io.switchboard.routing.AgentStatus.STATES;

    private final Vertx vertx;
    private final StatsService stats;
    private final MultiGauge waiting;
    private final MultiGauge longestWait;
    private final MultiGauge estimatedWait;
    private final MultiGauge agents;
    private final MultiGauge predictedServiceLevel;
    private final MultiGauge agentsNeeded;
    private final MultiGauge serviceLevelTarget;
    private final MultiGauge agentsByTeam;
    private final MultiGauge open;
    private final java.util.concurrent.atomic.AtomicInteger redisUp = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong scheduledCallbacks = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Double> stateSeconds = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private long timerId = -1;

    private final CostMetrics costs;

    public FloorGauges(Vertx vertx, StatsService stats, MeterRegistry registry,
                       CostMetrics costs) {
        this.vertx = vertx;
        this.costs = costs;
        this.stats = stats;
        this.waiting = gauge("switchboard_queue_waiting", "Contacts waiting in the queue now", null, registry);
        this.longestWait = gauge("switchboard_queue_longest_wait", "Age of the oldest waiting contact", "seconds", registry);
        this.estimatedWait = gauge("switchboard_queue_estimated_wait", "Estimated wait for a new contact", "seconds", registry);
        this.agents = gauge("switchboard_queue_agents", "Agents of the queue by state", null, registry);
        this.predictedServiceLevel = gauge("switchboard_queue_predicted_service_level",
                "Erlang C service level with the agents staffed now, at the last 15 minutes' arrival rate", null, registry);
        this.agentsNeeded = gauge("switchboard_queue_agents_needed",
                "Erlang C agents needed to meet the queue's service-level target", null, registry);
        this.serviceLevelTarget = gauge("switchboard_queue_service_level_target",
                "The queue's service-level target", null, registry);
        this.open = gauge("switchboard_queue_open",
                "1 while the queue is within its hours of operation (always, for a queue without hours)", null, registry);
        this.agentsByTeam = gauge("switchboard_agents", "Agents by team and state now", null, registry);
        this.registry = registry;
        Gauge.builder("switchboard_callbacks_scheduled", scheduledCallbacks, java.util.concurrent.atomic.AtomicLong::get)
                .description("Callbacks promised for later (by agents, or left out of hours) not made yet")
                .register(registry);
        Gauge.builder("switchboard_redis_up", redisUp, AtomicInteger::get)
                .description("1 when the last read of the floor from Redis succeeded").register(registry);
    }

    private static MultiGauge gauge(String name, String description, String unit, MeterRegistry registry) {
        MultiGauge.Builder builder = MultiGauge.builder(name).description(description);
        if (unit != null) {
            builder.baseUnit(unit);
        }
        return builder.register(registry);
    }

    public void start(long intervalMillis) {
        vertx.runOnContext(v -> timerId = vertx.setPeriodic(0, intervalMillis, id -> refresh()));
    }

    public void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
    }

    private void refresh() {
        // the floor as every node shares it (one read of every agent serves every queue and team, on one node)
        stats.floorNow().onSuccess(floor -> publish(floor.getJsonArray("queues")))
                .onSuccess(floor -> scheduledCallbacks.set(floor.getLong("scheduledCallbacks", 0L)))
                .onSuccess(floor -> publishAgents(floor.getJsonObject("agentsByTeam")))
                .map(floor -> byTeam(floor.getJsonObject("stateSecondsByTeam", new JsonObject())))
                .onSuccess(this::publishStateSeconds)
                .onSuccess(costs::agentTime)
                .onSuccess(v -> redisUp.set(1))
                .onFailure(e -> {
                    redisUp.set(0);
                    LOG.debug("floor gauges not refreshed: {}", e.getMessage());
                });
    }

    private void publishAgents(JsonObject byTeam) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String team : byTeam.fieldNames()) {
            JsonObject byState = byTeam.getJsonObject(team);
            for (String state : byState.fieldNames()) {
                rows.add(MultiGauge.Row.of(Tags.of("team", team, "state", state), byState.getInteger(state)));
            }
        }
        agentsByTeam.register(rows, true);
    }

    /** {team: {state: seconds}} as the floor's reading holds it. */
    private static Map<String, Map<String, Double>> byTeam(JsonObject json) {
        Map<String, Map<String, Double>> byTeam = new java.util.TreeMap<>();
        for (String team : json.fieldNames()) {
            JsonObject byState = json.getJsonObject(team);
            Map<String, Double> seconds = new java.util.LinkedHashMap<>();
            byState.fieldNames().forEach(state -> seconds.put(state, byState.getDouble(state)));
            byTeam.put(team, seconds);
        }
        return byTeam;
    }

    /** Counters whose truth is in Redis: each node reports the same running total. */
    private void publishStateSeconds(Map<String, Map<String, Double>> byTeam) {
        byTeam.forEach((team, byState) -> byState.forEach((state, seconds) -> {
            String key = team + "|" + state;
            // never lower than before: the open interval is measured on this node's clock and credited by the
            // node that ends the state, so clock skew between nodes could dip it, and Prometheus takes any
            // decrease of a counter for a reset
            boolean first = !stateSeconds.containsKey(key);
            stateSeconds.merge(key, seconds, Math::max);
            if (first) {
                FunctionCounter.builder("switchboard_agent_state_seconds", stateSeconds, m -> m.getOrDefault(key, 0.0))
                        .description("Time agents of a team spent in each state (occupancy, utilization)")
                        .baseUnit("seconds").tags("team", team, "state", state).register(registry);
            }
        }));
    }

    private void publish(JsonArray queues) {
        List<MultiGauge.Row<?>> waitingRows = new ArrayList<>();
        List<MultiGauge.Row<?>> longestRows = new ArrayList<>();
        List<MultiGauge.Row<?>> ewtRows = new ArrayList<>();
        List<MultiGauge.Row<?>> agentRows = new ArrayList<>();
        List<MultiGauge.Row<?>> predictedRows = new ArrayList<>();
        List<MultiGauge.Row<?>> neededRows = new ArrayList<>();
        List<MultiGauge.Row<?>> targetRows = new ArrayList<>();
        List<MultiGauge.Row<?>> openRows = new ArrayList<>();
        for (Object o : queues) {
            JsonObject q = (JsonObject) o;
            Tags tags = Tags.of("queue", q.getString("queue"));
            waitingRows.add(MultiGauge.Row.of(tags, q.getLong("waiting")));
            longestRows.add(MultiGauge.Row.of(tags, q.getDouble("longestWaitSeconds")));
            Double ewt = q.getDouble("estimatedWaitSeconds");
            ewtRows.add(MultiGauge.Row.of(tags, ewt == null ? Double.NaN : ewt));
            JsonObject byState = q.getJsonObject("agents");
            for (String state : STATES) {
                agentRows.add(MultiGauge.Row.of(tags.and("state", state), byState.getInteger(state, 0)));
            }
            JsonObject staffing = q.getJsonObject("staffing");
            predictedRows.add(MultiGauge.Row.of(tags, staffing.getDouble("predictedServiceLevel")));
            neededRows.add(MultiGauge.Row.of(tags, staffing.getInteger("agentsNeeded")));
            targetRows.add(MultiGauge.Row.of(tags, q.getDouble("serviceLevelTarget")));
            openRows.add(MultiGauge.Row.of(tags, q.getBoolean("open", true) ? 1 : 0));
        }
        waiting.register(waitingRows, true);
        longestWait.register(longestRows, true);
        estimatedWait.register(ewtRows, true);
        agents.register(agentRows, true);
        predictedServiceLevel.register(predictedRows, true);
        agentsNeeded.register(neededRows, true);
        serviceLevelTarget.register(targetRows, true);
        open.register(openRows, true);
    }
}
