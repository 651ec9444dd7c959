package io.switchboard.engine;

import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.routing.Pool;
import io.switchboard.routing.RoutePlan;
import io.switchboard.routing.RoutingRules;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contacts waiting on a line no agent is indexed for under the rules in force (their queue removed, or no longer
 * serving their channel; the routing script has already moved those of a removed narrowing to their queue's own line)
 * are routed again by their workflow, keeping their place in line, as an update of their attributes would route them.
 * Left there, they waited for ever, in no queue's figures. One the workflow gives no route keeps waiting, logged.
 */
final class StrandedContacts {
    private static final Logger LOG = LoggerFactory.getLogger(StrandedContacts.class);
    /** Contacts routed again per line at one look (a Redis read each); any more are routed at the next one. */
    private static final int MAX_PER_LINE = 10_000;

    private final RoutingEngine engine;
    private final RoutingStore store;
    private final RedisKeys keys;

    StrandedContacts(RoutingEngine engine, RoutingStore store) {
        this.engine = engine;
        this.store = store;
        this.keys = store.keys();
    }

    /** Routes again what waits on the lines these rules leave without agents; returns how many were looked at. */
    Future<Integer> reroute(RoutingRules rules) {
        return store.members(keys.waitingLines()).compose(lines -> {
            List<Future<Integer>> lineCounts = new ArrayList<>();
            for (String line : lines) {
                int bar = line.indexOf('|');
                String channel = line.substring(0, bar);
                String pool = line.substring(bar + 1);
                if (!pool.startsWith("@") && !served(rules, pool, channel)) {
                    lineCounts.add(nobodyIndexed(rules, pool, channel).compose(nobody -> !nobody
                            ? Future.succeededFuture(0)
                            : store.head(keys.poolWaiting(pool, channel), MAX_PER_LINE)
                                    .compose(ids -> Future.all(ids.stream().map(this::reroute).toList())
                                            .map(all -> ids.size()))));
                }
            }
            return Future.all(lineCounts).map(all -> lineCounts.stream().mapToInt(Future::result).sum());
        }).onSuccess(n -> {
            if (n > 0) {
                LOG.warn("{} waiting contacts were on lines these rules leave without agents: routed again", n);
            }
        });
    }

    private static boolean served(RoutingRules rules, String poolId, String capacityChannel) {
        Pool pool = rules.pools().get(poolId);
        return pool != null && rules.queue(pool.queue())
                .map(queue -> queue.serves(Channel.parse(capacityChannel))).orElse(false);
    }

    /**
     * Whether no agent is indexed in the pool for the channel, signed in or free: a line these rules do not serve but
     * another node's still do (a node that has not reloaded yet, or runs other rules) is left to that node, rather than
     * moved back and forth between the two nodes' routes.
     */
    private Future<Boolean> nobodyIndexed(RoutingRules rules, String pool, String capacityChannel) {
        Future<Long> signedIn = store.scard(keys.poolSignedIn(pool, capacityChannel));
        Future<Long> free = store.zcard(keys.poolAvailable(pool, capacityChannel));
        // a pool these rules do not have, but the rules another node installed last do (a queue nobody staffs yet)
        Future<Boolean> elsewhere = rules.pools().containsKey(pool) ? Future.succeededFuture(false)
                : store.members(keys.pools()).map(pools -> pools.contains(pool));
        return Future.all(signedIn, free, elsewhere).map(v -> signedIn.result() == 0 && free.result() == 0
                && !elsewhere.result());
    }

    private Future<Void> reroute(String interactionId) {
        return store.hash(keys.interaction(interactionId)).compose(hash -> {
            if (!"queued".equals(hash.get("status"))) {
                return Future.succeededFuture();
            }
            String customerId = hash.get("customerId") == null || hash.get("customerId").isEmpty() ? null
                    : hash.get("customerId");
            String workflow = engine.rules().workflow(hash.get("workflow")) == null ? null : hash.get("workflow");
            Map<String, Object> attributes = new JsonObject(hash.getOrDefault("attributes", "{}")).getMap();
            return engine.customer(customerId).compose(customer -> {
                RoutePlan plan;
                try {
                    plan = engine.planner().plan(new InteractionRequest(Channel.parse(hash.get("channel")), attributes,
                            customerId, workflow, 0), customer);
                } catch (IllegalArgumentException e) {
                    LOG.warn("{} waits on queue {}, which these rules leave without agents, and its workflow gives it "
                            + "no route: {}", interactionId, hash.get("queue"), e.getMessage());
                    return Future.succeededFuture();
                }
                return engine.commit("replan", interactionId, hash.getOrDefault("plan", ""),
                        RoutingEngine.planJson(plan), plan.filter()).<Void>mapEmpty();
            });
        }).recover(e -> {
            LOG.warn("{} not routed again after the rules changed: {}", interactionId, e.getMessage());
            return Future.succeededFuture();
        });
    }
}
