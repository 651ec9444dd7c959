package io.switchboard.email;

import io.switchboard.cases.Case;
import io.switchboard.cases.CaseStatus;
import io.switchboard.engine.ApiException;
import io.switchboard.engine.CaseService;
import io.switchboard.engine.RoutingEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An agent answers the email it holds, or writes to a case's customer (after a call, a chat): the mail goes to the
 * customer through the outbound relay, threaded (subject tag; a reply also In-Reply-To and References; our own
 * Message-ID remembered for the answer) and is recorded on the case's thread as sent, or as failed when the relay
 * refused it (the agent gets 502 and may send again).
 */
public final class EmailReplies {
    /** The interaction statuses in which an agent holds it. */
    private static final Set<String> HELD = Set.of("assigned", "wrapping");

    private final EmailChannel email;
    private final RoutingEngine engine;
    private final CaseService cases;

    public EmailReplies(EmailChannel email, RoutingEngine engine, CaseService cases) {
        this.email = email;
        this.engine = engine;
        this.cases = cases;
    }

    /**
     * @param html an HTML alternative, or null
     * @param pendingCustomer move the case to pending_customer once the reply is sent
     */
    public record Reply(String text, String html, boolean pendingCustomer) {
    }

    /**
     * A message on a case, not an answer to a mail in hand (Zammad's outbound email).
     *
     * @param to one of the customer's addresses, or null for its first
     * @param subject the subject, or null for the case's
     * @param pendingCustomer move the case to pending_customer once it is sent
     */
    public record Message(String to, String subject, String text, boolean pendingCustomer) {
    }

    /**
     * Writes to the case's customer, at an address on the customer's record only (an agent mails its customers, not
     * any address): tagged with the case, so the answer threads onto it. The thread entry sent, with the case's
     * status after it.
     *
     * @param author the agent writing, or the staff key's role
     */
    public Future<JsonObject> write(Case onCase, String author, Message message) {
        if (!email.sending()) {
            return Future.failedFuture(new ApiException(503, "unavailable",
                    "outbound email is disabled (email.outbound.enabled is false): nothing can be sent"));
        }
        if (onCase.status() == CaseStatus.CLOSED) {
            return Future.failedFuture(ApiException.conflict("case " + onCase.id() + " is closed: open a new one"));
        }
        return engine.customer(onCase.customerId()).compose(customer -> {
            String to = address(customer.emails(), message.to(), customer.id());
            String subject = message.subject() != null ? message.subject() : onCase.subject();
            // one line whatever the case's subject holds: a line break would start a header of its own
            String bare = EmailThread.CASE_TAG.matcher(subject == null ? "" : subject).replaceAll(" ")
                    .replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
            OutboundEmail out = new OutboundEmail(to, (bare.isEmpty() ? "" : bare + " ") + EmailThread.tag(onCase.id()),
                    message.text(), null, EmailThread.newMessageId(email.from()), "", List.of(), false);
            return deliver(onCase, out, new JsonObject().put("kind", "message").put("by", author),
                    message.pendingCustomer());
        });
    }

    private static String address(List<String> emails, String asked, String customerId) {
        if (asked == null) {
            if (emails.isEmpty()) {
                throw ApiException.unprocessable("customer " + customerId + " has no email address on record");
            }
            return emails.get(0);
        }
        return emails.stream().filter(asked::equalsIgnoreCase).findFirst().orElseThrow(() -> ApiException.unprocessable(
                "'" + asked + "' is not an address of customer " + customerId + " (it has " + emails + ")"));
    }

