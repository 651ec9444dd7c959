package io.switchboard.email;

import io.switchboard.cases.Case;
import io.switchboard.cases.CaseStatus;
import io.switchboard.engine.ApiException;
import io.switchboard.engine.CaseService;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.store.redis.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Web self-service without a login: a customer proves a case is theirs with its number and their email
 * address, or with the link mailed to them ({@link CaseLinks}), reads its status and the messages exchanged by email (never internal notes), and writes on
 * it. A message is taken exactly like the customer's reply by email (an email interaction routed to an
 * agent, reopening a resolved case), so agents work it where they work email.
 *
 * <p>Guessing is bounded: a wrong number and a wrong address get the same 404, each client address may
 * make {@link #REQUESTS_PER_CLIENT} requests per {@link #CLIENT_WINDOW}, and a case refuses every check for
 * {@link #CASE_WINDOW} after {@link #FAILURES_PER_CASE} failed ones (429), counted in Redis across nodes.
 */
public final class SelfService {
    static final int REQUESTS_PER_CLIENT = 30;
    static final Duration CLIENT_WINDOW = Duration.ofMinutes(10);
    static final int FAILURES_PER_CASE = 10;
    static final Duration CASE_WINDOW = Duration.ofHours(1);
    /** Messages shown: the newest ones; a customer wants the latest word, not the archive. */
    static final int UPDATES_SHOWN = 20;
    public static final int MAX_MESSAGE = 10_000;
    private static final String NO_MATCH = "no case with this number and email address";

    private final CaseService cases;
    private final RoutingEngine engine;
    private final EmailChannel email;
    private final RateLimiter limits;
    private final CaseLinks links;

    public SelfService(CaseService cases, RoutingEngine engine, EmailChannel email, RateLimiter limits) {
        this.cases = cases;
        this.engine = engine;
        this.email = email;
        this.limits = limits;
        this.links = email.caseLinks();
    }

    /**
     * What proves a case is the customer's: their email address (typed, with the case number), or the key of the case's
     * link mailed to them ({@link CaseLinks}). One of the two.
     */
    public record Proof(String email, String key) {
        public Proof {
            if ((email == null) == (key == null)) {
                throw ApiException.badRequest("send either 'email' or 'key' (the one in the link we mailed you)");
            }
        }
    }

    /** The case's status and latest messages, for the customer who owns it. */
    public Future<JsonObject> status(String client, String caseId, Proof proof) {
        return verified(client, caseId, proof).compose(this::view);
    }

    /** Adds the customer's message to the case (reopening it if it was resolved); the case as it is then. */
    public Future<JsonObject> message(String client, String caseId, Proof proof, String text) {
        return verified(client, caseId, proof).compose(c -> {
            if (c.status() == CaseStatus.CLOSED) {
                throw ApiException.conflict("case " + c.id() + " is closed; write to us by email to open a new one");
            }
            return sender(c, proof).compose(address -> email.receiveFromCustomer(c, address, text))
                    .compose(interactionId -> cases.get(c.id()));
        }).compose(this::view);
    }

    /**
     * Whom the message is from, where the agent's answer goes: the address typed, or (by the link) the one the customer
     * last wrote from on the case, else their first.
     */
    private Future<String> sender(Case c, Proof proof) {
        if (proof.email() != null) {
            return Future.succeededFuture(normalized(proof.email()));
        }
        return email.thread(c.id()).compose(thread -> {
            for (int i = thread.size() - 1; i >= 0; i--) {
                JsonObject entry = thread.get(i);
                if ("inbound".equals(entry.getString("direction")) && entry.getString("from", "").contains("@")) {
                    return Future.succeededFuture(normalized(entry.getString("from")));
                }
            }
            return engine.customer(c.customerId()).map(customer -> {
                if (customer.emails().isEmpty()) {
                    throw ApiException.unprocessable("we have no email address of yours to answer to; write to us by email");
                }
                return customer.emails().get(0);
            });
        });
    }

    private Future<Case> verified(String client, String caseId, Proof proof) {
        return limits.hit("self-service-client", client, REQUESTS_PER_CLIENT, CLIENT_WINDOW).compose(allowed -> {
            if (!allowed) {
                throw tooMany("too many requests from your address; try again in a few minutes", CLIENT_WINDOW);
            }
            if (!caseId.matches("C-\\d{1,12}")) {
                throw ApiException.notFound(NO_MATCH);
            }
            // every attempt counts before it is checked, and a right one is forgiven: guesses sent all at once get
            // no further than guesses sent one by one
            return limits.hit("self-service-case", caseId, FAILURES_PER_CASE, CASE_WINDOW);
        }).compose(open -> {
            if (!open) {
                throw tooMany("this case is locked after too many wrong attempts; try again within the hour", CASE_WINDOW);
            }
            return cases.get(caseId).compose(c -> owns(c, proof).map(owned -> owned ? c : null))
                    .recover(e -> e instanceof ApiException api && api.status() == 404 ? Future.succeededFuture()
                            : Future.failedFuture(e));
        }).compose(c -> c != null ? limits.forgive("self-service-case", caseId).map(c)
                : Future.failedFuture(ApiException.notFound(NO_MATCH)));
    }

    private Future<Boolean> owns(Case c, Proof proof) {
        if (proof.key() != null) {
            return links.matches(c.id(), c.customerId(), proof.key());
        }
        return engine.customerIdByEmail(normalized(proof.email())).map(owner -> c.customerId().equals(owner));
    }

    private static String normalized(String address) {
        return address.strip().toLowerCase(Locale.ROOT);
    }

    /** What the customer sees: no notes, no agent names, no internal ids but the case's own. */
    private Future<JsonObject> view(Case c) {
        return email.thread(c.id()).map(thread -> {
            List<JsonObject> shown = thread.stream().filter(m -> !"failed".equals(m.getString("status"))).toList();
            JsonArray updates = new JsonArray();
            shown.subList(Math.max(0, shown.size() - UPDATES_SHOWN), shown.size()).forEach(m -> updates.add(
                    new JsonObject().put("at", m.getLong("at"))
                            .put("from", "inbound".equals(m.getString("direction")) ? "you" : "us")
                            .put("subject", m.getString("subject")).put("text", m.getString("text"))));
            return new JsonObject().put("caseId", c.id()).put("subject", c.subject()).put("status", c.status().wireName())
                    .put("createdAt", c.createdAt()).put("updatedAt", c.updatedAt()).put("updates", updates);
        });
    }

    private static ApiException tooMany(String message, Duration window) {
        return ApiException.tooManyRequests("too_many_requests", message, window);
    }
}
