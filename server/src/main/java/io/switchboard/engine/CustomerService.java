package io.switchboard.engine;

import io.switchboard.cases.Case;
import io.switchboard.routing.Customer;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

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
     * Imports contacts one after another (so two rows of one new person in a file become one customer): a contact
     * without an id takes the id of the customer its phones or emails belong to, else a new one. Every phone and email
     * belongs to one customer: a contact naming one that another customer has and keeps (not given up by an earlier
     * contact of the batch) refuses the whole batch (409, naming it by {@code where}), before anything is written,
     * as does one whose addresses belong to two customers.
     *
     * @param where how to name the i-th contact in an error ("CSV row 3", "customer c-1")
     */
    public Future<ImportResult> importContacts(List<Contact> contacts, IntFunction<String> where) {
        List<String> phones = contacts.stream().flatMap(c -> c.phones().stream()).toList();
        List<String> emails = contacts.stream().flatMap(c -> c.emails().stream()).toList();
        List<Future<Boolean>> exists = contacts.stream().map(c -> c.id() == null || c.id().isBlank()
                ? Future.succeededFuture(false) : engine.customerExists(c.id())).toList();
        Future<Map<String, String>> owners = engine.addressOwners(phones, emails);
        return Future.all(owners, Future.all(exists)).compose(v -> {
            ImportPlan plan = new ImportPlan(owners.result());
            for (int i = 0; i < contacts.size(); i++) {
                plan.add(contacts.get(i), exists.get(i).result(), where.apply(i));
            }
            Future<Void> saved = Future.succeededFuture();
            for (Customer customer : plan.customers) {
                saved = saved.compose(x -> engine.saveCustomer(customer));
            }
            return saved.map(x -> new ImportResult(contacts.size(), plan.matched, contacts.size() - plan.matched));
        });
    }

    /** The batch's customers as they will be, with who holds each address after each of them. */
    private static final class ImportPlan {
        private final Map<String, String> owners;
        private final List<Customer> customers = new ArrayList<>();
        private final Set<String> seen = new java.util.HashSet<>();
        private int matched;

        ImportPlan(Map<String, String> owners) {
            this.owners = new HashMap<>(owners);
        }

        void add(Contact contact, boolean exists, String where) {
            List<String> addresses = new ArrayList<>();
            contact.phones().forEach(p -> addresses.add("phone:" + RoutingEngine.normalizedPhone(p)));
            contact.emails().forEach(e -> addresses.add("email:" + RoutingEngine.normalizedEmail(e)));
            String id = contact.id() != null && !contact.id().isBlank() ? contact.id() : null;
            Set<String> holders = new LinkedHashSet<>();
            addresses.stream().map(owners::get).filter(Objects::nonNull).forEach(holders::add);
            if (id == null && holders.size() > 1) {
                throw ApiException.conflict(where + ": its phones and emails belong to customers " + holders
                        + ": one row cannot be both");
            }
            boolean found = id == null && !holders.isEmpty();
            id = id != null ? id : found ? holders.iterator().next() : newId();
            for (String address : addresses) {
                String holder = owners.get(address);
                if (holder != null && !holder.equals(id)) {
                    throw ApiException.conflict(where + ": " + address.replaceFirst(":", " '") + "' belongs to customer "
                            + holder + "; take it off that customer first (or import that customer without it, "
                            + "before this one)");
                }
            }
            String owner = id;
            owners.values().removeIf(owner::equals); // replaced, not merged: its addresses are these
            addresses.forEach(a -> owners.put(a, owner));
            matched += exists || found || !seen.add(id) ? 1 : 0; // a second row of one new customer matches the first
            customers.add(new Customer(id, contact.name(), contact.tier(), contact.lifetimeValue(), contact.phones(),
                    contact.emails(), contact.language()));
        }
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
