package io.switchboard.engine;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.QueueDefinition;
import io.switchboard.routing.RoutingRules;
import io.switchboard.store.redis.KpiCounters;
import io.switchboard.store.redis.KpiCounters.Span;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Live and historical statistics, computed from the counters the routing script keeps in Redis, so
 * every node answers the same (TaskRouter/Connect-style real-time and cumulative statistics).
 */
public final class StatsService {
    private static final long MINUTE = KpiCounters.MINUTE;
    private static final long HOUR = KpiCounters.HOUR;
    private static final List<String> SEVERITIES = List.of("minor", "major", "critical");
    private static final List<String> STATES = AgentStatus.STATES;
    private static final List<String> LOGGED_IN = AgentStatus.SIGNED_IN;
    /** How long a shared reading outlives its age: served while another node reads the floor again. */
    private static final Duration STALE_FLOOR_KEPT = Duration.ofMinutes(1);

    private final RoutingStore store;
    private final RoutingEngine engine;
    private final Supplier<RoutingRules> rules;
    private final KpiCounters counters;
    private final SwitchboardConfig.Costs costs;
    private final ZoneId zone;
    private final Duration realtimeMaxAge;

    /**
     * @param zone the business's time zone: where "today" starts
     * @param realtimeMaxAge how old {@link #floorNow()} may be (zero: read the floor on every call)
     */
    public StatsService(RoutingStore store, RoutingEngine engine, SwitchboardConfig.Costs costs, ZoneId zone,
                        Duration realtimeMaxAge) {
        this.store = store;
        this.engine = engine;
        this.rules = engine::rules;
        this.counters = new KpiCounters(store);
        this.costs = costs;
        this.zone = zone;
        this.realtimeMaxAge = realtimeMaxAge;
    }

    /**
     * The floor now: every queue's live statistics ({@code queues}) and the agents by
     * team and state ({@code agentsByTeam}), read at {@code at}. Reading the floor costs one read per agent and
     * a few hundred counter buckets, and every supervisor console, every node's gauges and every scrape asks
     * for it; so the last reading is kept in Redis for every node, and only one node at a time (the one that
     * takes the lock, which lives as long as a reading may be old) reads the floor again once it is older than
     * {@code realtimeMaxAge}. Meanwhile the others serve the previous reading. (The age is judged by each node's
     * clock against the reading node's: skew between them adds to it.)
     */
    public Future<JsonObject> floorNow() {
        if (realtimeMaxAge.isZero()) {
            return readFloor();
        }
        return store.get(store.keys().floorNow()).compose(json -> {
            JsonObject last = json == null ? null : new JsonObject(json);
            if (last != null && store.now() - last.getLong("at", 0L) < realtimeMaxAge.toMillis()) {
                return Future.succeededFuture(last);
            }
            return store.setIfAbsent(store.keys().floorNowLock(), "1", realtimeMaxAge).compose(mine -> {
                if (!mine && last != null) {
                    return Future.succeededFuture(last); // another node is reading it: the last reading will do
                }
                // kept a while past its age, for the nodes that find the lock taken the next time round
                return readFloor().compose(now -> store.set(store.keys().floorNow(), now.encode(),
                        realtimeMaxAge.plus(STALE_FLOOR_KEPT)).map(now));
            });
        });
    }

    /**
     * One read of every agent serves the queues' live statistics, the agents by team and state, and the time each
     * team has spent in each state ({@code stateSecondsByTeam}, see {@link #teamStateSeconds}).
     */
    private Future<JsonObject> readFloor() {
        long at = store.now();
        // the teams' credited time before the agents' open states: a state that ends in between then counts in
        // neither until the next reading, instead of in both (and a counter that overshoots stays flat until the
        // truth catches up with it)
        return creditedStateSeconds().compose(credited -> engine.agentSnapshot().compose(agents ->
                Future.all(realtime(agents), engine.scheduled().count()).map(all -> new JsonObject()
                        .put("at", at).put("queues", all.<JsonArray>resultAt(0))
                        .put("scheduledCallbacks", all.<Long>resultAt(1))
                        .put("agentsByTeam", new JsonObject(new java.util.LinkedHashMap<>(agentsByTeamAndState(agents))))
                        .put("stateSecondsByTeam", new JsonObject(new java.util.LinkedHashMap<>(
                                teamStateSeconds(credited, agents, at)))))));
    }

    /** Midnight of the business's day that contains this instant. */
    public long startOfDay(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(zone).toLocalDate().atStartOfDay(zone).toInstant().toEpochMilli();
    }

