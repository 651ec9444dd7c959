package io.switchboard.engine;

import io.switchboard.cases.Case;
import io.switchboard.cases.CaseObserver;
import io.switchboard.cases.CasePriority;
import io.switchboard.cases.CaseStateException;
import io.switchboard.cases.CaseStatus;
import io.switchboard.cases.CaseType;
import io.switchboard.cases.Complaint;
import io.switchboard.store.redis.CaseStore;
import io.switchboard.store.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * The case use cases. The domain ({@link Case}) decides every change; the store commits it only if the
 * case is unchanged since it was read, else the change is applied again to the fresh case, so two nodes
 * (or two agents) changing one case never lose an update.
 */
public final class CaseService {
    /** Case numbers start here, so ids look alike ({@code C-10001}) for a long while. */
    static final long FIRST_NUMBER = 10_000;
    /**
     * How often a change is retried when others keep changing the case first; with the jittered back-off
     * below that is about half a second of contention before the caller gets 409.
     */
    private static final int MAX_ATTEMPTS = 20;
    private static final int MAX_BACKOFF_MILLIS = 50;
    /** Search reads at most this many ids from its most selective index. */
    public static final int MAX_SEARCH = 500;

    private final Vertx vertx;
    private final CaseStore store;
    private final RoutingEngine engine;
    private final InstantSource clock;
    private final CaseObserver observer;

    public CaseService(Vertx vertx, CaseStore store, RoutingEngine engine, InstantSource clock, CaseObserver observer) {
        this.vertx = vertx;
        this.store = store;
        this.engine = engine;
        this.clock = clock;
        this.observer = observer;
    }

    /** What a new case needs; agentId, team, complaint and interactionId may be null. */
    public record NewCase(CaseType type, String customerId, String subject, CasePriority priority, String agentId,
                          String team, Complaint complaint, String interactionId) {
    }

    /** A case is assigned to an agent that exists: one assigned to a typo would sit in nobody's list. */
    public Future<Void> requireAssignable(String agentId) {
        if (agentId == null || agentId.isEmpty()) {
            return Future.succeededFuture();
        }
        return engine.agent(agentId).<Void>mapEmpty().recover(e -> Future.failedFuture(
                e instanceof ApiException api && api.status() == 404
                        ? ApiException.unprocessable("no agent '" + agentId + "' to assign the case to") : e));
    }

    public Future<Case> open(NewCase request) {
        return engine.customerExists(request.customerId()).compose(exists -> {
            if (!exists) {
                return Future.failedFuture(ApiException.unprocessable("no customer '" + request.customerId() + "'"));
            }
            return store.nextNumber();
        }).compose(n -> {
            long now = clock.millis();
            Case opened = Case.open("C-" + (FIRST_NUMBER + n), request.type(), request.customerId(),
                    request.subject(), request.priority(), request.agentId(), request.team(), request.complaint(), now);
            if (request.interactionId() != null) {
                opened = opened.link(request.interactionId(), now);
            }
            Case created = opened;
            return checkLinkable(created, request.interactionId())
                    .compose(v -> write(created, 0))
                    .compose(version -> {
                        if (version == 0) {
                            throw new IllegalStateException("case id " + created.id() + " already taken");
                        }
                        return remember(created.interactions(), created.id());
                    })
                    .map(v -> {
                        observer.opened(created);
                        return created;
                    });
        }).recover(CaseService::translate);
    }

    public Future<Case> get(String id) {
        return store.read(id).map(hash -> {
            if (hash.isEmpty()) {
                throw ApiException.notFound("no case '" + id + "'");
            }
            return CaseRecords.fromHash(hash);
        });
    }

    /** Cases matching every given filter (null = any), newest first, at most {@code limit}. */
    public Future<List<Case>> search(String customerId, CaseStatus status, CaseType type, String agentId, int limit) {
        RedisKeys keys = store.keys();
        String index = customerId != null ? keys.casesByCustomer(customerId)
                : agentId != null ? keys.casesByAgent(agentId)
                : status != null ? keys.casesByStatus(status.wireName())
                : type != null ? keys.casesByType(type.wireName()) : keys.cases();
        return store.newest(index, MAX_SEARCH).compose(store::readAll).map(hashes -> {
            List<Case> out = new ArrayList<>();
            for (Map<String, String> hash : hashes) {
                if (hash.isEmpty()) {
                    continue;
                }
                Case c = CaseRecords.fromHash(hash);
                if ((customerId == null || c.customerId().equals(customerId)) && (status == null || c.status() == status)
                        && (type == null || c.type() == type) && (agentId == null || c.agentId().equals(agentId))) {
                    out.add(c);
                    if (out.size() == limit) {
                        break;
                    }
                }
            }
            return out;
        });
    }

