package io.switchboard.voice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.engine.ApiException;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.store.redis.CallbackDialStore;
import io.switchboard.store.redis.RoutingStore;
import io.switchboard.voice.ami.AmiLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials accepted callbacks: the agent's phone rings first, then the customer is dialled from it. Routing writes each
 * dial as a job in Redis with the accept ({@link CallbackDialStore}); the node that committed the accept takes it at
 * once, and every node that hears an Asterisk sweeps the jobs nobody took (that node died, or its link was down), so a
 * callback is dialled while it is still held. A job is taken before its Originate is sent and given back only when the
 * send certainly did nothing, so no two nodes dial one customer. Asterisk's OriginateResponse, which every node
 * connected to it sees, ends the job. The agent may call the customer again once the last dial was answered for.
 */
final class CallbackDialer {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackDialer.class);
    /** The uniqueid prefix of a callback's agent channel (Originate's ChannelId and ActionID). */
    static final String CHANNEL_PREFIX = "sbcb-";
    /** A send that certainly did nothing (link down) is tried again this much later, by whichever node sweeps. */
    private static final Duration RETRY = Duration.ofSeconds(5);
    /** Sends that did nothing, before the job is left to the agent (who is told). */
    private static final int MAX_TRIES = 12;
    private static final int SWEEP_BATCH = 20;

    /** Sends the Originate that rings the agent's phone and then dials the number. */
    interface Originate {
        Future<Void> dial(String agentId, String number, String label, String channelId);
    }

    private final RoutingEngine engine;
    private final RoutingStore store;
    private final CallbackDialStore jobs;
    private final Originate originate;
    private final CallRecorder recorder;
    private final Duration answerWithin;
    private final MeterRegistry registry;
    private long sweepTimer = -1;
    private boolean sweeping;

    /** @param answerWithin how long Asterisk may take to answer for a dial (the agent's ring, and a margin) */
    CallbackDialer(RoutingEngine engine, RoutingStore store, Originate originate, CallRecorder recorder,
                   Duration answerWithin, MeterRegistry registry) {
        this.engine = engine;
        this.store = store;
        this.jobs = new CallbackDialStore(store);
        this.originate = originate;
        this.recorder = recorder;
        this.answerWithin = answerWithin;
        this.registry = registry;
        for (String outcome : new String[] {"answered", "not_answered", "redialled", "given_up", "unconfirmed"}) {
            dials(outcome); // exported at 0 from the start
        }
    }

    /** Sweeps the jobs every second while {@code hearsAsterisk} (a node with no link could only fail to send). */
    void start(Vertx vertx, BooleanSupplier hearsAsterisk) {
        sweepTimer = vertx.setPeriodic(1_000, id -> {
            if (!sweeping && hearsAsterisk.getAsBoolean()) {
                sweeping = true;
                sweep().onComplete(ar -> sweeping = false);
            }
        });
    }

    void stop(Vertx vertx) {
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
        }
    }

    /** The callback was assigned (accepted, or auto-accepted) in a commit of this node: its job is sent now. */
    Future<Void> assigned(String interactionId) {
        String channelId = channelId();
        return jobs.take(interactionId, channelId, deadline(), answerWithin, false)
                .compose(taken -> taken ? send(interactionId, channelId, null) : Future.succeededFuture());
    }

    /**
     * The agent holding the callback calls the customer again. Conflict while a dial of it waits or still rings the
     * agent's phone, or once the callback is not being handled; unavailable when the Asterisk link is down.
     */
    Future<Void> again(JsonObject interaction) {
        String id = interaction.getString("id");
        if (!"callback".equals(interaction.getString("channel")) || !"assigned".equals(interaction.getString("status"))) {
            return Future.failedFuture(ApiException.conflict("only a callback being handled can be dialled again"));
        }
        String channelId = channelId();
        return jobs.take(id, channelId, deadline(), answerWithin, true).compose(taken -> {
            if (!taken) {
                return Future.failedFuture(ApiException.conflict(
                        "this callback is being dialled: answer your phone, or wait for that dial to end"));
            }
            return send(id, channelId, interaction.getString("agentId")).recover(e -> {
                if (e instanceof AmiLink.NotSent) {
                    return jobs.end(id, channelId).transform(x -> Future.failedFuture(
                            new ApiException(503, "unavailable", "not dialled: " + e.getMessage())));
                }
                // no answer from Asterisk: whether it dials is not known, so the job waits for its deadline
                return Future.failedFuture(e instanceof ApiException ? e : new ApiException(502, "bad_gateway",
                        e.getMessage() + "; if your phone does not ring, call again in a minute"));
            });
        });
    }

    /**
     * One Originate for a taken job, if the callback is still held ({@code agent}: by that agent). Not held any more,
     * or never dialable (no number, an agent with no phone): the job ends. A send that certainly did nothing is given
     * back for another try; one whose outcome is unknown stays sending (dropped at its deadline, never sent twice).
     */
    private Future<Void> send(String interactionId, String channelId, String agent) {
        Future<JsonObject> read = engine.interaction(interactionId).recover(e -> Future.failedFuture(
                e instanceof ApiException ? e : new AmiLink.NotSent("callback not read: " + e.getMessage())));
        return read.recover(e -> notSent(interactionId, channelId, agent, e)).compose(interaction -> {
            String holder = Objects.requireNonNullElse(interaction.getString("agentId"), "");
            if (!"assigned".equals(interaction.getString("status")) || holder.isEmpty()
                    || (agent != null && !agent.equals(holder))) {
                return jobs.end(interactionId, channelId).transform(x -> Future.failedFuture(
                        ApiException.conflict("the callback is not being handled any more")));
            }
            String number = interaction.getJsonObject("attributes", new JsonObject()).getString("callbackNumber", "");
            return originate.dial(holder, number, "callback " + interactionId, channelId).recover(e -> {
                if (e instanceof ApiException) { // never dialable: not this try's fault
                    return jobs.end(interactionId, channelId).compose(v -> notDialled(interaction, e.getMessage()))
                            .transform(x -> Future.failedFuture(e));
                }
                return notSent(interactionId, channelId, agent, e);
            });
        });
    }

    /** A send that certainly did nothing gives its job back for another try (the agent's own call again: none). */
    private <T> Future<T> notSent(String interactionId, String channelId, String agent, Throwable e) {
        return e instanceof AmiLink.NotSent && agent == null
                ? jobs.release(interactionId, channelId, engine.now() + RETRY.toMillis()).transform(x -> Future.failedFuture(e))
                : Future.failedFuture(e);
    }

    /** Takes the due jobs: pending ones are sent; ones sent and never answered for are dropped. */
    private Future<Void> sweep() {
        long now = engine.now();
        String salt = UUID.randomUUID().toString();
        return jobs.claimDue(now, deadline(), salt, answerWithin, SWEEP_BATCH).map(taken -> {
            taken.forEach(this::retry);
            return (Void) null;
        }).onFailure(e -> LOG.warn("callback dial sweep failed: {}", e.getMessage()));
    }

    private void retry(CallbackDialStore.Taken job) {
        String id = job.interactionId();
        if (job.unconfirmed()) {
            // the customer's phone may have rung: dialling again could call them twice; the agent can call again
            LOG.warn("callback {}: Asterisk never answered for its dial; not dialled again", id);
            dials("unconfirmed").increment();
            tellAgent(id, "Asterisk never said whether it was dialled");
        } else if (job.dropped()) {
            return;
        } else if (job.tries() > MAX_TRIES) {
            LOG.warn("callback {} not dialled after {} tries; left to the agent", id, MAX_TRIES);
            dials("given_up").increment();
            jobs.end(id, job.channelId()).onComplete(ar -> tellAgent(id, "not dialled after " + MAX_TRIES + " tries"));
        } else {
            send(id, job.channelId(), null).onSuccess(v -> dials("redialled").increment())
                    .onFailure(e -> LOG.info("callback {} not dialled (try {}): {}", id, job.tries(), e.getMessage()));
        }
    }

    /** The agent holding the callback is told it was not dialled (its desk offers to call again). */
    private void tellAgent(String interactionId, String reason) {
        engine.interaction(interactionId).compose(i -> notDialled(i, reason))
                .onFailure(e -> LOG.debug("agent of callback {} not told: {}", interactionId, e.getMessage()));
    }

    private Future<Void> notDialled(JsonObject interaction, String reason) {
        String agent = interaction.getString("agentId");
        if (agent == null || !"assigned".equals(interaction.getString("status"))) {
            return Future.succeededFuture();
        }
        return store.tellFloor(new JsonObject().put("type", "callback_not_dialled").put("agent", agent)
                .put("interaction", interaction.getString("id")).put("reason", reason).put("at", engine.now())
                .put("number", interaction.getJsonObject("attributes", new JsonObject()).getString("callbackNumber")));
    }

    /**
     * Asterisk answered for a callback's dial, and this node was the first to see it: the agent's phone answered (the
     * customer is dialled from it; with recording on, the recording starts) or not (the callback stays with the agent,
     * whose desk is told, to call again or wrap up). Answers the callback's id and the agent's channel id when the phone
     * answered (its hang-up then ends the call), else null.
     */
    Future<String[]> originated(AmiLink link, OriginateResponseEvent event) {
        boolean success = "Success".equals(event.getResponse());
        // a failure made no channel: its Uniqueid is "<null>", and the ActionID (after Asterisk-Java's prefix) says
        String source = success ? event.getUniqueId() : event.getActionId();
        int at = source == null ? -1 : source.indexOf(CHANNEL_PREFIX);
        if (at < 0) {
            return Future.succeededFuture();
        }
        String channelId = source.substring(at);
        return jobs.dialledOn(channelId).compose(id -> {
            if (id == null) {
                return Future.succeededFuture(); // another node came first
            }
            dials(success ? "answered" : "not_answered").increment();
            if (!success) {
                tellAgent(id, "your phone did not answer");
                return jobs.end(id, channelId).map((String[]) null);
            }
            Future<Void> recording = recorder.enabled()
                    ? recorder.dialled(id, link, event.getChannel(), channelId).onFailure(e -> recorder.failed(id, e))
                    : Future.succeededFuture();
            return Future.join(jobs.end(id, channelId), recording).map(new String[] {id, channelId});
        }).onFailure(e -> LOG.warn("dial of callback {} not matched to its contact: {}", channelId, e.getMessage()));
    }

    private long deadline() {
        return engine.now() + answerWithin.toMillis();
    }

    private static String channelId() {
        return CHANNEL_PREFIX + UUID.randomUUID();
    }

    private Counter dials(String outcome) {
        return Counter.builder("switchboard_voice_callback_dials")
                .description("Dials of accepted callbacks, by outcome: answered / not_answered (the agent's phone), "
                        + "redialled (sent by a sweep: its node died or its link was down), given_up (not sent after "
                        + MAX_TRIES + " tries), unconfirmed (sent, and Asterisk never answered for it)")
                .tag("outcome", outcome).register(registry);
    }
}