    /** The thread entry of the reply sent, with the case's status after it. */
    public Future<JsonObject> reply(String interactionId, String agentId, Reply reply) {
        if (!email.sending()) {
            return Future.failedFuture(new ApiException(503, "unavailable",
                    "outbound email is disabled (email.outbound.enabled is false): no reply can be sent"));
        }
        return engine.interaction(interactionId).compose(interaction -> {
            String holder = interaction.getString("agentId");
            if (holder != null && !agentId.equals(holder)) {
                throw ApiException.forbidden("only the agent holding this email replies to it");
            }
            if (!"email".equals(interaction.getString("channel"))) {
                throw ApiException.conflict("interaction " + interactionId + " is not an email");
            }
            if (holder == null || !HELD.contains(interaction.getString("status"))) {
                throw ApiException.conflict("interaction " + interactionId + " is " + interaction.getString("status")
                        + ", not held: accept the offer first");
            }
            return email.storedMessage(interactionId);
        }).compose(message -> {
            if (message.isEmpty()) {
                throw ApiException.conflict("interaction " + interactionId + " has no email to reply to");
            }
            // the case the email is linked to now (an agent may have moved it to another), else the one it came on
            return cases.caseOf(interactionId).compose(linked -> cases.get(linked != null && !linked.isEmpty()
                    ? linked : message.get("caseId"))).compose(c -> send(interactionId, agentId, reply, message, c));
        });
    }

    private Future<JsonObject> send(String interactionId, String agentId, Reply reply, Map<String, String> message,
                                    Case onCase) {
        String inReplyTo = message.getOrDefault("messageId", "");
        List<String> nearestFirst = List.of(message.getOrDefault("references", "").split(" ")).stream()
                .filter(s -> !s.isEmpty()).toList();
        // answers go where the customer asked (Reply-To), as any mail client's would
        OutboundEmail out = new OutboundEmail(message.getOrDefault("replyTo", message.get("from")),
                EmailThread.replySubject(message.get("subject"), onCase.id()), reply.text(), reply.html(),
                EmailThread.newMessageId(email.from()), inReplyTo, EmailThread.references(nearestFirst, inReplyTo),
                false);
        JsonObject extra = new JsonObject().put("kind", "reply").put("interactionId", interactionId)
                .put("agentId", agentId);
        return deliver(onCase, out, extra, reply.pendingCustomer());
    }

    /** Sends a mail of the case (a reply, a message), which meets the case's response target. */
    private Future<JsonObject> deliver(Case onCase, OutboundEmail out, JsonObject extra, boolean pendingCustomer) {
        if (pendingCustomer && onCase.status() != CaseStatus.PENDING_CUSTOMER
                && !onCase.status().canMoveTo(CaseStatus.PENDING_CUSTOMER)) {
            throw ApiException.conflict("case " + onCase.id() + " is " + onCase.status().wireName()
                    + " and cannot wait for the customer; nothing was sent");
        }
        return email.send(out, onCase.id(), extra)
                .recover(e -> Future.failedFuture(e instanceof ApiException ? e : new ApiException(502, "bad_gateway",
                        "the mail relay did not take it (recorded on the case as failed): " + e.getMessage())))
                .compose(sent -> {
                    cases.agentResponded(onCase.id());   // meets the case's first (or next) response target
                    return caseAfter(onCase, pendingCustomer)
                            .map(c -> sent.copy().put("caseId", c.id()).put("caseStatus", c.status().wireName()));
                });
    }

    /**
     * The case once the reply is out: waiting for the customer if the agent asked; else a new case is open now (it was
     * answered: the customer's self-service page said "new" after our reply). A race lost leaves it as it is.
     */
    private Future<Case> caseAfter(Case onCase, boolean pendingCustomer) {
        if (!pendingCustomer && onCase.status() != CaseStatus.NEW) {
            return Future.succeededFuture(onCase);
        }
        CaseStatus next = pendingCustomer ? CaseStatus.PENDING_CUSTOMER : CaseStatus.OPEN;
        return cases.change(onCase.id(), c -> c.status() == CaseStatus.NEW || pendingCustomer ? c.moveTo(next, cases.now()) : c)
                .recover(e -> cases.get(onCase.id()));
    }
}
