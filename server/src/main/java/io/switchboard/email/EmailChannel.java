package io.switchboard.email;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.cases.Case;
import io.switchboard.cases.CaseStatus;
import io.switchboard.cases.CaseType;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.email.smtp.Envelope;
import io.switchboard.email.smtp.SmtpSender;
import io.switchboard.engine.ApiException;
import io.switchboard.engine.CaseService;
import io.switchboard.engine.CustomerService;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.routing.Sha256;
import io.switchboard.store.redis.EmailStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The email channel: every inbound message becomes an email interaction, routed like any other, of
 * the customer with the sender's address (or a new one), on a case. A reply finds its case by the
 * {@code [#C-10001]} tag in its subject, else by In-Reply-To/References (the Message-IDs of earlier
 * messages on the case, ours included, kept in Redis); anything else opens a new case, and its sender
 * is told the case number (unless it is a robot). A reply on a resolved case reopens it; a closed case
 * is final, so a reply to one opens a new case.
 */
public final class EmailChannel {
    private static final Logger LOG = LoggerFactory.getLogger(EmailChannel.class);
    /**
     * A failed acknowledgement waits in the outbox (Redis, swept by every node) for its next attempt, after each of
     * these delays in turn; after the last it is given up. Every attempt is on the case's thread. (An agent's reply
     * is not retried by itself: the agent sees the failure and sends again.)
     */
    private static final List<Duration> RETRY_DELAYS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(4));
    private static final int RETRY_BATCH = 50;
    /** How long a node has to send a message it took from the outbox: far longer than a send (a 10 s connect). */
    private static final Duration RETRY_LEASE = Duration.ofMinutes(5);
    /** Kinds of mail the outbox sends again (in switchboard_emails_sent_total{kind} too). */
    private static final String ACKNOWLEDGEMENT = "acknowledgement";
    private static final String TRANSCRIPT = "transcript";
    private static final long RETRY_SWEEP_MILLIS = 5_000;
    /** How long taking in one message may last before its next delivery is taken as a new attempt. */
    private static final Duration INTAKE_LEASE = Duration.ofMinutes(10);
    /** How long a message delivered again is known as one taken in: longer than MTAs retry (RFC 5321: 4-5 days). */
    private static final Duration INTAKE_REMEMBERED = Duration.ofDays(7);
    /** Text of one message kept in the case's thread; the whole text stays on the interaction's email. */
    static final int MAX_THREAD_TEXT = 10_000;

    private final Vertx vertx;
    private final RoutingEngine engine;
    private final CustomerService customers;
    private final CaseService cases;
    private final EmailStore store;
    private final SwitchboardConfig.Email config;
    private final SmtpSender sender;
    private final MeterRegistry registry;
    private final MimeParser parser;
    private final CaseLinks links;
    private long retryTimer = -1;
    private boolean retrying;

    /** @param sender the outbound relay, or null when outbound mail is off (no acknowledgements) */
    public EmailChannel(Vertx vertx, RoutingEngine engine, CustomerService customers, CaseService cases,
                        EmailStore store, SwitchboardConfig.Email config, SmtpSender sender, MeterRegistry registry) {
        this.vertx = vertx;
        this.engine = engine;
        this.customers = customers;
        this.cases = cases;
        this.store = store;
        this.config = config;
        this.sender = sender;
        this.registry = registry;
        this.parser = new MimeParser(config.maxAttachmentBytes(), config.maxAttachmentBytesPerMessage());
        this.links = new CaseLinks(store.routing(), config.selfServiceUrl());
        // every outcome exported from the start, at 0: a panel or an alert over them has a series before any mail
        List.of("new_case", "threaded", "automatic_on_case", "duplicate", "in_progress", "rejected", "failed")
                .forEach(this::received);
        for (String kind : List.of("reply", "acknowledgement")) {
            List.of("sent", "failed", "suppressed").forEach(outcome -> sent(kind, outcome));
        }
    }

    /** Takes one received message; the future holds its interaction id once everything is stored. */
    public Future<String> receive(Envelope envelope) {
        // MIME parsing is CPU work over the whole message: a worker thread, never the event loop
        return vertx.executeBlocking(() -> parser.parse(envelope.data()), false)
                .compose(email -> take(email, envelope.mailFrom()))
                .onFailure(e -> count(e instanceof IllegalArgumentException ? "rejected"
                        : e instanceof BeingTakenIn ? "in_progress" : "failed"));
    }

    /**
     * A customer's message that did not come by SMTP (the self-service page), taken exactly like a reply
     * by email on its case: an email interaction, routed, that reopens a resolved case.
     */
    public Future<String> receiveFromCustomer(Case onCase, String address, String text) {
        InboundEmail email = new InboundEmail("", address, "", address, EmailThread.replySubject(onCase.subject(), onCase.id()),
                List.of(), text, InboundEmail.Robot.NONE, List.of(), List.of());
        return take(email, null);
    }

    /**
     * @param returnPath the envelope sender (SMTP MAIL FROM, IMAP Return-Path): empty for a delivery report (never
     *                   answered), null when not known
     */
    private Future<String> take(InboundEmail email, String returnPath) {
        String id = UUID.randomUUID().toString();
        if (email.messageId().isEmpty()) {
            return intake(email, returnPath, id); // nothing to know it by if it comes again
        }
        String delivery = Sha256.hex(email.from().toLowerCase(Locale.ROOT) + "\n" + email.messageId());
        return store.intake(delivery).compose(kept -> kept != null ? again(kept)
                : store.claimIntake(delivery, INTAKE_LEASE).compose(claimed -> {
                    if (!claimed) {
                        throw new BeingTakenIn();
                    }
                    // read again under the claim: a first delivery may have been kept and let go of it in between
                    return store.intake(delivery).compose(keptMeanwhile -> keptMeanwhile != null
                            ? store.releaseIntake(delivery).compose(v -> again(keptMeanwhile))
                            : intake(email, returnPath, id))
                            .compose(taken -> store.keptIntake(delivery, taken, INTAKE_REMEMBERED)
                                    .recover(e -> Future.succeededFuture()).map(taken))
                            .recover(e -> store.releaseIntake(delivery).transform(x -> Future.failedFuture(e)));
                }));
    }

    /** Another delivery of the message is being taken in now: this one is answered "try again later" (SMTP 451). */
    private static final class BeingTakenIn extends IllegalStateException {
        BeingTakenIn() {
            super("this message is being taken in already; try again later");
        }
    }

    /**
     * The message came before and was kept (an MTA's retry after an answer it did not get, the same mail by SMTP and
     * IMAP, a forwarding loop): the contact it became, and no second one.
     */
    private Future<String> again(String interactionId) {
        LOG.info("email delivered again, kept already as {}", interactionId);
        count("duplicate");
        return Future.succeededFuture(interactionId);
    }

    private Future<String> intake(InboundEmail email, String returnPath, String interactionId) {
        String name = email.fromName().isBlank() ? email.from().substring(0, email.from().indexOf('@'))
                : email.fromName();
        return customers.findOrCreateByEmail(name, email.from(), "").compose(customerId ->
                threadCase(email, customerId).compose(threaded -> {
                    if (threaded != null && email.autoReply()) {
                        return fileOnThread(email, threaded.id(), interactionId);
                    }
                    Map<String, Object> attributes = new LinkedHashMap<>();
                    attributes.put("subject", email.subject());
                    attributes.put("from", email.from());
                    if (!email.messageId().isEmpty()) {
                        attributes.put("messageId", email.messageId());
                    }
                    // withdrawn on any failure, the enqueue's own included: it may have run before its answer was lost
                    return engine.createInteraction(interactionId,
                                    new InteractionRequest(Channel.EMAIL, attributes, customerId, null, 0))
                            // rules that give email no route are the operator's to fix, not the sender's: a temporary
                            // failure (SMTP 451, the MTA tries again), never a bounce of the customer's mail
                            .recover(e -> Future.failedFuture(e instanceof IllegalArgumentException
                                    ? new ApiException(503, "unavailable", "no route for email under the rules in "
                                            + "force: " + e.getMessage()) : e))
                            .compose(created -> onCase(threaded, customerId, interactionId, email))
                            .compose(filed -> remember(email, interactionId, filed.caseId()).map(filed))
                            .map(filed -> {
                                count(filed.threaded() ? "threaded" : "new_case");
                                if (!filed.threaded()) {
                                    acknowledge(email, filed.caseId(), customerId, returnPath);
                                }
                                return interactionId;
                            })
                            .recover(e -> withdraw(interactionId, e));
                }));
    }

    /**
     * A robot's answer on a case (an out-of-office, an auto-reply: RFC 3834 Auto-Submitted) asks nothing: it is kept on
     * the case's thread, where agents see it, and is not routed; the case keeps its status and its clocks (it used to
     * reopen a resolved case, end a wait on the customer and start a next-response target).
     */
    private Future<String> fileOnThread(InboundEmail email, String caseId, String id) {
        // the thread entry only (its text, clipped): no message or attachments under an interaction that will never
        // exist, and so never expire with one
        Future<Void> known = email.messageId().isEmpty() ? Future.succeededFuture()
                : store.rememberMessageId(email.messageId(), caseId);
        return Future.all(known, store.appendToThread(caseId, threadEntry(email, id).put("automatic", true))).map(v -> {
            count("automatic_on_case");
            return id;
        });
    }

    /** The live or resolved case this message continues, or null. */
    private Future<Case> threadCase(InboundEmail email, String customerId) {
        Matcher tag = EmailThread.CASE_TAG.matcher(email.subject());
        Future<String> candidate = tag.find() ? Future.succeededFuture(tag.group(1)) : store.caseOfAny(email.references());
        return candidate.compose(caseId -> caseId == null ? Future.succeededFuture()
                : cases.get(caseId).map(c -> c.customerId().equals(customerId) && c.status() != CaseStatus.CLOSED
                        ? c : null).recover(e -> Future.succeededFuture()));
    }

    /** The case a message was filed on, and whether that continued one (else it opened one). */
    private record Filed(String caseId, boolean threaded) {
    }

    /**
     * Threads the message onto its case (a resolved one opens again), or opens one. A case that cannot take it (closed
     * meanwhile, or at its most interactions) gets a new case instead: the mail is kept either way.
     */
    private Future<Filed> onCase(Case threaded, String customerId, String interactionId, InboundEmail email) {
        if (threaded == null) {
            return openCase(customerId, interactionId, email);
        }
        return cases.change(threaded.id(), c -> {
            long now = cases.now();
            Case reopened = c.status() == CaseStatus.RESOLVED ? c.moveTo(CaseStatus.OPEN, now) : c;
            return reopened.link(interactionId, now);
        }).map(c -> new Filed(c.id(), true)).recover(e -> e instanceof ApiException api && api.status() == 409
                ? openCase(customerId, interactionId, email) : Future.failedFuture(e));
    }

    private Future<Filed> openCase(String customerId, String interactionId, InboundEmail email) {
        String subject = email.subject().isEmpty() ? "Email from " + email.from() : email.subject();
        // a case's subject holds 200 UTF-16 units: cut there, but never inside an emoji's pair
        int end = Math.min(subject.length(), 200);
        if (end < subject.length() && Character.isHighSurrogate(subject.charAt(end - 1))) {
            end--;
        }
        return cases.open(new CaseService.NewCase(CaseType.SERVICE_REQUEST, customerId, subject.substring(0, end),
                        null, null, null, null, interactionId))
                .map(c -> new Filed(c.id(), false));
    }

    /**
     * The message was not kept with its interaction: the interaction, already routed, is withdrawn, so that the
     * sender's retry (SMTP 451, or the next IMAP poll) is the one contact an agent gets, with its message.
     */
    private Future<String> withdraw(String interactionId, Throwable cause) {
        LOG.warn("email interaction {} withdrawn, its message not kept: {}", interactionId, cause.getMessage());
        return engine.cancel(interactionId, "canceled", "email not stored: " + cause.getMessage())
                .transform(x -> Future.failedFuture(cause));
    }

    /** Keeps the message and its attachments (for the agent), its Message-ID (to thread replies) and the thread entry. */
    private Future<Void> remember(InboundEmail email, String interactionId, String caseId) {
        Map<String, String> message = new LinkedHashMap<>();
        message.put("from", email.from());
        message.put("fromName", email.fromName());
        message.put("replyTo", email.replyTo());
        message.put("subject", email.subject());
        message.put("messageId", email.messageId());
        message.put("references", String.join(" ", email.references()));
        message.put("caseId", caseId);
        message.put("text", email.text());
        message.put("attachments", attachmentsJson(email.attachments()).encode());
        message.put("dropped", droppedJson(email.dropped()).encode());
        List<Future<Void>> writes = new ArrayList<>();
        writes.add(store.keepMessage(interactionId, message));
        for (int n = 0; n < email.attachments().size(); n++) {
            writes.add(store.keepAttachment(interactionId, n, email.attachments().get(n).content()));
        }
        if (!email.messageId().isEmpty()) {
            writes.add(store.rememberMessageId(email.messageId(), caseId));
        }
        writes.add(store.appendToThread(caseId, threadEntry(email, interactionId)));
        return Future.all(writes).mapEmpty();
    }

    /** An inbound message as its case's email thread lists it (its text clipped). */
    private JsonObject threadEntry(InboundEmail email, String interactionId) {
        return new JsonObject().put("direction", "inbound").put("at", cases.now()).put("interactionId", interactionId)
                .put("from", email.from()).put("subject", email.subject()).put("messageId", email.messageId())
                .put("text", clip(email.text())).put("status", "received");
    }

    /**
     * Tells the sender of a new case its number, unless that could start a mail loop (RFC 3834 section 2):
     * robots (Auto-Submitted), bounces, MAILER-DAEMON and our own address get nothing. It goes to the envelope
     * sender when there is one (RFC 3834 section 4: a list's or a bulk sender's bounce address, not the address
     * in From that every reader sees), else to From. Best effort: a failed acknowledgement is logged, counted and
     * noted on the thread; the inbound mail is kept anyway.
     */
    private void acknowledge(InboundEmail email, String caseId, String customerId, String returnPath) {
        if (!config.autoAcknowledge() || sender == null) {
            return;
        }
        String to = returnPath != null && returnPath.indexOf('@') > 0 ? returnPath : email.from();
        String local = to.substring(0, to.indexOf('@')).toLowerCase(Locale.ROOT);
        if ("".equals(returnPath) || email.automatic() || to.equalsIgnoreCase(config.from())
                || email.from().equalsIgnoreCase(config.from()) || local.equals("mailer-daemon")
                || local.equals("postmaster")) {
            countSent("acknowledgement", "suppressed");
            return;
        }
        // the link only to the customer's own address: an envelope sender may be a list's or a bulk sender's
        Future<String> link = !usesLink() || !to.equalsIgnoreCase(email.from()) ? Future.succeededFuture("")
                : links.link(caseId, customerId).recover(e -> {
                    LOG.warn("self-service link of case {} not made, acknowledged without it: {}", caseId, e.getMessage());
                    return Future.succeededFuture("");
                });
        link.compose(selfServiceLink -> {
            OutboundEmail ack = new OutboundEmail(to, fill(config.acknowledgementSubject(), caseId, email, selfServiceLink),
                    fill(config.acknowledgementBody(), caseId, email, selfServiceLink), null,
                    EmailThread.newMessageId(config.from()), email.messageId(),
                    EmailThread.references(email.references(), email.messageId()), true);
            return send(ack, caseId, new JsonObject().put("kind", ACKNOWLEDGEMENT)).<Void>mapEmpty().recover(e -> {
                LOG.warn("acknowledgement of case {} to {} not sent: {}", caseId, to, e.getMessage());
                // not when the relay took it and only its record failed
                return e instanceof RelayRefused ? retryLater(ack, caseId, ACKNOWLEDGEMENT, 1) : Future.succeededFuture();
            });
        }).onFailure(e -> LOG.warn("acknowledgement of case {} not made: {}", caseId, e.getMessage()));
    }

    /**
     * Mails a chat's transcript to its customer, on the chat's case (tagged, so an answer threads onto it), recorded
     * on the case's thread. A relay that refuses it is tried again later from the outbox, as acknowledgements are; a
     * relay that took it whose record failed is not sent again. The future fails only when neither happened.
     */
    public Future<Void> mailChatTranscript(String to, String caseId, String text) {
        if (sender == null) {
            return Future.failedFuture(new ApiException(503, "unavailable", "this service sends no email"));
        }
        OutboundEmail mail = new OutboundEmail(to, "Your chat with us " + EmailThread.tag(caseId), text, null,
                EmailThread.newMessageId(config.from()), "", List.of(), false);
        return send(mail, caseId, new JsonObject().put("kind", TRANSCRIPT)).<Void>mapEmpty().recover(e -> {
            if (e instanceof RelayRefused) {
                return retryLater(mail, caseId, TRANSCRIPT, 1);
            }
            LOG.warn("transcript of case {} sent to {}, its record not kept: {}", caseId, to, e.getMessage());
            return Future.succeededFuture();
        });
    }

    /** Keeps the mail in the outbox for its next attempt; the future fails when it could not be kept. */
    private Future<Void> retryLater(OutboundEmail email, String caseId, String kind, int attempts) {
        if (attempts > RETRY_DELAYS.size()) {
            LOG.warn("{} of case {} to {} given up after {} attempts", kind, caseId, email.to(), attempts);
            return Future.succeededFuture();
        }
        JsonObject entry = new JsonObject().put("caseId", caseId).put("attempts", attempts).put("kind", kind)
                .put("email", email.json());
        return store.retryLater(entry.encode(), cases.now() + RETRY_DELAYS.get(attempts - 1).toMillis())
                .onFailure(e -> LOG.warn("{} of case {} not kept for a retry: {}", kind, caseId, e.getMessage()));
    }

    /** Every node sends what is due again from the outbox (only while outbound mail is on). */
    public void startRetries() {
        if (sender != null) {
            vertx.runOnContext(v -> retryTimer = vertx.setPeriodic(RETRY_SWEEP_MILLIS, id -> sendDue()));
        }
    }

    public void stopRetries() {
        vertx.cancelTimer(retryTimer);
    }

    private void sendDue() {
        if (retrying) {
            return;
        }
        retrying = true;
        long now = cases.now();
        store.dueRetries(now, now + RETRY_LEASE.toMillis(), RETRY_BATCH)
                .compose(entries -> Future.join(entries.stream().map(this::sendAgain).toList()))
                .onComplete(ar -> retrying = false);
    }

    /**
     * Sends a claimed outbox entry, then takes it out: sent, or kept again as its next attempt. This node stopping (or
     * Redis failing to keep the next attempt) leaves it leased, to be sent by any node once the lease ends.
     */
    private Future<Void> sendAgain(String json) {
        JsonObject entry = new JsonObject(json);
        OutboundEmail email = OutboundEmail.fromJson(entry.getJsonObject("email"));
        String caseId = entry.getString("caseId");
        String kind = entry.getString("kind", ACKNOWLEDGEMENT); // entries written before transcripts had no kind
        int attempt = entry.getInteger("attempts") + 1;
        return send(email, caseId, new JsonObject().put("kind", kind).put("attempt", attempt)).<Void>mapEmpty()
                .recover(e -> {
                    LOG.warn("{} of case {} to {} not sent (attempt {}): {}", kind, caseId, email.to(), attempt,
                            e.getMessage());
                    // anything else: the relay took it and only its record failed; sent again it would arrive twice
                    return e instanceof RelayRefused ? retryLater(email, caseId, kind, attempt) : Future.succeededFuture();
                })
                .compose(v -> store.sent(json));
    }

    /**
     * Sends a message of the case and records it on the case's thread, as {@code sent} (its Message-ID
     * then threads the customer's answer) or {@code failed} with the relay's error: never lost silently.
     * The future fails when the relay refused it (after it is recorded as failed).
     */
    Future<JsonObject> send(OutboundEmail email, String caseId, JsonObject extra) {
        JsonObject entry = extra.copy().put("direction", "outbound").put("from", config.from())
                .put("to", email.to()).put("subject", email.subject()).put("messageId", email.messageId())
                .put("inReplyTo", email.inReplyTo()).put("text", clip(email.text()));
        return sender.send(email).transform(ar -> {
            countSent(entry.getString("kind"), ar.succeeded() ? "sent" : "failed");
            entry.put("at", cases.now()).put("status", ar.succeeded() ? "sent" : "failed");
            if (ar.failed()) {
                entry.put("error", String.valueOf(ar.cause().getMessage()));
            }
            Future<Void> recorded = ar.succeeded()
                    ? Future.all(store.appendToThread(caseId, entry), store.rememberMessageId(email.messageId(), caseId))
                            .mapEmpty()
                    : store.appendToThread(caseId, entry);
            // refused by the relay is worth another try whether or not its record was written
            return ar.failed() ? recorded.transform(x -> Future.failedFuture(new RelayRefused(ar.cause())))
                    : recorded.map(entry);
        });
    }

    /** The relay did not take the message (as opposed to a failure to record what it took): worth another try. */
    static final class RelayRefused extends RuntimeException {
        RelayRefused(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** The customer's subject last: what it holds ("{selfServiceLink}" as a joke) is never filled in. */
    private static String fill(String template, String caseId, InboundEmail email, String selfServiceLink) {
        String subject = echoed(EmailThread.CASE_TAG.matcher(email.subject()).replaceAll("").strip());
        return template.replace(SwitchboardConfig.Email.SELF_SERVICE_LINK, selfServiceLink).replace("{caseId}", caseId)
                .replace("{subject}", subject.isEmpty() ? "(no subject)" : subject);
    }

    /**
     * At most 200 characters of a sender's subject go back to it (an acknowledgement is sent to whoever wrote From:
     * a long one would make us a reflector), cut between characters, never inside an emoji's pair.
     */
    static String echoed(String subject) {
        if (subject.codePointCount(0, subject.length()) <= ECHOED_SUBJECT) {
            return subject;
        }
        return subject.substring(0, subject.offsetByCodePoints(0, ECHOED_SUBJECT)) + "...";
    }

    private static final int ECHOED_SUBJECT = 200;

    private boolean usesLink() {
        return config.acknowledgementBody().contains(SwitchboardConfig.Email.SELF_SERVICE_LINK)
                || config.acknowledgementSubject().contains(SwitchboardConfig.Email.SELF_SERVICE_LINK);
    }

    /** The self-service links of cases (mailed with the acknowledgement, checked by the self-service page). */
    public CaseLinks caseLinks() {
        return links;
    }

    /** The stored message of an email interaction, empty if there is none. */
    public Future<Map<String, String>> storedMessage(String interactionId) {
        return store.message(interactionId);
    }

    /**
     * The email an agent reads: the message, its attachments (kept and dropped) and the replies sent on
     * it; empty if the interaction has no email.
     */
    public Future<JsonObject> message(String interactionId) {
        return store.message(interactionId).compose(hash -> {
            if (hash.isEmpty()) {
                return Future.succeededFuture(new JsonObject());
            }
            JsonObject json = new JsonObject();
            hash.forEach((k, v) -> json.put(k, v));
            json.put("attachments", new JsonArray(hash.getOrDefault("attachments", "[]")));
            json.put("dropped", new JsonArray(hash.getOrDefault("dropped", "[]")));
            json.put("references", new JsonArray(List.of(hash.getOrDefault("references", "").split(" ")).stream()
                    .filter(s -> !s.isEmpty()).toList()));
            // the case it is linked to now: an agent may have moved it from the one it came on
            return cases.caseOf(interactionId).compose(linked -> {
                String caseId = linked != null && !linked.isEmpty() ? linked : hash.get("caseId");
                json.put("caseId", caseId);
                return store.thread(caseId);
            }).map(thread -> json.put("replies", new JsonArray(thread.stream()
                    .filter(m -> "outbound".equals(m.getString("direction"))
                            && interactionId.equals(m.getString("interactionId"))).toList())));
        });
    }

    /** The case's email thread (inbound and outbound), oldest first. */
    /** The email of an interaction moved to another case: its thread entries and message ids go with it. */
    public Future<Void> moveThread(String interactionId, String fromCase, String toCase) {
        return store.moveThread(interactionId, fromCase, toCase);
    }

    public Future<List<JsonObject>> thread(String caseId) {
        return store.thread(caseId);
    }

    /** Attachment n of the interaction's email: its listing entry and content; null if there is none. */
    public Future<Attached> attachment(String interactionId, int n) {
        return store.message(interactionId).compose(hash -> {
            JsonArray listed = new JsonArray(hash.getOrDefault("attachments", "[]"));
            if (n < 0 || n >= listed.size()) {
                return Future.succeededFuture();
            }
            JsonObject entry = listed.getJsonObject(n);
            return store.attachment(interactionId, n).map(content -> content == null ? null
                    : new Attached(entry.getString("filename"), entry.getString("contentType"), content));
        });
    }

    /** An attachment served back. */
    public record Attached(String filename, String contentType, byte[] content) {
    }

    private static JsonArray attachmentsJson(List<InboundEmail.Attachment> attachments) {
        JsonArray array = new JsonArray();
        for (int n = 0; n < attachments.size(); n++) {
            InboundEmail.Attachment a = attachments.get(n);
            array.add(new JsonObject().put("n", n).put("filename", a.filename()).put("contentType", a.contentType())
                    .put("size", a.content().length));
        }
        return array;
    }

    private static JsonArray droppedJson(List<InboundEmail.Dropped> dropped) {
        JsonArray array = new JsonArray();
        dropped.forEach(d -> array.add(new JsonObject().put("filename", d.filename()).put("size", d.size())
                .put("reason", d.reason())));
        return array;
    }

    private static String clip(String text) {
        return text.length() > MAX_THREAD_TEXT ? text.substring(0, MAX_THREAD_TEXT) : text;
    }

    boolean sending() {
        return sender != null;
    }

    String from() {
        return config.from();
    }

    private void count(String outcome) {
        received(outcome).increment();
    }

    /** @param kind reply or acknowledgement; outcome sent, failed (the relay refused), suppressed (no mail loops) */
    private void countSent(String kind, String outcome) {
        sent(kind, outcome).increment();
    }

    private Counter received(String outcome) {
        return Counter.builder("switchboard_emails_received").description("Inbound emails, by what became of them")
                .tag("outcome", outcome).register(registry);
    }

    private Counter sent(String kind, String outcome) {
        return Counter.builder("switchboard_emails_sent")
                .description("Outbound emails by kind (reply, acknowledgement) and outcome (sent, failed, suppressed)")
                .tag("kind", kind).tag("outcome", outcome).register(registry);
    }
}