    /** Counters of one queue between two instants (ms); all channels when channel is null. */
    public Future<QueueStatistics> range(String queue, long fromMs, long toMs, String channel) {
        return ranges(queue, List.of(new Span(fromMs, toMs)), channel).map(perSpan -> perSpan.get(0));
    }

    /**
     * Counters of one queue over several spans, each bucket read once however many spans hold it: the live
     * statistics' today, last 15, 30 and 60 minutes share most of their minute buckets.
     */
    private Future<List<QueueStatistics>> ranges(String queue, List<Span> spans, String channel) {
        return counters.buckets(KpiCounters.queue(queue), spans).compose(perSpan -> {
            List<String> keys = perSpan.stream().flatMap(List::stream).distinct().toList();
            return store.hashes(keys).map(hashes -> {
                Map<String, Map<String, String>> byKey = new java.util.HashMap<>();
                for (int i = 0; i < keys.size(); i++) {
                    byKey.put(keys.get(i), hashes.get(i));
                }
                return perSpan.stream()
                        .map(buckets -> QueueStatistics.sum(buckets.stream().map(byKey::get).toList(), channel))
                        .toList();
            });
        });
    }

    /** Every queue's live statistics from one snapshot of the agents. */
    public Future<JsonArray> realtime(List<RoutingEngine.AgentNow> agents) {
        List<Future<JsonObject>> queues = rules.get().queues().values().stream()
                .sorted((a, b) -> a.name().compareTo(b.name())).map(q -> realtime(q, agents)).toList();
        return Future.all(queues).map(c -> new JsonArray(queues.stream().map(Future::result).toList()));
    }

    private Future<JsonObject> realtime(QueueDefinition queue, List<RoutingEngine.AgentNow> agents) {
        long now = store.now();
        long midnight = startOfDay(now);
        Future<JsonObject> live = engine.queueStats(queue.name(), agents);
        Future<List<QueueStatistics>> windows = ranges(queue.name(), List.of(new Span(midnight, now + 1),
                new Span(now - 15 * MINUTE, now + 1), new Span(now - 30 * MINUTE, now + 1),
                new Span(now - 60 * MINUTE, now + 1)), null);
        return Future.all(live, windows).map(all -> {
            JsonObject json = all.resultAt(0);
            QueueStatistics day = windows.result().get(0);
            QueueStatistics q15 = windows.result().get(1);
            QueueStatistics q30 = windows.result().get(2);
            QueueStatistics q60 = windows.result().get(3);
            int staffed = staffed(json);
            JsonObject staffing = QueueStatistics.staffing(queue, q15, 15 * 60, q60, staffed);
            long waiting = json.getLong("waiting");
            double aht = staffing.getDouble("ahtSeconds");
            return json
                    .put("serviceLevelFormula", queue.serviceLevelFormula().wireName())
                    .put("serviceLevelTarget", queue.serviceLevelTarget())
                    .put("estimatedWaitSeconds", newContactWait(json, waiting, aht, staffed))
                    .put("serviceLevel", new JsonObject()
                            .put("today", QueueStatistics.finite(day.serviceLevel(queue.serviceLevelFormula())))
                            .put("last15m", QueueStatistics.finite(q15.serviceLevel(queue.serviceLevelFormula())))
                            .put("last30m", QueueStatistics.finite(q30.serviceLevel(queue.serviceLevelFormula())))
                            .put("last60m", QueueStatistics.finite(q60.serviceLevel(queue.serviceLevelFormula()))))
                    .put("today", day.json(queue))
                    .put("staffing", staffing);
        });
    }

    /**
     * The estimated wait of the contact at {@code position} in a queue's line, by the same formula and inputs as
     * {@link #floorNow()} (AHT of the last hour, agents staffed now), taken from its shared reading: every waiting
     * caller's announcement and every waiting chat's position update asks, and reading every agent and an hour
     * of counters for each of them did not scale with the floor. Null when nobody is staffed.
     */
    public Future<Double> estimatedWait(String queue, long position) {
        return floorNow().map(floor -> {
            JsonObject stats = floor.getJsonArray("queues").stream().map(JsonObject.class::cast)
                    .filter(q -> queue.equals(q.getString("queue"))).findFirst()
                    .orElseThrow(() -> ApiException.notFound("no queue '" + queue + "'"));
            return QueueStatistics.estimatedWaitSeconds(position,
                    stats.getJsonObject("staffing").getDouble("ahtSeconds"), staffed(stats));
        });
    }

