package io.switchboard.engine;

import io.switchboard.cases.Case;
import io.switchboard.routing.Customer;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The customer's 360° view (profile, interactions on every channel, cases) and imports that recognise a
 * contact already known by phone or email.
 */
public final class CustomerService {
    /** Cases shown on the timeline; older ones are a search away. */
    static final int TIMELINE_CASES = 50;
    /** Callbacks promised and not made yet, shown with the profile. */
    static final int TIMELINE_CALLBACKS = 20;

    private final RoutingStore store;
    private final RedisKeys keys;
    private final RoutingEngine engine;
    private final CaseService cases;

    public CustomerService(RoutingStore store, RoutingEngine engine, CaseService cases) {
        this.store = store;
        this.keys = store.keys();
        this.engine = engine;
        this.cases = cases;
    }

    /** A contact to import: its id may be empty, then it is matched by phone or email, or given a new id. */
    public record Contact(String id, String name, String tier, double lifetimeValue, List<String> phones,
                          List<String> emails, String language) {
    }

    /** What an import did: how many contacts matched a known customer and how many are new. */
    public record ImportResult(int imported, int matched, int created) {
    }

    /**
     * The profile plus the timeline: interactions newest first (capped), cases newest first, and the callbacks
     * promised to the customer that are not made yet, soonest first.
     */
    public Future<JsonObject> view(String id) {
        return Future.all(store.hash(keys.customer(id)), store.list(keys.customerInteractions(id)),
                cases.search(id, null, null, null, TIMELINE_CASES),
                engine.scheduled().ofCustomer(id, TIMELINE_CALLBACKS)).compose(all -> {
                    Map<String, String> profile = all.resultAt(0);
                    if (profile.isEmpty()) {
                        return Future.failedFuture(ApiException.notFound("no customer '" + id + "'"));
                    }
                    List<String> ids = all.resultAt(1);
                    List<Case> customerCases = all.resultAt(2);
                    return store.hashes(ids.stream().map(keys::interaction).toList()).map(hashes -> {
                        JsonArray interactions = new JsonArray();
                        for (int i = 0; i < ids.size(); i++) {
                            if (!hashes.get(i).isEmpty()) {
                                interactions.add(summary(ids.get(i), hashes.get(i)));
                            }
                        }
                        return CustomerRecords.json(CustomerRecords.customer(id, profile))
                                .put("interactions", interactions)
                                .put("cases", new JsonArray(customerCases.stream().map(CaseRecords::json).toList()))
                                .put("scheduledCallbacks", all.<JsonArray>resultAt(3));
                    });
                });
    }

    /** True if the agent holds, or is being offered, an interaction of this customer. */
    public Future<Boolean> agentServes(String agentId, String customerId) {
        return Future.all(store.members(keys.agentWork(agentId)), store.hget(keys.agent(agentId), "rsv"))
                .compose(all -> {
                    List<String> held = new ArrayList<>(all.<List<String>>resultAt(0));
                    String reservation = all.resultAt(1);
                    Future<String> offered = reservation == null || reservation.isEmpty() ? Future.succeededFuture()
                            : store.hget(keys.reservation(reservation), "interaction");
                    return offered.compose(iid -> {
                        if (iid != null) {
                            held.add(iid);
                        }
                        List<Future<String>> owners = held.stream()
                                .map(i -> store.hget(keys.interaction(i), "customerId")).toList();
                        return Future.all(owners).map(c -> owners.stream().anyMatch(o -> customerId.equals(o.result())));
                    });
                });
    }

    /**
     * Imports contacts one after another (so two rows of one new person in a file become one customer):
     * a contact without an id takes the id of the customer its first known phone or email belongs to,
     * else a new one.
     */
    public Future<ImportResult> importContacts(List<Contact> contacts) {
        Future<int[]> counts = Future.succeededFuture(new int[2]);
        for (Contact contact : contacts) {
            counts = counts.compose(c -> resolveId(contact).compose(resolved -> {
                c[resolved.matched() ? 0 : 1]++;
                Customer customer = new Customer(resolved.id(), contact.name(), contact.tier(), contact.lifetimeValue(),
                        contact.phones(), contact.emails(), contact.language());
                return engine.saveCustomer(customer).map(c);
            }));
        }
        return counts.map(c -> new ImportResult(contacts.size(), c[0], c[1]));
    }

    /** The customer with this email address, or a new one with this name, email and language. */
    public Future<String> findOrCreateByEmail(String name, String email, String language) {
        return engine.customerIdByEmail(email).compose(found -> {
            if (found != null) {
                return Future.succeededFuture(found);
            }
            return engine.createCustomerForEmail(new Customer(newId(), name, null, 0, List.of(), List.of(email), language),
                    email);
        });
    }

    private record ResolvedId(String id, boolean matched) {
    }

    private Future<ResolvedId> resolveId(Contact contact) {
        if (contact.id() != null && !contact.id().isBlank()) {
            return engine.customerExists(contact.id()).map(exists -> new ResolvedId(contact.id(), exists));
        }
        List<Future<String>> lookups = new ArrayList<>();
        contact.phones().forEach(p -> lookups.add(engine.customerIdByPhone(p)));
        contact.emails().forEach(e -> lookups.add(engine.customerIdByEmail(e)));
        return Future.all(lookups).map(c -> lookups.stream().map(Future::result).filter(r -> r != null).findFirst()
                .map(found -> new ResolvedId(found, true))
                .orElseGet(() -> new ResolvedId(newId(), false)));
    }

    private static String newId() {
        byte[] bytes = new byte[6];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "cust-" + HexFormat.of().formatHex(bytes);
    }

    private static JsonObject summary(String id, Map<String, String> hash) {
        return new JsonObject().put("id", id).put("channel", hash.get("channel"))
                .put("direction", hash.getOrDefault("direction", "inbound")).put("status", hash.get("status"))
                .put("queue", hash.get("queue")).put("agentId", emptyToNull(hash.get("agent")))
                .put("disposition", emptyToNull(hash.get("disposition")))
                .put("attributes", new JsonObject(hash.getOrDefault("attributes", "{}")))
                .put("created", millis(hash.get("created"))).put("ended", millis(hash.get("ended")));
    }

    private static Long millis(String value) {
        return value == null || value.isEmpty() ? null : Long.parseLong(value);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
