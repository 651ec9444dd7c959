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
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials accepted callbacks: the agent's phone rings first, then the customer is dialled from it. Each dial is a job in
 * Redis ({@link CallbackDialStore}) written before the Originate, so a callback is still dialled when the node that
 * accepted it dies first, or when its Asterisk link is down then: every node that hears an Asterisk sweeps the due
 * jobs and dials them while the callback is still held. Asterisk's OriginateResponse, which every node connected to it
 * sees, ends the job. The agent may call again (the customer was busy): a new job, once the last dial was answered for.
 */
final class CallbackDialer {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackDialer.class);
    /** The uniqueid prefix of a callback's agent channel (Originate's ChannelId and ActionID). */
    static final String CHANNEL_PREFIX = "sbcb-";
    /** A dial not sent by then (link down, node gone) is tried again. */
    private static final Duration RETRY = Duration.ofSeconds(5);
    /** About a minute of an Asterisk link down; then the agent's Call again is the way. */
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

    /** Sweeps due jobs every second while {@code hearsAsterisk} (a node with no link would only burn tries). */
    void start(Vertx vertx, BooleanSupplier hearsAsterisk) {
        sweepTimer = vertx.setPeriodic(1_000, id -> {
            if (!sweeping && hearsAsterisk.getAsBoolean()) {
                sweeping = true;
                sweep().onComplete(ar -> sweeping = false);
            }
        });
    }

    void stop(Vertx vertx) {
        vertx.cancelTimer(sweepTimer);
    }

    /** The callback was assigned (accepted, or auto-accepted): dial it, as a job any node can finish. */
    Future<Void> assigned(String interactionId) {
        return jobs.begin(interactionId, engine.now() + RETRY.toMillis(), false)
                .compose(begun -> attempt(interactionId, null));
    }

    /**
     * The agent holding the callback calls the customer again. Conflict while the last dial still rings the agent's
     * phone (Asterisk has not answered for it yet).
     */
    Future<Void> again(JsonObject interaction) {
        String id = interaction.getString("id");
        if (!"callback".equals(interaction.getString("channel")) || !"assigned".equals(interaction.getString("status"))) {
            return Future.failedFuture(ApiException.conflict("only a callback being handled can be dialled again"));
        }
        return jobs.begin(id, engine.now() + RETRY.toMillis(), true).compose(begun -> begun
                ? attempt(id, interaction.getString("agentId"))
                : Future.failedFuture(ApiException.conflict("the last dial still rings your phone: answer it, "
                        + "or wait for it to end")));
    }

    /**
     * One Originate for the job, if the callback is still held ({@code agent}: by that agent). Not held any more, or
     * not dialable (no number, an agent with no phone): the job ends. A send that fails leaves the job due again.
     */
    private Future<Void> attempt(String interactionId, String agent) {
        return engine.interaction(interactionId).compose(interaction -> {
            String holder = java.util.Objects.requireNonNullElse(interaction.getString("agentId"), "");
            if (!"assigned".equals(interaction.getString("status")) || holder.isEmpty()
                    || (agent != null && !agent.equals(holder))) {
                return jobs.ended(interactionId);
            }
            String number = interaction.getJsonObject("attributes", new JsonObject()).getString("callbackNumber", "");
            String channelId = CHANNEL_PREFIX + UUID.randomUUID();
            return store.set(dialledKey(channelId), interactionId, answerWithin)
                    .compose(v -> originate.dial(holder, number, "callback " + interactionId, channelId))
                    .compose(v -> jobs.sent(interactionId, engine.now() + answerWithin.toMillis()))
                    .recover(e -> e instanceof ApiException
                            ? jobs.ended(interactionId).transform(x -> Future.failedFuture(e)) // will never dial
                            : Future.failedFuture(e));
        });
    }

    /** Dials the jobs whose deadline passed: not sent (again), or sent and never answered for (given up). */
    private Future<Void> sweep() {
        long now = engine.now();
        return jobs.claimDue(now, now + RETRY.toMillis(), SWEEP_BATCH).compose(due -> {
            due.forEach(this::retry);
            return Future.<Void>succeededFuture();
        }).onFailure(e -> LOG.warn("callback dial sweep failed: {}", e.getMessage()));
    }

    private void retry(CallbackDialStore.Due job) {
        String id = job.interactionId();
        if (job.unconfirmed()) {
            // the phone may have rung: dialling again could call the customer twice; the agent can call again
            LOG.warn("callback {}: Asterisk never answered for its dial; not dialled again", id);
            dials("unconfirmed").increment();
        } else if (job.tries() > MAX_TRIES) {
            LOG.warn("callback {} not dialled after {} tries; the agent can call again", id, MAX_TRIES);
            jobs.ended(id).onFailure(e -> LOG.debug("job of {} not ended: {}", id, e.getMessage()));
            dials("given_up").increment();
        } else {
            attempt(id, null).onSuccess(v -> dials("redialled").increment())
                    .onFailure(e -> LOG.info("callback {} not dialled (try {}): {}", id, job.tries(), e.getMessage()));
        }
    }

    /**
     * Asterisk answered for a callback's dial: the agent's phone answered (the customer is dialled from it; with
     * recording on, the recording starts) or not (the callback stays with the agent, who may call again).
     */
    void originated(AmiLink link, OriginateResponseEvent event) {
        boolean success = "Success".equals(event.getResponse());
        // a failure made no channel: its Uniqueid is "<null>", and the ActionID (after Asterisk-Java's prefix) says
        String source = success ? event.getUniqueId() : event.getActionId();
        int at = source == null ? -1 : source.indexOf(CHANNEL_PREFIX);
        if (at < 0) {
            return;
        }
        String channelId = source.substring(at);
        store.getAndDelete(dialledKey(channelId)).compose(id -> {
            if (id == null) {
                return Future.succeededFuture(); // another node came first
            }
            dials(success ? "answered" : "not_answered").increment();
            Future<Void> recording = success && recorder.enabled()
                    ? recorder.dialled(id, link, event.getChannel(), channelId).onFailure(e -> recorder.failed(id, e))
                    : Future.succeededFuture();
            return Future.join(jobs.ended(id), recording).<Void>mapEmpty();
        }).onFailure(e -> LOG.warn("dial of callback {} not matched to its contact: {}", channelId, e.getMessage()));
    }

    /** While a callback's agent phone rings: the interaction, by the uniqueid chosen for the agent's channel. */
    private String dialledKey(String channelId) {
        return store.keys().prefix() + ":voice:dialled:" + channelId;
    }

    private Counter dials(String outcome) {
        return Counter.builder("switchboard_voice_callback_dials")
                .description("Dials of accepted callbacks, by outcome: answered / not_answered (the agent's phone), "
                        + "redialled (a dial not sent in time, sent again by any node), given_up (not sent after "
                        + MAX_TRIES + " tries), unconfirmed (sent, and Asterisk never answered for it)")
                .tag("outcome", outcome).register(registry);
    }
}
