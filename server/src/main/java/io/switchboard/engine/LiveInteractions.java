package io.switchboard.engine;

import io.switchboard.routing.Channel;
import io.switchboard.routing.Condition;
import io.switchboard.routing.Customer;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.routing.RoutingRules;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The interactions on the floor now, waiting, offered or being handled, filtered as TaskRouter lists tasks
 * (status, queue, agent, channel, and an expression over their attributes). Read from the indexes routing keeps
 * (each queue's line, each agent's offer and work), never by scanning Redis: finished interactions are the
 * customers' and the cases' history.
 */
public final class LiveInteractions {
    public static final Set<String> STATUSES = Set.of("queued", "reserved", "assigned", "wrapping");
    /** How many interactions a query looks at, at most: what a filter sees is a floor, not the archive. */
    public static final int SCAN = 10_000;
    /** What a summary shows and the filters read: not the route plan or the history. */
    private static final String[] FIELDS = {"status", "queue", "agent", "channel", "direction", "queued", "customerId",
        "attributes", "filter", "step", "priority"};

    /**
     * @param statuses some of {@link #STATUSES}
     * @param queue, agentId, channel null = any
     * @param where over {@code channel}, {@code attributes} and {@code customer}; null = all
     */
    public record Query(Set<String> statuses, String queue, String agentId, String channel, Condition where,
                        int limit) {
    }

    private final RoutingStore store;
    private final RedisKeys keys;
    private final Supplier<RoutingRules> rules;

    LiveInteractions(RoutingStore store, Supplier<RoutingRules> rules) {
        this.store = store;
        this.keys = store.keys();
        this.rules = rules;
    }

    /**
     * {interactions: [...] oldest first, count, truncated: more matched than the limit, or more were on the floor
     * than a query looks at}.
     */
    public Future<JsonObject> find(Query query) {
        // the held first: they are few (agents x capacity), and a long line must not crowd them out of the scan
        return Future.all(held(query), waiting(query)).compose(all -> {
            Set<String> ids = new LinkedHashSet<>(all.<List<String>>resultAt(0));
            ids.addAll(all.<List<String>>resultAt(1));
            List<String> scanned = ids.stream().limit(SCAN).toList();
            boolean cut = ids.size() > SCAN;
            return store.fields(scanned.stream().map(keys::interaction).toList(), FIELDS).compose(rows -> {
                List<JsonObject> found = new ArrayList<>();
                for (int i = 0; i < scanned.size(); i++) {
                    Map<String, String> row = row(rows.get(i));
                    if (row.get("status") != null && matches(query, row)) {
                        found.add(summary(scanned.get(i), row));
                    }
                }
                return where(query, found);
            }).map(found -> {
                List<JsonObject> sorted = new ArrayList<>(found);
                sorted.sort(Comparator.comparingLong(j -> j.getLong("queuedAt")));
                JsonArray shown = new JsonArray(sorted.stream().limit(query.limit()).toList());
                return new JsonObject().put("interactions", shown).put("count", shown.size())
                        .put("truncated", cut || found.size() > query.limit());
            });
        });
    }

    /**
     * The waiting in line, the next first from each queue's line by priority (none are waiting for a named agent;
     * the offered come with the held). Without a filter on what they are (channel, expression), the next limit + 1 of
     * each line are all that can be shown (and tell whether there are more): the supervisor's list of a line reads a
     * hundred, not ten thousand. Not by time queued: that set keeps the offered too (a queue's waiting figures), the
     * oldest of them often, and they would take the rows of those in line.
     */
    private Future<List<String>> waiting(Query query) {
        if (!query.statuses().contains("queued") || query.agentId() != null) {
            return Future.succeededFuture(List.of());
        }
        List<String> queues = query.queue() != null ? List.of(query.queue())
                : List.copyOf(rules.get().queues().keySet());
        int each = query.where() == null && query.channel() == null ? query.limit() + 1 : SCAN;
        List<Future<List<String>>> lines = queues.stream().map(q -> store.head(keys.queueByPriority(q), each)).toList();
        return Future.all(lines).map(x -> lines.stream().flatMap(f -> f.result().stream()).toList());
    }