    /**
     * A new contact's wait: none when nobody waits and an agent is free (the wallboard's idle floor showed AHT / staffed
     * seconds); else the formula at the end of the line. Contacts that wait with agents free (the free ones cannot take
     * them) keep the formula at their own position.
     */
    private static Double newContactWait(JsonObject queueStats, long waiting, double aht, int staffed) {
        boolean free = queueStats.getJsonObject("agents").getInteger("available") > 0;
        return waiting == 0 && free ? Double.valueOf(0) : QueueStatistics.estimatedWaitSeconds(waiting + 1, aht, staffed);
    }

    /** Agents working the queue now: on a contact, in wrap-up or free (not away or offline). */
    private static int staffed(JsonObject queueStats) {
        JsonObject byState = queueStats.getJsonObject("agents");
        return byState.getInteger("available") + byState.getInteger("reserved") + byState.getInteger("busy")
                + byState.getInteger("wrap_up");
    }

    /** Agents by team and state: {team: {state: count}}. */
    public static Map<String, Map<String, Integer>> agentsByTeamAndState(List<RoutingEngine.AgentNow> agents) {
        {
            Map<String, Map<String, Integer>> out = new java.util.TreeMap<>();
            for (RoutingEngine.AgentNow now : agents) {
                String team = now.team().isEmpty() ? "none" : now.team();
                Map<String, Integer> byState = out.computeIfAbsent(team, t -> {
                    Map<String, Integer> zero = new java.util.LinkedHashMap<>();
                    STATES.forEach(state -> zero.put(state, 0));
                    return zero;
                });
                byState.merge(now.state(), 1, Integer::sum);
            }
            return out;
        }
    }

    /**
     * Seconds agents of each team have spent in each state, since the first event: {team: {state: s}}.
     * The routing script credits a state when it ends; the time in the state each agent was in at {@code now}
     * is added here, so the counters move while an agent stays put (and stay monotonic: the script credits
     * exactly that time when the state ends).
     */
    private static Map<String, Map<String, Double>> teamStateSeconds(Map<String, Map<String, Double>> credited,
                                                                     List<RoutingEngine.AgentNow> agents, long now) {
        Map<String, Map<String, Double>> out = new java.util.TreeMap<>(credited);
        for (OpenState o : openStates(agents, now, 0, Long.MAX_VALUE)) {
            out.computeIfAbsent(o.team(), t -> new java.util.LinkedHashMap<>())
                    .merge(o.state(), o.ms() / 1000.0, Double::sum);
        }
        return out;
    }

    /** What the routing script has credited to each team's states (the states that have ended). */
    private Future<Map<String, Map<String, Double>>> creditedStateSeconds() {
        return store.members(store.keys().prefix() + ":teams").compose(teams -> {
            List<String> sorted = teams.stream().sorted().toList();
            return store.hashes(sorted.stream().map(t -> store.keys().prefix() + ":teamstats:" + t + ":total").toList())
                    .map(hashes -> {
                        Map<String, Map<String, Double>> out = new java.util.TreeMap<>();
                        for (int i = 0; i < sorted.size(); i++) {
                            Map<String, Double> byState = new java.util.LinkedHashMap<>();
                            for (String state : STATES) {
                                byState.put(state, Long.parseLong(hashes.get(i).getOrDefault(state + "_ms", "0")) / 1000.0);
                            }
                            out.put(sorted.get(i), byState);
                        }
                        return out;
                    });
        });
    }

    /** An agent's time in its current state that falls within a range (not yet credited in Redis). */
    private record OpenState(String agentId, String team, String state, long ms) {
        /** As a bucket the counter sums read, under the blank channel. */
        Map<String, String> bucket() {
            return Map.of("all:" + state + "_ms", Long.toString(ms));
        }
    }

    private Future<List<OpenState>> openStates(long fromMs, long toMs) {
        long now = store.now();
        return engine.agentSnapshot().map(agents -> openStates(agents, now, fromMs, toMs));
    }

    private static List<OpenState> openStates(List<RoutingEngine.AgentNow> agents, long now, long fromMs, long toMs) {
        return agents.stream()
                .filter(a -> a.stateSince() > 0 && STATES.contains(a.state()))
                .map(a -> new OpenState(a.id(), a.team().isEmpty() ? "none" : a.team(),
                        a.state(), Math.max(0, Math.min(toMs, now) - Math.max(fromMs, a.stateSince()))))
                .filter(o -> o.ms() > 0).toList();
    }

    public long now() {
        return store.now();
    }

