package io.switchboard.email;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.cases.Case;
import io.switchboard.cases.CaseStatus;
import io.switchboard.cases.CaseType;
import io.switchboard.email.smtp.Envelope;
import io.switchboard.engine.CaseService;
import io.switchboard.engine.CustomerService;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The email channel: every inbound message becomes an email interaction, routed like any other, of
 * the customer with the sender's address (or a new one), on a case. A reply finds its case by the
 * {@code [#C-10001]} tag in its subject, else by In-Reply-To/References (the Message-IDs of earlier
 * messages on the case, kept in Redis); anything else opens a new case. A reply on a resolved case
 * reopens it; a closed case is final, so a reply to one opens a new case.
 */
public final class EmailChannel {
    private static final Pattern CASE_TAG = Pattern.compile("\\[#(C-\\d{1,12})]");

    private final Vertx vertx;
    private final RoutingEngine engine;
    private final CustomerService customers;
    private final CaseService cases;
    private final RoutingStore store;
    private final RedisKeys keys;
    private final MeterRegistry registry;
    private final MimeParser parser = new MimeParser();

    public EmailChannel(Vertx vertx, RoutingEngine engine, CustomerService customers, CaseService cases,
                        RoutingStore store, MeterRegistry registry) {
        this.vertx = vertx;
        this.engine = engine;
        this.customers = customers;
        this.cases = cases;
        this.store = store;
        this.keys = store.keys();
        this.registry = registry;
    }

    /** Takes one received message; the future holds its interaction id once everything is stored. */
    public Future<String> receive(Envelope envelope) {
        // MIME parsing is CPU work over the whole message: a worker thread, never the event loop
        return vertx.executeBlocking(() -> parser.parse(envelope.data()), false)
                .compose(this::take)
                .onFailure(e -> count(e instanceof IllegalArgumentException ? "rejected" : "failed"));
    }

    private Future<String> take(InboundEmail email) {
        String name = email.fromName().isBlank() ? email.from().substring(0, email.from().indexOf('@'))
                : email.fromName();
        return customers.findOrCreateByEmail(name, email.from(), "").compose(customerId ->
                threadCase(email, customerId).compose(threaded -> {
                    Map<String, Object> attributes = new LinkedHashMap<>();
                    attributes.put("subject", email.subject());
                    attributes.put("from", email.from());
                    if (!email.messageId().isEmpty()) {
                        attributes.put("messageId", email.messageId());
                    }
                    return engine.createInteraction(new InteractionRequest(Channel.EMAIL, attributes, customerId, null, 0))
                            .map(created -> created.getString("id"))
                            .compose(id -> onCase(threaded, customerId, id, email)
                                    .compose(caseId -> remember(email, id, caseId))
                                    .map(v -> {
                                        count(threaded == null ? "new_case" : "threaded");
                                        return id;
                                    }));
                }));
    }

    /** The live or resolved case this message continues, or null. */
    private Future<Case> threadCase(InboundEmail email, String customerId) {
        Matcher tag = CASE_TAG.matcher(email.subject());
        Future<String> candidate;
        if (tag.find()) {
            candidate = Future.succeededFuture(tag.group(1));
        } else if (email.references().isEmpty()) {
            candidate = Future.succeededFuture();
        } else {
            List<Future<String>> lookups = email.references().stream()
                    .map(ref -> store.hget(keys.emailThreads(), ref)).toList();
            candidate = Future.all(lookups).map(c -> lookups.stream().map(Future::result)
                    .filter(r -> r != null).findFirst().orElse(null));
        }
        return candidate.compose(caseId -> caseId == null ? Future.succeededFuture()
                : cases.get(caseId).map(c -> c.customerId().equals(customerId) && c.status() != CaseStatus.CLOSED
                        ? c : null).recover(e -> Future.succeededFuture()));
    }

    private Future<String> onCase(Case threaded, String customerId, String interactionId, InboundEmail email) {
        if (threaded == null) {
            String subject = email.subject().isEmpty() ? "Email from " + email.from() : email.subject();
            return cases.open(new CaseService.NewCase(CaseType.SERVICE_REQUEST, customerId,
                    subject.length() > 200 ? subject.substring(0, 200) : subject, null, null, null, null, interactionId))
                    .map(Case::id);
        }
        return cases.change(threaded.id(), c -> {
            long now = cases.now();
            Case reopened = c.status() == CaseStatus.RESOLVED ? c.moveTo(CaseStatus.OPEN, now) : c;
            return reopened.link(interactionId, now);
        }).map(Case::id);
    }

    /** Keeps the message (for the agent) and its Message-ID (for threading the replies to it). */
    private Future<Void> remember(InboundEmail email, String interactionId, String caseId) {
        Map<String, String> message = new LinkedHashMap<>();
        message.put("from", email.from());
        message.put("fromName", email.fromName());
        message.put("subject", email.subject());
        message.put("messageId", email.messageId());
        message.put("caseId", caseId);
        message.put("text", email.text());
        Future<Void> stored = store.hset(keys.emailMessage(interactionId), message);
        if (email.messageId().isEmpty()) {
            return stored;
        }
        return Future.all(stored, store.hset(keys.emailThreads(), Map.of(email.messageId(), caseId))).mapEmpty();
    }

    /** The stored message of an email interaction, empty if there is none. */
    public Future<Map<String, String>> message(String interactionId) {
        return store.hash(keys.emailMessage(interactionId));
    }

    private void count(String outcome) {
        Counter.builder("switchboard_emails_received").description("Inbound emails, by what became of them")
                .tag("outcome", outcome).register(registry).increment();
    }
}