    /** Offered (an agent's reservation names it) and held (an agent's work: one SUNION for the floor). */
    private Future<List<String>> held(Query query) {
        boolean offered = query.statuses().contains("reserved");
        boolean handled = query.statuses().contains("assigned") || query.statuses().contains("wrapping");
        if (!offered && !handled) {
            return Future.succeededFuture(List.of());
        }
        Future<List<String>> agents = query.agentId() != null ? Future.succeededFuture(List.of(query.agentId()))
                : store.members(keys.agents());
        return agents.compose(ids -> {
            Future<List<String>> work = handled ? store.union(ids.stream().map(keys::agentWork).toList())
                    : Future.succeededFuture(List.of());
            Future<List<List<String>>> offers = offered ? store.fields(ids.stream().map(keys::agent).toList(), "rsv")
                    : Future.succeededFuture(List.of());
            return Future.all(work, offers).map(x -> {
                List<String> held = new ArrayList<>(work.result());
                for (List<String> rsv : offers.result()) {
                    String reservation = rsv.get(0);
                    if (reservation != null && reservation.lastIndexOf('.') > 0) {
                        held.add(reservation.substring(0, reservation.lastIndexOf('.')));
                    }
                }
                return held;
            });
        });
    }

    /** The fields of one interaction by name ({@link #FIELDS}), absent ones left out. */
    private static Map<String, String> row(List<String> values) {
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < FIELDS.length; i++) {
            if (values.get(i) != null) {
                row.put(FIELDS[i], values.get(i));
            }
        }
        return row;
    }

    private static boolean matches(Query query, Map<String, String> hash) {
        return query.statuses().contains(hash.get("status"))
                && (query.queue() == null || query.queue().equals(hash.get("queue")))
                && (query.agentId() == null || query.agentId().equals(hash.get("agent")))
                && (query.channel() == null || query.channel().equals(hash.get("channel")));
    }

    private static JsonObject summary(String id, Map<String, String> hash) {
        return new JsonObject().put("id", id).put("channel", hash.get("channel"))
                .put("direction", hash.getOrDefault("direction", "inbound")).put("status", hash.get("status"))
                .put("queue", hash.get("queue")).put("filter", hash.get("filter"))
                .put("step", Integer.parseInt(hash.getOrDefault("step", "0")))
                .put("priority", Double.parseDouble(hash.getOrDefault("priority", "0")))
                .put("agentId", emptyToNull(hash.get("agent"))).put("customerId", emptyToNull(hash.get("customerId")))
                .put("queuedAt", Long.parseLong(hash.getOrDefault("queued", "0")))
                .put("attributes", new JsonObject(hash.getOrDefault("attributes", "{}")));
    }

    /** The expression, with each interaction's customer as routing sees it (read once per customer). */
    private Future<List<JsonObject>> where(Query query, List<JsonObject> found) {
        if (query.where() == null || found.isEmpty()) {
            return Future.succeededFuture(found);
        }
        List<String> customerIds = found.stream().map(j -> j.getString("customerId")).filter(c -> c != null)
                .distinct().toList();
        return store.hashes(customerIds.stream().map(keys::customer).toList()).map(hashes -> {
            Map<String, Customer> customers = new HashMap<>();
            for (int i = 0; i < customerIds.size(); i++) {
                String id = customerIds.get(i);
                customers.put(id, hashes.get(i).isEmpty() ? Customer.anonymous(id)
                        : CustomerRecords.customer(id, hashes.get(i)));
            }
            return found.stream().filter(j -> {
                String customerId = j.getString("customerId");
                InteractionRequest request = new InteractionRequest(Channel.parse(j.getString("channel")),
                        j.getJsonObject("attributes").getMap(), customerId, null, 0);
                Customer customer = customerId == null ? Customer.anonymous("anonymous") : customers.get(customerId);
                return query.where().test(request.expressionVariables(customer));
            }).toList();
        });
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