    /** Per queue and per agent totals between two instants. */
    public Future<JsonObject> cumulative(long fromMs, long toMs) {
        if (toMs <= fromMs) {
            return Future.failedFuture(ApiException.badRequest("'to' must be after 'from'"));
        }
        if (toMs - fromMs > Duration.ofDays(400).toMillis()) {
            return Future.failedFuture(ApiException.badRequest("at most 400 days at once"));
        }
        List<QueueDefinition> queues = rules.get().queues().values().stream()
                .sorted((a, b) -> a.name().compareTo(b.name())).toList();
        List<Future<QueueStatistics>> perQueue = queues.stream().map(q -> range(q.name(), fromMs, toMs, null)).toList();
        Future<QueueStatistics> outbound = range(QueueDefinition.OUTBOUND, fromMs, toMs, null);
        Future<JsonArray> agents = agentTotals(fromMs, toMs);
        return Future.all(Future.all(perQueue), outbound, agents).map(all -> {
            JsonArray queueJson = new JsonArray();
            for (int i = 0; i < queues.size(); i++) {
                queueJson.add(perQueue.get(i).result().json(queues.get(i)).put("queue", queues.get(i).name())
                        .put("serviceLevelFormula", queues.get(i).serviceLevelFormula().wireName()));
            }
            return new JsonObject().put("from", fromMs).put("to", toMs).put("queues", queueJson)
                    .put("outbound", outbound.result().outboundJson()).put("agents", agents.result());
        }).compose(json -> floor(fromMs, toMs).map(floor -> json.put("floor", floor)));
    }

    /** The floor's totals since the business's midnight. */
    public Future<JsonObject> today() {
        long now = store.now();
        long midnight = startOfDay(now);
        return floor(midnight, now + 1).map(floor -> new JsonObject().put("from", midnight).put("to", now + 1)
                .put("timeZone", zone.getId()).put("floor", floor));
    }

    /**
     * Floor-wide KPIs over a range, all from Redis: SLA verdicts by severity, CSAT, first contact
     * resolution, and cost per contact = (agent cost + channel cost) / contacts handled.
     */
    public Future<JsonObject> floor(long fromMs, long toMs) {
        // calls out are contacts handled too (their agent time is in the agent hours already)
        List<String> queues = java.util.stream.Stream.concat(rules.get().queues().keySet().stream(),
                java.util.stream.Stream.of(QueueDefinition.OUTBOUND)).sorted().toList();
        List<Future<List<String>>> perQueue = queues.stream()
                .map(q -> counters.buckets(KpiCounters.queue(q), fromMs, toMs)).toList();
        Future<List<Map<String, String>>> queueBuckets = Future.all(perQueue).compose(all -> store.hashes(
                perQueue.stream().flatMap(keys -> keys.result().stream()).toList()));
        Future<QueueStatistics> kpis = counters.buckets(KpiCounters.FLOOR, fromMs, toMs).compose(store::hashes)
                .map(b -> QueueStatistics.sum(b, null));
        Future<QueueStatistics> teams = teamTotals(fromMs, toMs);
        return Future.all(queueBuckets, kpis, teams).map(all -> {
            QueueStatistics k = kpis.result();
            QueueStatistics contacts = QueueStatistics.sum(queueBuckets.result(), null);
            JsonObject breached = new JsonObject();
            long breaches = 0;
            for (String severity : SEVERITIES) {
                breached.put(severity, k.get("sla_breached_" + severity));
                breaches += k.get("sla_breached_" + severity);
            }
            long met = k.get("sla_met");
            // a reopening takes its resolution (and FCR) back when it happens: one resolved before the range can make
            // a count dip below 0
            long resolved = Math.max(0, k.get("resolved"));
            long firstContact = Math.max(0, k.get("first_contact_resolved"));
            return new JsonObject()
                    .put("sla", new JsonObject().put("met", met).put("breached", breached)
                            .put("metRate", QueueStatistics.finite(met + breaches == 0 ? Double.NaN
                                    : met / (double) (met + breaches))))
                    .put("csat", contacts.csat())
                    .put("firstContactResolution", new JsonObject().put("resolved", resolved)
                            .put("count", firstContact)
                            .put("rate", QueueStatistics.finite(resolved == 0 ? Double.NaN
                                    : firstContact / (double) resolved)))
                    .put("cost", cost(queueBuckets.result(), contacts, teams.result()));
        });
    }

