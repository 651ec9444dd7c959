package io.switchboard.voice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.engine.ApiException;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.store.redis.MonitorStore;
import io.switchboard.store.redis.RoutingStore;
import io.switchboard.voice.ami.AmiLink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervisors on agents' calls: listen (nobody hears them), whisper (the agent hears them, the customer does not) or
 * barge (all three talk). AMI Originate rings the supervisor's phone and, once answered, runs ChanSpy on the agent's
 * leg of the call with options q (no beep, no name said), E (ends with the agent's leg: the call ended or went to
 * someone else), S (ends at once when the leg is already gone) and w or B for the mode. The supervisor's channel gets
 * a uniqueid chosen here (Originate's ChannelId), so its ChanSpyStart and ChanSpyStop tell which monitoring they are
 * about; each one connected is written in the interaction's history (who, how, from when to when) by exactly one
 * node, and told to the consoles.
 */
public final class CallMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(CallMonitor.class);
    /** How long a monitoring asked for waits for its phone to answer (Originate rings it for 30 s). */
    private static final Duration RINGING = Duration.ofMinutes(2);
    private static final long RING_TIMEOUT_MILLIS = 30_000;
    /** How long a connected monitoring's record is kept when its end is never seen: no call lasts a day. */
    private static final Duration KEPT = Duration.ofDays(1);
    /** A channel to originate: technology, '/', resource (PJSIP/2001, Local/2001@phones, SIP/trunk/2001). */
    private static final Pattern ENDPOINT = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,19}/[A-Za-z0-9_.@+*#:/-]{1,80}");

    /** How the supervisor joins: ChanSpy's option for it. */
    public enum Mode {
        LISTEN(""), WHISPER("w"), BARGE("B");

        private final String option;

        Mode(String option) {
            this.option = option;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Mode parse(String text) {
            for (Mode m : values()) {
                if (m.label().equals(text)) {
                    return m;
                }
            }
            throw ApiException.badRequest("mode must be one of listen, whisper, barge");
        }
    }

    private final RoutingEngine engine;
    private final RoutingStore routing;
    private final MonitorStore store;
    private final CallControl calls;
    private final Function<String, AmiLink> linkNamed;
    private final MeterRegistry registry;
    /** voice.monitorEndpoints: the phones a supervisor may join a call from; empty = any. */
    private final List<String> phones;

    CallMonitor(RoutingEngine engine, RoutingStore routing, CallControl calls, Function<String, AmiLink> linkNamed,
                MeterRegistry registry, List<String> phones) {
        this.engine = engine;
        this.routing = routing;
        this.store = new MonitorStore(routing);
        this.calls = calls;
        this.linkNamed = linkNamed;
        this.registry = registry;
        this.phones = List.copyOf(phones);
    }

    /**
     * Rings {@code endpoint} (the supervisor's phone) and, answered, joins the agent's call in {@code mode}.
     * @return the monitoring asked for ({@code id}, {@code status: ringing}); 409 when the agent is not on a call
     */
    public Future<JsonObject> start(String agentId, String mode, String endpoint, String by, String role) {
        Mode how;
        try {
            how = Mode.parse(mode);
        } catch (ApiException e) {
            return Future.failedFuture(e);
        }
        if (endpoint == null || !ENDPOINT.matcher(endpoint).matches()) {
            return Future.failedFuture(ApiException.badRequest(
                    "endpoint must be the supervisor's phone as a channel, e.g. PJSIP/2001"));
        }
        if (!phones.isEmpty() && !phones.contains(endpoint)) {
            return Future.failedFuture(ApiException.forbidden("'" + endpoint + "' is not one of voice.monitorEndpoints"));
        }
        return callOf(agentId).compose(calls::talking).compose(call -> spyee(call).compose(spyee -> {
            String id = "sbmon-" + UUID.randomUUID();
            JsonObject entry = new JsonObject().put("id", id).put("interaction", call.interactionId())
                    .put("agent", agentId).put("mode", how.label()).put("by", by).put("role", role)
                    .put("endpoint", endpoint).put("asterisk", call.link().endpoint().name())
                    .put("requestedAt", routing.now());
            OriginateAction originate = new OriginateAction();
            originate.setChannel(endpoint);
            originate.setChannelId(id);
            originate.setApplication("ChanSpy");
            originate.setData(LineText.require("channel", spyee) + ",qES" + how.option);
            originate.setCallerId(LineText.require("label", how.label() + " " + agentId));
            originate.setTimeout(RING_TIMEOUT_MILLIS);
            originate.setAsync(true);
            return store.save(id, entry, RINGING).compose(v -> call.link().send(originate))
                    .map(r -> entry.copy().put("status", "ringing"));
        }));
    }

    /**
     * The agent's channel to spy on, read from Asterisk now: the caller's bridge peer, a real endpoint before a Local
     * channel (which Asterisk may have optimised away since the answer); the leg kept at the answer when the caller is
     * bridged with nobody (on hold, or in a warm transfer's consultation).
     */
    private Future<String> spyee(CallControl.TalkingCall call) {
        return call.link().liveChannels().map(live -> CallControl.bridgePeer(live, call.channel(), null)
                .map(AmiLink.LiveChannel::name).orElse(call.agentLeg()));
    }

    /** The voice call the agent is talking on; 409 when there is none. */
    private Future<JsonObject> callOf(String agentId) {
        return engine.agent(agentId).compose(agent -> {
            List<Future<JsonObject>> held = agent.getJsonArray("interactions").stream()
                    .map(id -> engine.interaction((String) id)).toList();
            return Future.join(held).transform(done -> {
                JsonObject call = held.stream().filter(Future::succeeded).map(Future::result)
                        .filter(i -> CallAttributes.of(i) != null && "assigned".equals(i.getString("status")))
                        .findFirst().orElse(null);
                return call != null ? Future.succeededFuture(call)
                        : Future.failedFuture(ApiException.conflict("agent " + agentId + " is not on a call"));
            });
        });
    }

    /** The monitorings connected now, oldest first. */
    public Future<List<JsonObject>> connected() {
        return store.connected();
    }

    /** Ends a connected monitoring from the console: its channel is hung up, and its ChanSpyStop records the end. */
    public Future<JsonObject> stop(String id) {
        return store.get(id).compose(entry -> {
            if (entry == null) {
                return Future.failedFuture(ApiException.notFound("no monitoring '" + id + "'"));
            }
            if (entry.getString("channel") == null) {
                return Future.failedFuture(ApiException.conflict("the supervisor's phone has not answered yet"));
            }
            AmiLink link = linkNamed.apply(entry.getString("asterisk", ""));
            if (link == null) {
                return Future.failedFuture(new ApiException(503, "unavailable", "no AMI connection to the call's Asterisk"));
            }
            return link.send(new HangupAction(LineText.require("channel", entry.getString("channel"))))
                    .map(r -> entry.put("status", "ending"));
        });
    }

    /** ChanSpyStart: the supervisor is on the call. A spy that is not one of ours costs one read. */
    void spyStarted(String spyerUniqueId, String spyerChannel) {
        store.get(spyerUniqueId).compose(entry -> entry == null ? Future.succeededFuture()
                : store.started(spyerUniqueId, entry.getString("interaction"), spyerChannel, routing.now(), KEPT)
                        .compose(started -> started == null ? Future.succeededFuture() : told("monitor_started", started)
                                .onSuccess(v -> connections(started.getString("mode")).increment())))
                .onFailure(e -> LOG.warn("start of monitoring {} not recorded: {}", spyerUniqueId, e.getMessage()));
    }

    /** ChanSpyStop, or the supervisor's channel found gone after an AMI reconnect: the monitoring is over. */
    void spyStopped(String spyerUniqueId) {
        store.get(spyerUniqueId).compose(entry -> entry == null ? Future.succeededFuture()
                : store.ended(spyerUniqueId, entry.getString("interaction"), routing.now())
                        .compose(ended -> ended == null ? Future.succeededFuture() : told("monitor_ended", ended)))
                .onFailure(e -> LOG.warn("end of monitoring {} not recorded: {}", spyerUniqueId, e.getMessage()));
    }

    /**
     * After an AMI (re)connect: monitorings on that Asterisk whose supervisor channel is gone ended meanwhile. The
     * monitorings are read before the channels, so one that connects in between is not taken for ended.
     */
    void resync(AmiLink link) {
        String asterisk = link.endpoint().name();
        store.connected().compose(list -> link.liveChannels().map(live -> list.stream()
                        .filter(m -> asterisk.equals(m.getString("asterisk")))
                        .filter(m -> live.stream().noneMatch(c -> c.uniqueId().equals(m.getString("id"))))
                        .map(m -> m.getString("id")).toList()))
                .onSuccess(gone -> gone.forEach(this::spyStopped))
                .onFailure(e -> LOG.warn("monitorings on {} not re-synced: {}", asterisk, e.getMessage()));
    }

    /**
     * Tells the consoles. The fields are not {@code agent} and {@code by}: those would send it to an agent's desktop
     * (the agents' hub delivers floor events to the agents they name), and a monitored agent is not told.
     */
    private Future<Void> told(String type, JsonObject entry) {
        return routing.tellFloor(new JsonObject().put("type", type).put("monitor", entry.getString("id"))
                .put("interaction", entry.getString("interaction")).put("monitored", entry.getString("agent"))
                .put("mode", entry.getString("mode")).put("supervisor", entry.getString("by")).put("at", routing.now()));
    }

    private Counter connections(String mode) {
        return Counter.builder("switchboard_voice_monitors")
                .description("Supervisors connected to agents' calls (listen, whisper, barge)")
                .tag("mode", mode).register(registry);
    }
}