    /** Applies a domain change to the case, again on the fresh case if someone changed it meanwhile. */
    public Future<Case> change(String id, UnaryOperator<Case> change) {
        return attempt(id, change, 1).recover(CaseService::translate);
    }

    /**
     * Links an interaction of the case's customer (or of no known customer) to the case. One linked to another case
     * moves here (an email threaded onto the wrong case, attached to the right one): it leaves that case, and the
     * email's replies go out on this one.
     */
    public Future<Case> link(String id, String interactionId) {
        return get(id).compose(c -> checkLinkable(c, interactionId))
                .compose(v -> store.caseOf(interactionId))
                .compose(before -> change(id, c -> c.link(interactionId, clock.millis())).compose(linked ->
                        before == null || before.isEmpty() || before.equals(id) ? Future.succeededFuture(linked)
                                : change(before, c -> c.unlink(interactionId, clock.millis())).map(linked)
                                        // linked here it is: a case gone or busy keeps its old entry, no error for that
                                        .otherwise(linked)));
    }

    public long now() {
        return clock.millis();
    }

    /**
     * An agent answered the customer on the case: meets its first (or next) response target. For the
     * channels: a chat message, an email reply or a public note of an agent.
     */
    public void agentResponded(String caseId) {
        observer.agentResponded(caseId);
    }

    /** The customer of an SLA breach's case or interaction ("" when none is known, or the record has expired). */
    public Future<String> customerOfBreach(JsonObject breach) {
        Future<String> owner = breach.getString("case") != null ? get(breach.getString("case")).map(Case::customerId)
                : engine.interaction(breach.getString("interaction")).map(json -> json.getString("customerId"));
        return owner.map(id -> id == null ? "" : id).recover(e -> Future.succeededFuture(""));
    }

    /** The case this interaction belongs to, or null. */
    public Future<String> caseOf(String interactionId) {
        return store.caseOf(interactionId);
    }

    /** An agent answered on this interaction: the response counts for its case, if it has one. */
    public Future<Void> agentRespondedOn(String interactionId) {
        return store.caseOf(interactionId).map(caseId -> {
            if (caseId != null) {
                agentResponded(caseId);
            }
            return null;
        });
    }

    /** Each interaction knows its case, so an agent's answer on it finds the case without a search. */
    private Future<Void> remember(List<String> interactionIds, String caseId) {
        return Future.all(interactionIds.stream().map(i -> store.rememberCase(i, caseId)).toList()).mapEmpty();
    }

    private Future<Void> checkLinkable(Case c, String interactionId) {
        if (interactionId == null) {
            return Future.succeededFuture();
        }
        return engine.interaction(interactionId).map(json -> {
            String owner = json.getString("customerId", "");
            if (owner != null && !owner.isEmpty() && !owner.equals(c.customerId())) {
                throw ApiException.unprocessable("interaction " + interactionId + " belongs to another customer");
            }
            return null;
        });
    }

    private Future<Case> attempt(String id, UnaryOperator<Case> change, int attempt) {
        return store.read(id).compose(hash -> {
            if (hash.isEmpty()) {
                return Future.failedFuture(ApiException.notFound("no case '" + id + "'"));
            }
            Case before = CaseRecords.fromHash(hash);
            Case after = change.apply(before);
            if (after.equals(before)) {
                return Future.succeededFuture(before);
            }
            return write(after, Long.parseLong(hash.getOrDefault("version", "0"))).compose(version -> {
                if (version != 0) {
                    List<String> linked = after.interactions().stream()
                            .filter(i -> !before.interactions().contains(i)).toList();
                    return remember(linked, id).map(v -> {
                        observer.changed(before, after);
                        return after;
                    });
                }
                if (attempt >= MAX_ATTEMPTS) {
                    return Future.failedFuture(ApiException.conflict("case " + id + " keeps changing; try again"));
                }
                // jittered back-off on a timer (never a sleep on the event loop), so contenders spread out
                long delay = 1 + ThreadLocalRandom.current().nextLong(Math.min(MAX_BACKOFF_MILLIS, 1L << attempt));
                return vertx.timer(delay).compose(t -> attempt(id, change, attempt + 1));
            });
        });
    }

    private Future<Long> write(Case c, long expectedVersion) {
        return store.write(c.id(), expectedVersion, CaseRecords.fields(c), c.customerId(), c.type().wireName(),
                c.status().wireName(), c.createdAt(), c.agentId());
    }

    private static <T> Future<T> translate(Throwable e) {
        if (e instanceof CaseStateException) {
            return Future.failedFuture(ApiException.conflict(e.getMessage()));
        }
        return Future.failedFuture(e);
    }
}