    private JsonObject cost(List<Map<String, String>> queueBuckets, QueueStatistics contacts, QueueStatistics teams) {
        JsonObject perChannel = new JsonObject();
        double channelCost = 0;
        for (String channel : costs.perChannel().keySet().stream().sorted().toList()) {
            // a call out costs the line as an inbound call does
            QueueStatistics counted = QueueStatistics.sum(queueBuckets, channel);
            double cost = (counted.get("arrived") + counted.get("dialled")) * costs.perContact(channel);
            perChannel.put(channel, cost);
            channelCost += cost;
        }
        double agentHours = LOGGED_IN.stream().mapToLong(s -> teams.get(s + "_ms")).sum() / (double) HOUR;
        double agentCost = agentHours * costs.agentHourlyCost();
        long handled = contacts.get("completed");
        return new JsonObject().put("currency", costs.currency())
                .put("agentHours", agentHours)
                .put("agent", agentCost)
                .put("channel", channelCost)
                .put("perChannel", perChannel)
                .put("handled", handled)
                .put("perContact", QueueStatistics.finite(handled == 0 ? Double.NaN : (agentCost + channelCost) / handled))
                .put("handledPerAgentHour", QueueStatistics.finite(agentHours == 0 ? Double.NaN : handled / agentHours));
    }

    /** Every team's state time over whole hours (team buckets are hourly), plus the states agents are in now. */
    private Future<QueueStatistics> teamTotals(long fromMs, long toMs) {
        return Future.all(store.members(store.keys().prefix() + ":teams"), openStates(fromMs, toMs)).compose(all -> {
            List<String> teams = all.resultAt(0);
            List<OpenState> open = all.resultAt(1);
            List<String> keys = new ArrayList<>();
            for (String team : teams) {
                for (long h = fromMs / HOUR; h <= (toMs - 1) / HOUR; h++) {
                    keys.add(store.keys().prefix() + ":teamstats:" + team + ":h:" + h);
                }
            }
            return store.hashes(keys).map(b -> {
                List<Map<String, String>> buckets = new ArrayList<>(withBlankChannel(b));
                open.forEach(o -> buckets.add(o.bucket()));
                return QueueStatistics.sum(buckets, null);
            });
        });
    }

    private Future<JsonArray> agentTotals(long fromMs, long toMs) {
        return Future.all(store.members(store.keys().agents()), openStates(fromMs, toMs)).compose(all -> {
            List<String> sorted = all.<List<String>>resultAt(0).stream().sorted().toList();
            Map<String, OpenState> open = new java.util.HashMap<>();
            all.<List<OpenState>>resultAt(1).forEach(o -> open.put(o.agentId(), o));
            List<Future<QueueStatistics>> totals = sorted.stream().map(id -> {
                List<String> keys = new ArrayList<>();
                for (long h = fromMs / HOUR; h <= (toMs - 1) / HOUR; h++) {
                    keys.add(store.keys().prefix() + ":agentstats:" + id + ":h:" + h);
                }
                return store.hashes(keys).map(b -> {
                    List<Map<String, String>> buckets = new ArrayList<>(withBlankChannel(b));
                    if (open.containsKey(id)) {
                        buckets.add(open.get(id).bucket());
                    }
                    return QueueStatistics.sum(buckets, null);
                });
            }).toList();
            return Future.all(totals).map(c -> {
                JsonArray out = new JsonArray();
                for (int i = 0; i < sorted.size(); i++) {
                    out.add(agentJson(sorted.get(i), totals.get(i).result()));
                }
                return out;
            });
        });
    }

    /** Agent buckets have no channel prefix; give them one so one summing routine serves both. */
    private static List<Map<String, String>> withBlankChannel(List<Map<String, String>> buckets) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Map<String, String> b : buckets) {
            Map<String, String> prefixed = new java.util.HashMap<>();
            b.forEach((k, v) -> prefixed.put("all:" + k, v));
            out.add(prefixed);
        }
        return out;
    }

    static JsonObject agentJson(String id, QueueStatistics s) {
        JsonObject seconds = new JsonObject();
        for (String state : STATES) {
            seconds.put(state, s.get(state + "_ms") / 1000.0);
        }
        double working = s.get("reserved_ms") + s.get("busy_ms") + s.get("wrap_up_ms");
        double staffed = working + s.get("available_ms");
        double loggedIn = staffed + s.get("away_ms");
        return new JsonObject().put("agentId", id)
                .put("handled", s.get("handled"))
                .put("completed", s.get("completed"))
                .put("talkSeconds", s.get("talk_ms") / 1000.0)
                .put("wrapUpSeconds", s.get("wrap_ms") / 1000.0)
                .put("ahtSeconds", QueueStatistics.finite(s.aht()))
                .put("stateSeconds", seconds)
                .put("occupancy", QueueStatistics.finite(staffed == 0 ? Double.NaN : working / staffed))
                .put("utilization", QueueStatistics.finite(loggedIn == 0 ? Double.NaN : working / loggedIn));
    }
}
