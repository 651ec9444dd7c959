package io.switchboard.voice;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.engine.ApiException;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.store.redis.RoutingStore;
import io.switchboard.voice.ami.AmiLink;
import io.switchboard.voice.ami.CancelAtxferAction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.asteriskjava.manager.action.AtxferAction;
import org.asteriskjava.manager.action.BridgeAction;
import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.action.RedirectAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's control of a connected call over AMI: hold and unhold (dual Redirect, then Bridge) and warm
 * transfer (Atxfer, completed by hanging up the agent's leg, or CancelAtxfer). What it needs to act from
 * any node is in Redis, per interaction: {@code voice:<id>:leg} (the agent's channel, from DialEnd),
 * {@code voice:<id>:held} (since when, while held), {@code voice:<id>:consult} (the warm transfer's target).
 */
public final class CallControl {
    private static final Logger LOG = LoggerFactory.getLogger(CallControl.class);
    /** Longest any of these records is kept: no call lasts a day. */
    private static final Duration CALL_LIFETIME = Duration.ofDays(1);
    /** How a consultation ended without a transfer, in routing's consult_ended event and the call's history. */
    private static final String CANCELED = "canceled";
    private static final String NOT_ANSWERED = "not_answered";
    private static final String HUNG_UP = "hung_up";
    /** Reads of the caller's bridge after a completed transfer, 100 ms apart (see learnLeg). */
    private static final int LEG_LOOKUPS = 20;

    private final RoutingEngine engine;
    private final RoutingStore store;
    private final SwitchboardConfig.Voice settings;
    private final Function<String, AmiLink> linkNamed;
    private final MeterRegistry registry;
    private final Vertx vertx;

    CallControl(RoutingEngine engine, RoutingStore store, SwitchboardConfig.Voice settings,
                Function<String, AmiLink> linkNamed, MeterRegistry registry, Vertx vertx) {
        this.engine = engine;
        this.store = store;
        this.settings = settings;
        this.linkNamed = linkNamed;
        this.registry = registry;
        this.vertx = vertx;
    }

    /** The agent's phone answered: its channel is kept for hold and transfer. */
    Future<Void> connected(String interactionId, String agentLeg) {
        return agentLeg == null ? Future.succeededFuture() : store.set(legKey(interactionId), agentLeg, CALL_LIFETIME);
    }

    /**
     * The agent holds the call: a dual Redirect takes both legs out of their bridge at once (neither is hung
     * up), the caller to music on hold and the agent's leg to silence, both in voice.onHoldContext.
     */
    public Future<JsonObject> hold(JsonObject interaction) {
        return talking(interaction).compose(call -> store.setIfAbsent(heldKey(call.interactionId()),
                Long.toString(engine.now()), CALL_LIFETIME).compose(first -> {
            if (!first) {
                return Future.failedFuture(ApiException.conflict("the call is already on hold"));
            }
            RedirectAction redirect = new RedirectAction(call.channel(), call.agentLeg(), settings.onHoldContext(), "s", 1,
                    settings.onHoldContext(), "agent", 1);
            return call.link().send(redirect)
                    .recover(e -> store.getAndDelete(heldKey(call.interactionId())).compose(v -> Future.failedFuture(e)))
                    .compose(r -> store.set(heldLegKey(call.agentLeg()), call.interactionId(), CALL_LIFETIME))
                    .map(r -> new JsonObject().put("status", "on_hold"));
        }));
    }

    /** Back from hold: AMI Bridge joins the two legs again; the time on hold is measured for handle time. */
    public Future<JsonObject> unhold(JsonObject interaction) {
        return talking(interaction).compose(call -> store.getAndDelete(heldKey(call.interactionId())).compose(since -> {
            if (since == null) {
                return Future.failedFuture(ApiException.conflict("the call is not on hold"));
            }
            long heldMs = Math.max(0, engine.now() - Long.parseLong(since));
            store.getAndDelete(heldLegKey(call.agentLeg()));
            return call.link().send(new BridgeAction(call.channel(), call.agentLeg(), false))
                    .onSuccess(r -> holdTime(interaction.getString("queue")).record(heldMs, TimeUnit.MILLISECONDS))
                    .map(r -> new JsonObject().put("status", "talking").put("heldSeconds", heldMs / 1000.0));
        }));
    }

    /**
     * Warm transfer, step 1: AMI Atxfer on the agent's leg dials the target (an agent's extension through
     * voice.consultContext, or a number through voice.outboundContext); the caller hears music while the
     * two consult. A target agent must be free for a call, and routing holds its voice capacity while it
     * consults, so that it is not offered another call meanwhile. Then {@link #completeConsult} or
     * {@link #cancelConsult}.
     */
    public Future<JsonObject> consult(JsonObject interaction, String agentId, String number, String actor) {
        if ((agentId == null) == (number == null)) {
            return Future.failedFuture(ApiException.badRequest("give exactly one of 'agentId' or 'number'"));
        }
        if (number != null && !VoiceChannel.DIALABLE.matcher(number).matches()) {
            return Future.failedFuture(ApiException.badRequest(
                    "number must be 2-20 digits, optionally starting with +"));
        }
        Future<String> extension = agentId == null ? Future.succeededFuture(number.replace("+", ""))
                : engine.agent(agentId).map(agent -> VoiceChannel.extension(agent.getString("endpoint", "")));
        String context = agentId == null ? settings.outboundContext() : settings.consultContext();
        String target = agentId == null ? "number:" + number : "agent:" + agentId;
        return Future.all(talking(interaction), extension).compose(all -> {
            TalkingCall call = all.resultAt(0);
            AtxferAction atxfer = new AtxferAction(
                    call.agentLeg(), context, LineText.require("extension", all.resultAt(1)), 1);
            String id = call.interactionId();
            return store.setIfAbsent(consultKey(id), target, CALL_LIFETIME).compose(first -> first
                    ? store.set(consultLegKey(call), id + " " + atxfer.getExten(), CALL_LIFETIME)
                            .compose(v -> holdTarget(id, agentId, actor))
                            .compose(held -> call.link().send(atxfer).recover(e -> endHold(id, target, actor,
                                    CANCELED).transform(v -> Future.failedFuture(e))))
                            .recover(e -> Future.all(store.getAndDelete(consultKey(id)),
                                    store.getAndDelete(consultLegKey(call)))
                                    .compose(v -> Future.failedFuture(e)))
                    : Future.failedFuture(ApiException.conflict("already consulting")));
        }).map(r -> new JsonObject().put("status", "consulting").put("target", target));
    }

    /** A consulted agent holds voice capacity in routing for the consultation; a number has nothing to hold. */
    private Future<?> holdTarget(String interactionId, String agentId, String actor) {
        return agentId == null ? Future.succeededFuture() : engine.consult(interactionId, agentId, actor);
    }

    /**
     * The consultation ended without a transfer: a consulted agent gives back the capacity it held. Routing answers
     * 409 when there is no hold left to give back (released already): that is not a failure here.
     */
    private Future<?> endHold(String interactionId, String target, String actor, String outcome) {
        if (!target.startsWith("agent:")) {
            return Future.succeededFuture();
        }
        return engine.endConsult(interactionId, actor, outcome, target.substring("agent:".length())).recover(e ->
                e instanceof ApiException api && api.status() == 409 ? Future.succeededFuture() : Future.failedFuture(e));
    }

    /**
     * A warm transfer's consultation leg ended (the consult context's {@code h} extension sent a UserEvent naming
     * the transferring agent's channel). The consultation is over, and a consulted agent free again for routing,
     * when nobody answered (no answer, busy, or Asterisk gave the transfer up after atxfernoanswertimeout), or when
     * the consulted agent answered and hung up: Asterisk then hands the agent back to the caller. An answered leg
     * also ends when Asterisk optimises its Local channel away mid-consultation, with the consulted phone still up,
     * so after an answer Switchboard first checks that the channel that answered is gone. A completed or cancelled
     * consultation has no record left here. The leg's extension must be the one consulted: a late event of an
     * earlier consultation from the same agent leg ends nothing. GETDEL: one node acts, and routing ends the hold
     * only if it is that agent's.
     * @param consultLeg the consultation's own channel ({@code Local/<extension>@<consult context>-...;2})
     */
    Future<Void> consultLegEnded(AmiLink link, String transferer, String consultLeg, String dialStatus,
                                 String peer) {
        if (transferer == null || transferer.isBlank() || consultLeg == null) { // blank: an outbound call's end
            return Future.succeededFuture();
        }
        String key = consultLegKey(link.endpoint().name(), transferer);
        String consulted = " " + VoiceChannel.extension(consultLeg);
        return store.get(key).compose(value -> {
            if (value == null || !value.endsWith(consulted)) {
                return Future.succeededFuture();
            }
            String id = value.substring(0, value.indexOf(' '));
            Future<String> over = !"ANSWER".equals(dialStatus) ? Future.succeededFuture(NOT_ANSWERED)
                    : peerGone(link, transferer, peer).map(gone -> gone ? HUNG_UP : null);
            return over.compose(outcome -> {
                if (outcome == null) {
                    // the Local leg was optimised away with the consulted phone still up: its own hang-up will end it
                    return peer == null || peer.isBlank() ? Future.succeededFuture()
                            : store.set(consultPeerKey(link.endpoint().name(), peer), value + " " + transferer,
                                    CALL_LIFETIME);
                }
                return store.getAndDelete(key).compose(claimed -> value.equals(claimed)
                        ? endConsultation(id, outcome) : Future.succeededFuture());
            });
        });
    }

    /**
     * A channel hung up: if it is the phone that answered a consultation still going on (its Local leg was optimised
     * away, so no end of it came from the consult context), the consultation ended, hung up by the consulted side.
     * GETDEL: one node acts; a consultation completed or canceled since has no record left, and nothing ends.
     */
    Future<Void> consultPeerHungUp(AmiLink link, String channel) {
        if (channel == null) {
            return Future.succeededFuture();
        }
        String asterisk = link.endpoint().name();
        return store.getAndDelete(consultPeerKey(asterisk, channel)).compose(record -> {
            if (record == null) {
                return Future.succeededFuture();
            }
            int last = record.lastIndexOf(' ');
            String value = record.substring(0, last);
            String key = consultLegKey(asterisk, record.substring(last + 1));
            return store.getAndDelete(key).compose(claimed -> value.equals(claimed)
                    ? endConsultation(value.substring(0, value.indexOf(' ')), HUNG_UP) : Future.succeededFuture());
        });
    }

    /** The phone that answered a consultation whose Local leg is gone: "{@code <consult leg value> <transferer>}". */
    private String consultPeerKey(String asterisk, String channel) {
        return store.keys().prefix() + ":voice:consultpeer:" + asterisk + ":" + channel;
    }

    /**
     * Whether the channel that answered the consultation (Dial's DIALEDPEERNAME: the agent's phone, or the outside
     * line) is gone. Only a reading that shows the transferring agent's own channel is trusted: a failed or empty
     * one says nothing, and nothing ends.
     */
    private Future<Boolean> peerGone(AmiLink link, String transferer, String peer) {
        if (peer == null || peer.isBlank()) {
            return Future.succeededFuture(false);
        }
        return link.liveChannels().map(live -> live.stream().anyMatch(c -> c.name().equals(transferer))
                && live.stream().noneMatch(c -> c.name().equals(peer)));
    }

    /**
     * Routing tells both desktops when it frees a consulted agent; a number holds nothing in routing, so the
     * transferring agent's desktop hears of it here, on the agents' bus.
     */
    private Future<Void> endConsultation(String interactionId, String outcome) {
        return store.getAndDelete(consultKey(interactionId)).compose(target -> {
            if (target == null) {
                return Future.succeededFuture();
            }
            if (target.startsWith("agent:")) {
                return endHold(interactionId, target, null, outcome).mapEmpty();
            }
            return engine.interaction(interactionId).compose(interaction -> store.publish(store.keys().bus(),
                    new JsonObject().put("type", "consult_ended").put("at", store.now())
                            .put("agent", interaction.getString("agentId"))
                            .put("interaction", interactionId).put("outcome", outcome)
                            .put("number", target.substring("number:".length()))));
        });
    }

    /**
     * While a warm transfer consults: "{@code <interaction> <extension consulted>}", by the transferring agent's
     * channel on its Asterisk.
     */
    private String consultLegKey(String asterisk, String channel) {
        return store.keys().prefix() + ":voice:consultleg:" + asterisk + ":" + channel;
    }

    private String consultLegKey(TalkingCall call) {
        return consultLegKey(call.link().endpoint().name(), call.agentLeg());
    }

    /**
     * Warm transfer, step 2: the agent's leg hangs up, which completes the attended transfer in Asterisk
     * (the target takes its place with the caller). An agent target then gets the interaction through
     * routing, accepted at once when offered (its phone is already on the call); a number ends the
     * contact for Switchboard (wrap-up).
     */
    public Future<JsonObject> completeConsult(JsonObject interaction, String actor) {
        return talking(interaction).compose(call -> store.get(consultKey(call.interactionId())).compose(target -> {
            if (target == null) {
                return Future.failedFuture(ApiException.conflict("not consulting"));
            }
            // routed only once the hang-up went through: a failed one leaves the caller with this agent, still its call
            java.util.function.Supplier<Future<JsonObject>> routed = () -> target.startsWith("agent:")
                    ? engine.completeWarmTransfer(call.interactionId(), target.substring("agent:".length()), actor)
                    : store.getAndDelete(consultKey(call.interactionId()))
                            .compose(v -> engine.wrapUp(call.interactionId(), actor));
            return call.link().send(new HangupAction(call.agentLeg())).compose(r -> routed.get())
                    .eventually(() -> store.getAndDelete(consultLegKey(call)))
                    .map(r -> new JsonObject().put("status", "transferred").put("target", target));
        }));
    }

    /**
     * Warm transfer abandoned: AMI CancelAtxfer ends the target's leg; the agent is back with the caller, and a
     * consulted agent is free again for routing, whatever Asterisk answered: the consultation is over for
     * Switchboard once its record is gone (a target that never answered has no transfer left to cancel). A cancel
     * whose release failed (Redis) fails, and the next one, finding no record, releases what routing still holds.
     */
    public Future<JsonObject> cancelConsult(JsonObject interaction, String actor) {
        JsonObject talking = new JsonObject().put("status", "talking");
        return talking(interaction).compose(call -> store.getAndDelete(consultKey(call.interactionId())).compose(target ->
                target == null
                        ? engine.endConsult(call.interactionId(), actor).recover(e -> Future.failedFuture(
                                e instanceof ApiException api && api.status() == 409
                                        ? ApiException.conflict("not consulting") : e)).map(talking)
                        : store.getAndDelete(consultLegKey(call))
                                .compose(v -> call.link().send(new CancelAtxferAction(call.agentLeg()))).transform(sent ->
                                endHold(call.interactionId(), target, actor, CANCELED).compose(held ->
                                        sent.succeeded() ? Future.succeededFuture(talking)
                                                : Future.<JsonObject>failedFuture(sent.cause())))));
    }

    /**
     * What an agent's desktop shows of a call being talked on: {@code heldSince} (ms, while on hold) and
     * {@code consulting} ({@code {"agentId"}} or {@code {"number"}}, while a warm transfer consults).
     */
    public Future<JsonObject> state(String interactionId) {
        return Future.all(store.get(heldKey(interactionId)), store.get(consultKey(interactionId))).map(all -> {
            JsonObject call = new JsonObject();
            String held = all.resultAt(0);
            String target = all.resultAt(1);
            if (held != null) {
                call.put("heldSince", Long.parseLong(held));
            }
            if (target != null) {
                call.put("consulting", target.startsWith("agent:")
                        ? new JsonObject().put("agentId", target.substring("agent:".length()))
                        : new JsonObject().put("number", target.substring("number:".length())));
            }
            return call;
        });
    }

    /** While a warm transfer consults: its target ("agent:id" or "number:digits"). */
    private String consultKey(String interactionId) {
        return store.keys().prefix() + ":voice:" + interactionId + ":consult";
    }

    /**
     * The offer of a warm transfer's completion to its target agent: that agent's phone is already
     * bridged with the caller, so the offer is accepted instead of ringing, and the new agent leg is
     * learnt for hold and further transfers.
     */
    Future<Boolean> acceptTransferred(JsonObject offer, AmiLink link, String channel) {
        String id = offer.getString("interaction");
        return store.getAndDelete(consultKey(id)).compose(target -> {
            if (!("agent:" + offer.getString("agent")).equals(target)) {
                return Future.succeededFuture(false);
            }
            return store.getAndDelete(legKey(id)).compose(oldLeg -> {
                learnLeg(id, link, channel, oldLeg, LEG_LOOKUPS);
                return engine.accept(offer.getString("reservation"), offer.getString("agent"));
            }).map(true);
        });
    }

    /**
     * The caller's new bridge peer after a transfer completed: Asterisk swaps the legs right after the
     * transferer hangs up (and optimises Local channels away), so its channels are read until a peer that is not a
     * Local channel is there, every 100 ms for up to 2 s (then a Local one will do).
     */
    private void learnLeg(String interactionId, AmiLink link, String channel, String oldLeg, int lookups) {
        link.liveChannels().onSuccess(live -> {
            Optional<AmiLink.LiveChannel> peer = bridgePeer(live, channel, oldLeg);
            if (peer.isPresent() && (!isLocal(peer.get()) || lookups <= 1)) {
                store.set(legKey(interactionId), peer.get().name(), CALL_LIFETIME);
            } else if (lookups > 1) {
                vertx.setTimer(100, t -> learnLeg(interactionId, link, channel, oldLeg, lookups - 1));
            } else {
                LOG.warn("no agent leg found for {} after its transfer: hold will not be possible", interactionId);
            }
        });
    }

    /**
     * Who is bridged with {@code channel} now (not {@code excluded}), a real endpoint before a Local channel: a Local
     * channel in the bridge is on its way to being optimised away, the endpoint behind it stays.
     */
    static Optional<AmiLink.LiveChannel> bridgePeer(List<AmiLink.LiveChannel> live, String channel, String excluded) {
        String bridge = live.stream().filter(c -> c.name().equals(channel)).map(AmiLink.LiveChannel::bridgeId)
                .findFirst().orElse("");
        return live.stream().filter(c -> !bridge.isEmpty() && c.bridgeId().equals(bridge) && !c.name().equals(channel)
                        && !c.name().equals(excluded))
                .min(java.util.Comparator.comparing(CallControl::isLocal));
    }

    private static boolean isLocal(AmiLink.LiveChannel c) {
        return c.name().startsWith("Local/");
    }

    Timer holdTime(String queue) {
        return Timer.builder("switchboard_hold").description("Time agents held calls (part of handle time), per hold")
                .tag("queue", queue == null ? "" : queue).register(registry);
    }

    /** A call being talked on: its caller channel, the agent's leg and the link to their Asterisk. */
    record TalkingCall(String interactionId, String channel, String agentLeg, AmiLink link) {
    }

    Future<TalkingCall> talking(JsonObject interaction) {
        JsonObject voice = CallAttributes.of(interaction);
        if (voice == null || !"assigned".equals(interaction.getString("status"))) {
            return Future.failedFuture(ApiException.conflict("not a voice call being talked on"));
        }
        AmiLink link = linkNamed.apply(voice.getString("asterisk", ""));
        if (link == null) {
            return Future.failedFuture(new ApiException(503, "unavailable",
                    "no AMI connection to the call's Asterisk"));
        }
        String id = interaction.getString("id");
        return store.get(legKey(id)).compose(leg -> leg == null
                ? Future.failedFuture(ApiException.conflict("the agent's leg of the call is not known"))
                : Future.succeededFuture(new TalkingCall(id, LineText.require("channel", voice.getString("channel")),
                        LineText.require("channel", leg), link)));
    }

    /** The agent's channel of a connected call (DialEnd's DestChannel), for hold and transfer. */
    private String legKey(String interactionId) {
        return store.keys().prefix() + ":voice:" + interactionId + ":leg";
    }

    /**
     * A channel hung up: if it was the leg of an agent holding a call (the agent hung up meanwhile), the
     * caller, alone with the music, is hung up too, which ends the call (wrap-up). GETDEL: one node acts.
     * Costs one Redis read per Hangup event.
     */
    Future<Void> hungUp(String channel) {
        if (channel == null) {
            return Future.succeededFuture();
        }
        return store.getAndDelete(heldLegKey(channel)).compose(id -> id == null ? Future.succeededFuture()
                : store.getAndDelete(heldKey(id)).compose(v -> engine.interaction(id)).compose(interaction -> {
                    JsonObject voice = CallAttributes.of(interaction);
                    AmiLink link = voice == null ? null : linkNamed.apply(voice.getString("asterisk", ""));
                    return link == null ? Future.succeededFuture()
                            : link.send(new HangupAction(LineText.require("channel", voice.getString("channel")))).mapEmpty();
                }));
    }

    /** While held: the interaction whose agent leg this channel is. */
    private String heldLegKey(String channel) {
        return store.keys().prefix() + ":voice:heldleg:" + channel;
    }

    /** Set while the agent holds the call: since when (ms). */
    private String heldKey(String interactionId) {
        return store.keys().prefix() + ":voice:" + interactionId + ":held";
    }


    /**
     * A call transferred while its agent held it: the caller goes on (back in line, or to the next agent), the first
     * agent's leg is left in the hold context's silence, off-hook, where its later hang-up would be taken for the end
     * of a call that another agent now has. It is hung up now, and the call's hold is over. GETDEL: one node acts.
     */
    Future<Void> transferredWhileHeld(String interactionId) {
        return store.getAndDelete(heldKey(interactionId)).compose(held -> held == null ? Future.succeededFuture()
                : store.getAndDelete(legKey(interactionId)).compose(leg -> leg == null ? Future.succeededFuture()
                        : store.getAndDelete(heldLegKey(leg)).compose(v -> engine.interaction(interactionId))
                                .compose(interaction -> {
                                    JsonObject voice = CallAttributes.of(interaction);
                                    AmiLink link = voice == null ? null : linkNamed.apply(voice.getString("asterisk", ""));
                                    return link == null ? Future.succeededFuture()
                                            : link.send(new HangupAction(LineText.require("channel", leg))).mapEmpty();
                                })));
    }

    /** A caller who hangs up while held leaves the agent's leg waiting in silence: it is hung up too. */
    Future<Void> releaseHeldLeg(String asterisk, String interactionId) {
        AmiLink link = linkNamed.apply(asterisk);
        return store.getAndDelete(heldKey(interactionId)).compose(held -> held == null || link == null
                ? Future.succeededFuture()
                : store.get(legKey(interactionId)).compose(leg -> leg == null ? Future.succeededFuture()
                        : link.send(new HangupAction(LineText.require("channel", leg))).mapEmpty()));
    }
}
