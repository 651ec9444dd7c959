package io.switchboard.voice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.engine.ApiException;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.engine.StatsService;
import io.switchboard.metrics.RoutingObserver;
import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.store.redis.CallOwnerStore;
import io.switchboard.store.redis.RoutingStore;
import io.switchboard.voice.ami.AmiLink;
import io.switchboard.voice.ami.SwitchboardConsultEvent;
import io.switchboard.voice.ivr.CallerLine;
import io.switchboard.voice.ivr.IvrFlow;
import io.switchboard.voice.ivr.IvrOutcome;
import io.switchboard.voice.ivr.IvrRunner;
import io.switchboard.voice.ivr.RouteHours;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.asteriskjava.manager.action.HangupAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.RedirectAction;
import org.asteriskjava.manager.event.ChanSpyStartEvent;
import org.asteriskjava.manager.event.ChanSpyStopEvent;
import org.asteriskjava.manager.event.ConnectEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.DialEndEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The voice channel: callers come in through the FastAGI IVR, wait in Asterisk's dialplan while
 * routing finds an agent, and are connected over AMI. Ringing the agent's phone is the offer:
 * answered = accepted, not answered (DialEnd NOANSWER/BUSY/...) = refused (ring-no-answer), and the
 * caller stays in line. Caller hang-up while waiting = abandoned; either side hanging up while talking
 * = wrap-up. Every call's link to its interaction is kept in Redis, so any node can act on its events.
 */
public final class VoiceChannel implements RoutingObserver {
    private static final Logger LOG = LoggerFactory.getLogger(VoiceChannel.class);
    private static final Pattern EXTENSION = Pattern.compile("^[^/]+/([^@/;]+)");
    /** A number Switchboard dials out: only digits, '+', '*' and '#' ever reach AMI. */
    public static final Pattern DIALABLE = Pattern.compile("\\+?[0-9*#]{2,20}");
    /** A number written with separators: "+1 (555) 123-0001", "555.123.0001". */
    private static final Pattern FORMATTED_NUMBER = Pattern.compile("\\+?[0-9(][0-9 ().\\-]*[0-9]");

    /**
     * A call as the AGI session presents it. callerName is already cleaned of control characters.
     * arrivedMs: when the call reached Switchboard (the place in line of a callback asked for in the IVR).
     */
    public record InboundCall(String channel, String uniqueId, String callerId, String callerName, String remoteAddress,
                              long arrivedMs) {
        public InboundCall {
            callerId = callerNumber(callerId);
        }

        /**
         * Whether the caller's number can be called back: a withheld one arrives as {@code anonymous},
         * {@code Restricted} or {@code unavailable}, none of which a callback could dial.
         */
        public boolean callable() {
            return dialable(callerId);
        }
    }

    /**
     * A caller number as some trunks format it ({@code +1 (555) 123-0001}) without its separators, so it can be
     * called back and found as the customer's: {@code +15551230001}. Anything else ({@code anonymous}) is left as is.
     */
    static String callerNumber(String raw) {
        return raw != null && FORMATTED_NUMBER.matcher(raw).matches() ? raw.replaceAll("[ ().\\-]", "") : raw;
    }

    public static boolean dialable(String number) {
        return number != null && DIALABLE.matcher(number).matches();
    }

    /**
     * What a waiting caller hears on the hold line.
     *
     * @param estimatedWaitSeconds null when nobody is staffed (no answer rate to estimate from)
     * @param offerCallback the wait is over voice.callbackOfferSeconds (or unknown): "press 1 for a callback"
     * @param holdMenu the in-queue menu's options not yet in effect for this caller (empty = no menu)
     */
    public record HoldNotice(String interactionId, Double estimatedWaitSeconds, boolean offerCallback,
                             Map<String, IvrFlow.HoldChoice> holdMenu) {
    }

    private final RoutingEngine engine;
    private final RoutingStore store;
    private final IvrFlow flow;
    private final CaseStatusLookup cases;
    private final SwitchboardConfig.Voice settings;
    private final List<AmiLink> links;
    private final MeterRegistry registry;
    private final StatsService stats;
    private final CallOwnerStore owners;
    /** How long after the call's owner a node that heard a ring's end applies it too ({@link #dialed}). */
    static final Duration DIAL_END_BACKUP = Duration.ofSeconds(1);
    private long heartbeatTimer = -1;
    private io.vertx.core.Vertx vertx;
    private CallControl calls;
    private CallMonitor monitor;
    private final CallRecorder recorder;
    /** The uniqueid prefix of the agent's channel of a call out (click-to-dial). */
    private static final String DIALLED_OUT = "sbout-";
    /**
     * Beyond the agent's ring, until routing cancels a call out whose phone never answered (no channel, so no hang-up
     * to see): Asterisk's OriginateResponse comes within the ring; this covers a slow link.
     */
    private static final Duration DIAL_MARGIN = Duration.ofSeconds(15);
    private static final String NOT_ANSWERED = "the agent's phone did not answer";
    /** Measurement only (this node's clock): when callers on this node asked for an agent. */
    private final Map<String, Long> askedAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final WaitingCallbacks callbacks;
    private final CallbackDialer callbackDialer;

    public VoiceChannel(RoutingEngine engine, RoutingStore store, IvrFlow flow, CaseStatusLookup cases,
                        SwitchboardConfig.Voice settings, List<AmiLink> links,
                        MeterRegistry registry, StatsService stats, CallOwnerStore owners) {
        this.engine = engine;
        this.store = store;
        this.flow = flow;
        this.cases = cases;
        this.settings = settings;
        this.links = List.copyOf(links);
        this.registry = registry;
        this.stats = stats;
        this.owners = owners;
        this.callbacks = new WaitingCallbacks(engine, store);
        // made here, not at start: FastAGI serves (and routing may assign a callback) before start runs
        this.recorder = new CallRecorder(store, settings.recording(), this::linkNamed, registry);
        this.callbackDialer = new CallbackDialer(engine, store, this::dial, recorder,
                settings.dialRing().plus(DIAL_MARGIN), registry);
        repeatedCallbacks(); // exported at 0 from the start: a panel over it has a series before the first repeat
        fulfilledCallbacks();
        exportFromZero();
    }

    /** Keeps this node's heartbeat up, so the calls it owns stay its own (see {@link CallOwnerStore}). */
    public Future<Void> start(io.vertx.core.Vertx vertx) {
        this.vertx = vertx;
        calls = new CallControl(engine, store, settings, this::linkNamed, registry, vertx);
        monitor = new CallMonitor(engine, store, calls, this::linkNamed, registry, settings.monitorEndpoints());
        callbackDialer.start(vertx, () -> !connectedAsterisks().isEmpty());
        Duration ttl = settings.callOwnerTtl();
        heartbeatTimer = vertx.setPeriodic(ttl.toMillis() / 3, id -> owners.heartbeat(ttl, connectedAsterisks())
                .onFailure(e -> LOG.warn("node heartbeat failed: {}", e.getMessage())));
        return owners.heartbeat(ttl, connectedAsterisks());
    }

    /** The Asterisk servers this node hears now: it can act on their calls (see {@link CallOwnerStore#heartbeat}). */
    private List<String> connectedAsterisks() {
        return links.stream().filter(AmiLink::connected).map(l -> l.endpoint().name()).toList();
    }

    /** A clean stop hands this node's calls over at once. */
    public Future<Void> stop(io.vertx.core.Vertx vertx) {
        vertx.cancelTimer(heartbeatTimer);
        callbackDialer.stop(vertx);
        return owners.leave(links.stream().map(l -> l.endpoint().name()).toList());
    }

    /** Hold, unhold and warm transfer of connected calls (the agent's call control). */
    public CallControl calls() {
        return calls;
    }

    /** Supervisors listening to, whispering to or barging into agents' calls. */
    public CallMonitor monitor() {
        return monitor;
    }

    /** Recording of calls, and its pause for card details. */
    public CallRecorder recorder() {
        return recorder;
    }

    /**
     * What an agent's desktop shows of a call being talked on: hold and warm transfer ({@link CallControl#state}) and
     * {@code recording} ({@code {file, startedAt, pausedSince?}}) when it is recorded.
     */
    public Future<JsonObject> callState(String interactionId) {
        return Future.all(calls.state(interactionId), recorder.state(interactionId)).map(all -> {
            JsonObject call = all.resultAt(0);
            JsonObject recording = all.resultAt(1);
            return recording == null ? call : call.put("recording", recording);
        });
    }

    public SwitchboardConfig.Voice settings() {
        return settings;
    }

    public long now() {
        return engine.now();
    }

    public String holdPrompt() {
        return flow.holdPrompt();
    }

    public String goodbyePrompt() {
        return flow.goodbyePrompt();
    }

    /** Calls the IVR could not hand to routing (the caller hears goodbye): a Redis or rules problem to look at. */
    public Counter ivrFailures() {
        return Counter.builder("switchboard_voice_ivr_failures")
                .description("Calls the IVR could not hand to routing (Redis too slow, rules without a route); the caller hears goodbye")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    // ------------------------------------------------------------------ AGI side (the call's virtual thread)

    public IvrOutcome runIvr(InboundCall call, CallerLine line) {
        recontact(call);
        IvrOutcome outcome = new IvrRunner(flow, cases.forCaller(call.callerId()), wanted -> closedUntil(call, wanted),
                call.callable())
                .run(line);
        ivrCalls(outcome.code()).increment();
        if (outcome.contained() && call.callable()) {
            await(store.set(containedKey(call.callerId()), outcome.code(), settings.recontactWindow()));
        }
        return outcome;
    }

    /** A caller back within the window after self-service was not really contained: counted against it. */
    private void recontact(InboundCall call) {
        if (!call.callable()) { // every withheld caller would be one and the same "anonymous"
            return;
        }
        String previous = await(store.getAndDelete(containedKey(call.callerId())));
        if (previous != null) {
            ivrRecontacts(previous).increment();
        }
    }

    private Counter ivrCalls(String outcome) {
        return Counter.builder("switchboard_ivr_calls").description("Calls leaving the IVR, by outcome (contained_* = self-service)")
                .tag("outcome", outcome).register(registry);
    }

    private Counter ivrRecontacts(String containedOutcome) {
        return Counter.builder("switchboard_ivr_recontacts")
                .description("Callers back within the recontact window after a contained call, by that call's outcome")
                .tag("outcome", containedOutcome).register(registry);
    }

    /**
     * The IVR's outcomes at 0, and each voice queue's hold time: a series that appeared at its first count would start
     * at 1, and increase() on the self-service panels would never count that first call.
     */
    private void exportFromZero() {
        for (IvrOutcome.Kind kind : IvrOutcome.Kind.values()) {
            String code = kind.name().toLowerCase(java.util.Locale.ROOT);
            ivrCalls(code);
            if (code.startsWith("contained")) {
                ivrRecontacts(code);
            }
        }
    }

    /** Each voice queue's hold time at 0 (see {@link #exportFromZero()}); when rules are installed. */
    public void exportFromZero(io.switchboard.routing.RoutingRules installed) {
        installed.queues().values().stream().filter(queue -> queue.serves(Channel.VOICE))
                .forEach(queue -> calls.holdTime(queue.name()));
    }

    private String containedKey(String callerId) {
        return store.keys().prefix() + ":ivr:contained:" + callerId;
    }

    /**
     * When every queue of the route the caller asked for (a call, or a callback) is closed: the first opening among
     * them, in the zone of its calendar, and whether a callback can be left for then (the caller's number is known
     * and the rules route a callback). A route that cannot be planned is taken as open: creating the interaction
     * says why.
     */
    private Optional<RouteHours.Closed> closedUntil(InboundCall call, IvrOutcome wanted) {
        if (!engine.hours().anyClosed()) {
            return Optional.empty(); // the usual answer, without planning the route
        }
        try {
            String customerId = await(engine.customerIdByPhone(call.callerId()));
            Channel channel = wanted.kind() == IvrOutcome.Kind.CALLBACK ? Channel.CALLBACK : Channel.VOICE;
            List<String> queues = await(engine.routeQueues(request(call, wanted, channel, customerId)));
            return engine.hours().allClosed(queues).map(opening -> new RouteHours.Closed(
                    opening.at().atZone(opening.zone()), call.callable()
                    && (channel == Channel.CALLBACK || routes(request(call, wanted, Channel.CALLBACK, customerId)))));
        } catch (RuntimeException e) {
            LOG.warn("hours of the route of {} not known, taken as open: {}", call.uniqueId(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether the rules give this request a route (a callback the caller could be offered). */
    private boolean routes(InteractionRequest request) {
        try {
            await(engine.routeQueues(request));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** What the IVR learnt, as the interaction's attributes; a callback is to the caller's number. */
    private InteractionRequest request(InboundCall call, IvrOutcome outcome, Channel channel, String customerId) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        putIfSet(attributes, "intent", outcome.intent());
        putIfSet(attributes, "language", outcome.language());
        putIfSet(attributes, "caseId", outcome.caseId());
        attributes.put("callerId", call.callerId());
        attributes.put("callerName", call.callerName());
        attributes.put("ivrPath", String.join(">", outcome.path()));
        if (outcome.opensAt() != null) {
            attributes.put("afterHours", true);
        }
        if (channel == Channel.CALLBACK) {
            attributes.put("callbackNumber", call.callerId());
        } else {
            attributes.put(CallAttributes.KEY, Map.of("channel", call.channel(), "uniqueId", call.uniqueId(),
                    "asterisk", linkFor(call.remoteAddress()).map(l -> l.endpoint().name()).orElse("")));
        }
        return new InteractionRequest(channel, attributes, customerId, null, 0);
    }

    /**
     * Hands the caller to routing when the IVR says so; returns the interaction id, or null. A failure leaves no link
     * behind (a call key with no interaction would catch the caller's hang-up for nothing) and is thrown.
     */
    public String afterIvr(InboundCall call, IvrOutcome outcome) {
        if (outcome.kind() != IvrOutcome.Kind.AGENT && outcome.kind() != IvrOutcome.Kind.CALLBACK) {
            return null;
        }
        String id = java.util.UUID.randomUUID().toString();
        try {
            return handOver(call, outcome, id);
        } catch (RuntimeException e) {
            forget(call, id);
            throw e;
        }
    }

    private String handOver(InboundCall call, IvrOutcome outcome, String id) {
        Channel channel = outcome.kind() == IvrOutcome.Kind.CALLBACK ? Channel.CALLBACK : Channel.VOICE;
        InteractionRequest request = request(call, outcome, channel,
                await(engine.customerIdByPhone(call.callerId())));
        if (channel == Channel.VOICE) {
            String earlier = await(store.get(callKey(call.uniqueId())));
            if (earlier != null && !earlier.equals(id)) {
                await(leftForTheIvr(earlier));
            }
            // the call's link first: the offer (and the agent's DialEnd) may come before createInteraction returns
            await(store.set(callKey(call.uniqueId()), id, Duration.ofDays(1)));
            await(owners.claim(call.uniqueId()));
            linkFor(call.remoteAddress()).ifPresent(link ->
                    await(store.addMember(callsKey(link.endpoint().name()), call.uniqueId())));
            askedAt.put(id, System.nanoTime());
        }
        if (channel == Channel.CALLBACK) {
            String waiting = await(callbacks.of(call.callerId()));
            if (waiting != null) {
                LOG.info("caller {} asked again for a callback: {} still waits", call.uniqueId(), waiting);
                repeatedCallbacks().increment();
                return waiting;
            }
        }
        if (channel == Channel.CALLBACK && outcome.opensAt() != null) {
            // left while the route was closed: made when it opens, and waits from then
            await(engine.scheduled().schedule(id, request, outcome.opensAt().toInstant(), null));
        } else {
            // a callback keeps the place in line of the moment the call came in, not of the end of the IVR
            long queuedAt = channel == Channel.CALLBACK ? call.arrivedMs() : 0;
            await(engine.createInteraction(id, request, queuedAt));
        }
        if (channel == Channel.CALLBACK) {
            rememberCallback(call.callerId(), id, outcome.opensAt() == null ? null : outcome.opensAt().toInstant());
        }
        return id;
    }

    /** Best effort: the callback is made; a number not remembered only misses the check for a repeated request. */
    /**
     * The same channel is in the IVR again (an agent transferred the caller to the IVR's number from the phone): the
     * contact it was is over, as if the caller had hung up on it, before the new one takes the call's link. Left as it
     * was, it stayed assigned (its agent busy for good) or waiting, with no call behind it.
     */
    private Future<Void> leftForTheIvr(String interactionId) {
        String reason = "the call went back to the IVR";
        return engine.interaction(interactionId).compose(earlier -> switch (earlier.getString("status")) {
            case "queued", "reserved" -> engine.cancel(interactionId, "canceled", reason).<Void>mapEmpty();
            case "assigned" -> engine.wrapUp(interactionId, null).<Void>mapEmpty();
            default -> Future.<Void>succeededFuture();
        }).recover(e -> {
            LOG.warn("contact {} not ended as its call went back to the IVR: {}", interactionId, e.getMessage());
            return Future.succeededFuture();
        });
    }

    private void rememberCallback(String number, String id, java.time.Instant dueAt) {
        callbacks.remember(number, id, dueAt, false).onFailure(e -> LOG.warn("callback {} not remembered for its number: {}",
                id, e.getMessage()));
    }

    /**
     * A callback an agent promised for later ({@code POST /api/v1/interactions/{id}/callbacks}) is the number's waiting
     * one until it is made: the customer who calls meanwhile and asks for a callback is told it stands. Best effort.
     */
    public Future<Void> callbackPromised(String number, String scheduledId, java.time.Instant at) {
        return callbacks.remember(number, scheduledId, at, true).recover(e -> {
            LOG.warn("callback {} not remembered for its number: {}", scheduledId, e.getMessage());
            return Future.succeededFuture();
        });
    }

    /** Callback requests from a number whose callback still waits: told it stands, no second one made. */
    private Counter repeatedCallbacks() {
        return Counter.builder("switchboard_voice_callbacks_repeated")
                .description("Callbacks asked for by a number whose callback still waited: none added, the caller told it stands")
                .register(registry);
    }

    /** Undoes a hand-over that failed part way: the call's links, and the interaction if it was made after all. */
    private void forget(InboundCall call, String id) {
        askedAt.remove(id);
        store.getAndDelete(callKey(call.uniqueId()));
        linkFor(call.remoteAddress()).ifPresent(link -> store.removeMember(callsKey(link.endpoint().name()), call.uniqueId()));
        engine.cancel(id, "canceled", "the call could not be queued")
                .onFailure(e -> LOG.debug("{} not canceled: {}", id, e.getMessage()));
    }

    /**
     * The AGI line died between the IVR and the hold line. Either the caller hung up (the AMI hang-up may have come
     * before the interaction existed, and found nothing to end) or routing already offered the call and redirected
     * the channel to the agent, which ends the AGI session just the same. Only a call still waiting, never offered,
     * was left by its caller: abandoned, as that hang-up would have done.
     */
    public void leftBeforeHold(InboundCall call, String interactionId) {
        String asterisk = linkFor(call.remoteAddress()).map(link -> link.endpoint().name()).orElse(""); // here: DNS
        String status;
        try {
            status = await(engine.interaction(interactionId)).getString("status");
        } catch (IllegalStateException e) {
            LOG.warn("call {} left before hold, its interaction {} not read: {}", call.uniqueId(), interactionId,
                    e.getMessage());
            return;
        }
        if ("queued".equals(status)) {
            ended(asterisk, call.uniqueId(), "the caller hung up before waiting");
        }
    }

    /**
     * The hold line asks what to tell the caller of this channel: their estimated wait (their position in
     * the queue's line, the queue's recent answer rate) and whether to offer a callback. Null when the call
     * is not (or no longer) waiting as a voice interaction. On the AGI session's virtual thread.
     */
    public HoldNotice onHold(String uniqueId) {
        String id = await(store.get(callKey(uniqueId)));
        if (id == null) {
            return null;
        }
        JsonObject interaction = await(engine.interaction(id));
        Integer position = interaction.getInteger("position");
        if (!"queued".equals(interaction.getString("status")) || !"voice".equals(interaction.getString("channel"))
                || position == null) {
            return null;
        }
        Double wait = await(stats.estimatedWait(interaction.getString("queue"), position));
        long threshold = settings.callbackOffer().toSeconds();
        Map<String, IvrFlow.HoldChoice> menu = flow.holdMenu() == null ? Map.of()
                : flow.holdMenu().open(interaction.getJsonObject("attributes", new JsonObject()).getMap());
        String callerId = interaction.getJsonObject("attributes", new JsonObject()).getString("callerId");
        boolean offer = dialable(callerId) && threshold > 0 && (wait == null || wait > threshold)
                && !callbackWaits(callerId); // a caller whose callback waits is not promised a second
        return new HoldNotice(id, wait, offer, menu);
    }

    /** Whether the number has a callback waiting; not known (Redis slow) counts as yes: no offer rather than two. */
    private boolean callbackWaits(String number) {
        try {
            return await(callbacks.of(number)) != null;
        } catch (IllegalStateException e) {
            LOG.warn("waiting callback of a caller not read, no callback offered: {}", e.getMessage());
            return true;
        }
    }

    public IvrFlow.HoldMenu holdMenu() {
        return flow.holdMenu();
    }

    /**
     * A waiting caller pressed a key of the hold menu: the attributes it sets, which may route the call again
     * (PATCH semantics), counted by key and outcome. False when they could not be set. On the AGI session's
     * virtual thread.
     */
    public boolean holdMenuChoice(String interactionId, String key, IvrFlow.HoldChoice choice) {
        String outcome;
        try {
            JsonObject done = await(engine.updateAttributes(interactionId, new LinkedHashMap<>(choice.attributes()), null));
            outcome = done.getBoolean("rerouted", false) || done.getBoolean("pending", false) ? "rerouted" : "same_route";
            LOG.info("caller of {} pressed {} on hold: {}", interactionId, key, outcome);
        } catch (IllegalStateException e) {
            outcome = "failed";
            LOG.warn("hold menu key {} of {} not applied: {}", key, interactionId, e.getMessage());
        }
        Counter.builder("switchboard_voice_hold_menu_choices")
                .description("Keys waiting callers pressed in the hold menu, by outcome (rerouted, same_route, failed)")
                .tag("key", key).tag("outcome", outcome).register(registry).increment();
        return !outcome.equals("failed");
    }

    /**
     * The waiting caller pressed for a callback: the interaction becomes a callback to the caller's number
     * with the same place in line, and the call's link goes, so its hang-up is not an abandon. False when
     * it is too late (an agent's phone is already ringing for it). On the AGI session's virtual thread.
     */
    public boolean takeCallback(String interactionId, String uniqueId) {
        JsonObject interaction = await(engine.interaction(interactionId));
        JsonObject voice = CallAttributes.of(interaction);
        JsonObject attributes = interaction.getJsonObject("attributes", new JsonObject()).copy();
        attributes.remove(CallAttributes.KEY);
        attributes.put("callbackNumber", attributes.getString("callerId", ""));
        if (!dialable(attributes.getString("callbackNumber"))) {
            callbackOffers("no_number").increment(); // a withheld number: no promise we could not keep
            return false;
        }
        try {
            await(engine.toCallback(interactionId, attributes));
        } catch (IllegalStateException e) {
            LOG.debug("callback for {} not taken: {}", interactionId, e.getMessage());
            callbackOffers("too_late").increment();
            return false;
        }
        await(store.getAndDelete(callKey(uniqueId)));
        if (voice != null) {
            await(store.removeMember(callsKey(voice.getString("asterisk", "")), uniqueId));
        }
        askedAt.remove(interactionId);
        rememberCallback(attributes.getString("callbackNumber"), interactionId, null);
        callbackOffers("accepted").increment();
        return true;
    }

    public Counter callbackOffers(String outcome) {
        return Counter.builder("switchboard_voice_callback_offers")
                .description("Callbacks offered to waiting callers, by outcome (accepted, declined, too_late, no_number)")
                .tag("outcome", outcome).register(registry);
    }

    private static void putIfSet(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /**
     * The Asterisk a FastAGI session came from: the AMI endpoint whose host is, or resolves to, the session's peer
     * address (AMI URLs name hosts, AGI sessions come from addresses); else the first. On the call's virtual thread:
     * the lookup may block (the JVM caches it).
     */
    private java.util.Optional<AmiLink> linkFor(String remoteAddress) {
        return links.stream().filter(l -> sameHost(l.endpoint().host(), remoteAddress)).findFirst()
                .or(() -> links.stream().findFirst());
    }

    /**
     * Whether a FastAGI peer may be served: one of voice.agiAllowedHosts (any, with none set). A name is resolved each
     * time (the JVM caches answers), its last answer kept should DNS fail: an outage must not hang up waiting callers
     * at their next hold announcement. On the session's virtual thread: names may be looked up.
     */
    public boolean agiPeerAllowed(String address) {
        List<String> allowed = settings.agiAllowedHosts();
        return allowed.isEmpty() || allowed.stream().anyMatch(host -> host.equals(address)
                || resolvedAddresses(host).contains(address));
    }

    private final Map<String, Set<String>> lastResolved = new java.util.concurrent.ConcurrentHashMap<>();

    private Set<String> resolvedAddresses(String host) {
        try {
            Set<String> now = java.util.Arrays.stream(java.net.InetAddress.getAllByName(host))
                    .map(java.net.InetAddress::getHostAddress).collect(java.util.stream.Collectors.toSet());
            lastResolved.put(host, now);
            return now;
        } catch (java.net.UnknownHostException e) {
            LOG.warn("voice.agiAllowedHosts: {} does not resolve now ({}); its last addresses kept", host, e.getMessage());
            return lastResolved.getOrDefault(host, Set.of());
        }
    }

    /** FastAGI sessions refused: their peer is none of voice.agiAllowedHosts. */
    public Counter refusedAgiSessions() {
        return Counter.builder("switchboard_agi_refused_sessions")
                .description("FastAGI sessions refused: from a host that is none of voice.agiAllowedHosts").register(registry);
    }

    static boolean sameHost(String host, String address) {
        if (host.equals(address)) {
            return true;
        }
        try {
            for (java.net.InetAddress resolved : java.net.InetAddress.getAllByName(host)) {
                if (resolved.getHostAddress().equals(address)) {
                    return true;
                }
            }
        } catch (java.net.UnknownHostException e) {
            LOG.debug("AMI host {} does not resolve: {}", host, e.getMessage());
        }
        return false;
    }

    private String callKey(String uniqueId) {
        return store.keys().prefix() + ":call:" + uniqueId;
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("voice: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ routing side (event loop)

    /** Offers of voice interactions ring the agent: the caller's channel is redirected to the agent. */
    @Override
    public void committed(String command, long nanos, List<JsonObject> events) {
        java.util.Set<String> offered = new java.util.HashSet<>();
        events.stream().filter(e -> "offer".equals(e.getString("type")))
                .forEach(e -> offered.add(e.getString("interaction")));
        for (JsonObject event : events) {
            String type = event.getString("type");
            String channel = event.getString("channel");
            if ("transferred".equals(type) && "voice".equals(channel)) {
                // the first agent's leg, if it held the call, waits in silence where no transfer reaches it
                calls.transferredWhileHeld(event.getString("interaction")).onFailure(e -> LOG.warn(
                        "held leg of {} not released: {}", event.getString("interaction"), e.getMessage()));
            }
            if ("transferred".equals(type) && "voice".equals(channel) && !offered.contains(event.getString("interaction"))) {
                // blind transfer with nobody free: the caller goes back on hold (the agent's leg ends with the
                // Dial); when offered in the same commit, the ring's Redirect moves the caller straight over
                backOnHold(event.getString("interaction")).onFailure(e -> LOG.warn("could not put {} back on hold: {}",
                        event.getString("interaction"), e.getMessage()));
            } else if ("offer".equals(type) && "voice".equals(channel)) {
                ring(event).onFailure(e -> notRung(event, e));
            } else if ("offer_canceled".equals(type) && "voice".equals(channel)
                    && event.getString("reason", "").startsWith("agent_") && !offered.contains(event.getString("interaction"))) {
                // the agent went away or signed out while its phone rang: the caller is back in line, so the ring stops
                // (the caller back on hold) lest the agent answer a call Switchboard no longer gives it
                backOnHold(event.getString("interaction")).onFailure(e -> LOG.warn("ring of {} for {} not stopped: {}",
                        event.getString("agent"), event.getString("interaction"), e.getMessage()));
            } else if ("assigned".equals(type) && "voice".equals(channel)) {
                fulfilCallback(event.getString("interaction"));
            } else if ("assigned".equals(type) && "callback".equals(channel)) {
                callbackDialer.assigned(event.getString("interaction")).onFailure(e -> LOG.warn(
                        "callback {} not dialled yet: {}", event.getString("interaction"), e.getMessage()));
            }
        }
    }

    /**
     * Asterisk answered for an Originate: of a call out (answered: connected, with its recording; not: canceled) or of
     * a callback ({@link CallbackDialer#originated}).
     */
    private void originated(AmiLink link, OriginateResponseEvent event) {
        callbackDialer.originated(link, event).compose(answered -> answered == null ? Future.succeededFuture()
                        : watchCallback(link, answered[0], answered[1]))
                .onFailure(e -> LOG.warn("answered callback not watched: {}", e.getMessage()));
        String uniqueId = event.getUniqueId();
        if (!"Success".equals(event.getResponse())) {
            callOutFailed(link, event.getActionId());
        } else if (uniqueId != null && uniqueId.startsWith(DIALLED_OUT)) {
            callOutConnected(link, uniqueId, event.getChannel())
                    .onFailure(e -> LOG.warn("answer of call out {} not applied: {}", uniqueId, e.getMessage()));
        }
    }

    /**
     * A caller reached an agent: the callback their number still waits for (asked for in an earlier call) about the
     * same need is canceled ({@link WaitingCallbacks#fulfilledBy}). Calls out are the agent's own; a withheld number
     * has no callback.
     */
    private void fulfilCallback(String interactionId) {
        engine.interaction(interactionId).compose(call -> {
            String number = call.getJsonObject("attributes", new JsonObject()).getString("callerId", "");
            return "outbound".equals(call.getString("direction")) || !dialable(number) ? Future.succeededFuture()
                    : callbacks.fulfilledBy(number, call).map(canceled -> {
                        if (canceled != null) {
                            LOG.info("callback {} canceled: its caller reached an agent on {}", canceled, interactionId);
                            fulfilledCallbacks().increment();
                        }
                        return null;
                    });
        }).onFailure(e -> LOG.warn("waiting callback of the caller on {} not checked: {}", interactionId, e.getMessage()));
    }

    /** Waiting callbacks canceled because their caller reached an agent on a later call. */
    private Counter fulfilledCallbacks() {
        return Counter.builder("switchboard_voice_callbacks_fulfilled")
                .description("Waiting callbacks canceled because their caller reached an agent on a later call")
                .register(registry);
    }

    /**
     * A callback's agent phone answered: its channel is watched as a call's is (owned by one node, re-synced after a
     * reconnect), so that its hang-up, the end of the conversation, starts the wrap-up, and the handle time is the call's.
     */
    private Future<Void> watchCallback(AmiLink link, String interactionId, String channelId) {
        return engine.interaction(interactionId).compose(callback -> Future.all(
                // whose leg it is: after a transfer, the first agent's hang-up is not the new holder's end of call
                store.set(callbackLegKey(channelId), java.util.Objects.requireNonNullElse(callback.getString("agentId"), ""),
                        Duration.ofDays(1)),
                store.set(callKey(channelId), interactionId, Duration.ofDays(1)), owners.claim(channelId),
                store.addMember(callsKey(link.endpoint().name()), channelId))).mapEmpty();
    }

    /** The agent whose phone a callback's answered leg is. */
    private String callbackLegKey(String channelId) {
        return store.keys().prefix() + ":voice:cbleg:" + channelId;
    }

    /** A callback's agent leg hung up: the end of the conversation, if that agent still holds the callback. */
    private Future<Void> callbackLegEnded(String asterisk, String channelId, JsonObject callback) {
        return Future.all(store.removeMember(callsKey(asterisk), channelId), store.getAndDelete(callbackLegKey(channelId)))
                .compose(all -> "assigned".equals(callback.getString("status"))
                        && java.util.Objects.equals(all.resultAt(1), callback.getString("agentId"))
                        ? engine.wrapUp(callback.getString("id"), null).mapEmpty() : Future.<Void>succeededFuture());
    }

    /** The agent holding a callback calls the customer again (its phone did not answer the first dial). */
    public Future<JsonObject> callBackAgain(JsonObject interaction) {
        return callbackDialer.again(interaction).map(v -> new JsonObject().put("status", "dialling"));
    }

    /**
     * Click-to-dial, as a contact: the agent's call out is an interaction the agent holds from the start
     * ({@link RoutingEngine#dialOut}: in the customer's history, timed, wrapped up, and keeping routing's offers away
     * while the agent dials). Originate rings the agent's phone and, once answered, dials the number through
     * {@code voice.outboundContext}. The agent's channel gets a uniqueid chosen here and registered as the call's
     * before it exists, so its events find the contact: answered, it is recorded (with recording on); hung up, the
     * contact wraps up; never answered, it is canceled and the agent's capacity is back.
     *
     * @param customerId the customer called, or null: the one whose phone the number is, if any
     */
    public Future<JsonObject> dialOut(String agentId, String number, String customerId) {
        Future<AmiLink> ready = dialLink(number);
        if (ready.failed()) {
            return Future.failedFuture(ready.cause());
        }
        AmiLink link = ready.result();
        String id = UUID.randomUUID().toString();
        String channelId = DIALLED_OUT + id;
        Future<String> customer = customerId != null ? engine.customerExists(customerId).map(known -> {
            if (!known) {
                throw ApiException.notFound("no customer '" + customerId + "'");
            }
            return customerId;
        }) : engine.customerIdByPhone(number);
        String calls = callsKey(link.endpoint().name());
        return customer.compose(c -> engine.dialOut(id, agentId, number, c, settings.dialRing().plus(DIAL_MARGIN)))
                .compose(created -> Future.all(store.set(callKey(channelId), id, Duration.ofDays(1)),
                                owners.claim(channelId), store.addMember(calls, channelId))
                        .compose(v -> dial(link, agentId, number, "switchboard", channelId))
                        .recover(e -> Future.join(engine.callOutFailed(id, "not dialled: " + e.getMessage()),
                                        store.removeMember(calls, channelId), store.getAndDelete(callKey(channelId)))
                                .transform(x -> Future.failedFuture(e instanceof AmiLink.NotSent
                                        ? new ApiException(503, "unavailable", "not dialled: " + e.getMessage()) : e)))
                        .map(v -> created));
    }

    /**
     * The Originate of a call out failed (the agent's phone not reached, or not answered): the call is canceled at once,
     * the agent free again, without waiting for routing's dial timer. Asterisk-Java may put its own prefix before the
     * ActionID; the channel id is what follows it. Every node may see it: routing cancels once.
     */
    private void callOutFailed(AmiLink link, String actionId) {
        int at = actionId == null ? -1 : actionId.indexOf(DIALLED_OUT);
        if (at < 0) {
            return;
        }
        String channelId = actionId.substring(at);
        // no channel, so no hang-up will take it off the calls Switchboard watches on this Asterisk
        interactionOf(channelId).compose(interaction -> Future.all(
                                store.removeMember(callsKey(link.endpoint().name()), channelId),
                                interaction == null ? Future.succeededFuture()
                                        : engine.callOutFailed(interaction.getString("id"), NOT_ANSWERED)))
                .onFailure(e -> LOG.warn("failed call out {} not canceled: {}", channelId, e.getMessage()));
    }

    /**
     * The agent answered its phone for a call out (OriginateResponse Success, or a bridge seen on re-sync): talk time
     * starts; the one node routing tells first starts the recording.
     */
    private Future<Void> callOutConnected(AmiLink link, String channelId, String channel) {
        return interactionOf(channelId).compose(interaction -> {
            if (interaction == null) {
                return Future.succeededFuture();
            }
            String id = interaction.getString("id");
            // the agent's channel, for a hang-up from the desktop (the customer's leg is the dialplan's)
            JsonObject leg = new JsonObject().put("channel", channel).put("asterisk", link.endpoint().name());
            return store.set(callOutKey(id), leg.encode(), Duration.ofDays(1))
                    .compose(v -> engine.callOutConnected(id)).compose(first -> !first || !recorder.enabled()
                            ? Future.<Void>succeededFuture()
                            : recorder.dialled(id, link, channel, channelId).onFailure(e -> recorder.failed(id, e)));
        });
    }

    /** A connected call out's agent channel: {channel, asterisk}. */
    private String callOutKey(String interactionId) {
        return store.keys().prefix() + ":voice:callout:" + interactionId;
    }

    /**
     * The number, checked (only digits, '+', '*' and '#' reach AMI), and the Asterisk to dial it through: the first
     * configured that this node hears now (one that is down would refuse every call out and callback while another
     * could make them), else the first, whose send then says the link is down.
     */
    private Future<AmiLink> dialLink(String number) {
        if (!dialable(number)) {
            return Future.failedFuture(ApiException.badRequest(
                    "number must be 2-20 digits, optionally starting with +"));
        }
        return links.stream().filter(AmiLink::connected).findFirst().or(() -> links.stream().findFirst())
                .map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
                new ApiException(503, "unavailable", "no Asterisk connection configured (voice.amiUrls)")));
    }

    /** A callback's dial: through the Asterisk {@link #dialLink} picks now. */
    private Future<Void> dial(String agentId, String number, String label, String channelId) {
        return dialLink(number).compose(link -> dial(link, agentId, number, label, channelId));
    }

    /** @param channelId the uniqueid for the agent's channel (Originate's ChannelId), or null for Asterisk's own */
    private Future<Void> dial(AmiLink link, String agentId, String number, String label, String channelId) {
        // a failed read sent nothing: a callback's job may be tried again
        return engine.agent(agentId).recover(e -> Future.failedFuture(e instanceof ApiException
                ? e : new AmiLink.NotSent("agent " + agentId + " not read: " + e.getMessage()))).compose(agent -> {
            if (agent.getString("endpoint", "").isBlank()) {
                throw ApiException.unprocessable("agent " + agentId
                        + " has no phone to dial from (its endpoint)");
            }
            OriginateAction originate = new OriginateAction();
            originate.setChannel(LineText.require("endpoint", agent.getString("endpoint")));
            originate.setContext(settings.outboundContext());
            originate.setExten(number.replace("+", ""));
            originate.setPriority(1);
            originate.setCallerId(LineText.require("label", label));
            originate.setTimeout(settings.dialRing().toMillis());
            originate.setAsync(true);
            if (channelId != null) {
                originate.setChannelId(channelId);
                // echoed by a Failure OriginateResponse, whose Uniqueid is "<null>" when no channel was made
                originate.setActionId(channelId);
            }
            return link.send(originate).mapEmpty();
        });
    }

    private Future<Void> backOnHold(String interactionId) {
        return engine.interaction(interactionId).compose(interaction -> {
            JsonObject voice = CallAttributes.of(interaction);
            AmiLink link = voice == null ? null : linkNamed(voice.getString("asterisk", ""));
            if (link == null) {
                return Future.failedFuture("no AMI connection to the call's Asterisk");
            }
            return link.send(new RedirectAction(LineText.require("channel", voice.getString("channel")),
                    settings.holdContext(), "s", 1)).mapEmpty();
        });
    }

    private AmiLink linkNamed(String asterisk) {
        return links.stream().filter(l -> l.endpoint().name().equals(asterisk)).findFirst().orElse(null);
    }

    /**
     * Hangs up the caller's channel of a voice interaction (agent or supervisor action); of a call out, the agent's
     * channel, once connected (while it rings, the phone declines it).
     */
    public Future<Void> hangup(JsonObject interaction) {
        if ("outbound".equals(interaction.getString("direction"))) {
            return store.get(callOutKey(interaction.getString("id"))).compose(json -> json == null
                    ? Future.failedFuture(ApiException.conflict(
                            "the call out has not connected: decline it on the phone"))
                    : hangupChannel(new JsonObject(json)));
        }
        JsonObject voice = CallAttributes.of(interaction);
        if (voice == null) {
            return Future.failedFuture(ApiException.conflict("not a voice call"));
        }
        return hangupChannel(voice);
    }

    /** @param voice {channel, asterisk} */
    private Future<Void> hangupChannel(JsonObject voice) {
        AmiLink link = linkNamed(voice.getString("asterisk", ""));
        if (link == null) {
            return Future.failedFuture(new ApiException(503, "unavailable",
                    "no AMI connection to the call's Asterisk"));
        }
        return link.send(new HangupAction(LineText.require("channel", voice.getString("channel")))).mapEmpty();
    }

    private Future<Void> ring(JsonObject offer) {
        JsonObject voice = CallAttributes.of(offer);
        if (voice == null) {
            return Future.succeededFuture();
        }
        String asterisk = voice.getString("asterisk", "");
        AmiLink link = linkNamed(asterisk);
        if (link == null) {
            return Future.failedFuture(new AmiLink.NotSent("no AMI connection to '" + asterisk + "'"));
        }
        // the offer carries the agent's endpoint: no read between the offer and the ring
        String extension = extension(offer.getString("endpoint", ""));
        String channel = voice.getString("channel");
        if (!LineText.isSafe(channel) || !LineText.isSafe(extension)) {
            return Future.failedFuture(new AmiLink.NotSent("channel or extension holds control characters"));
        }
        RedirectAction redirect = new RedirectAction(channel, settings.connectContext(), extension, 1);
        return calls.acceptTransferred(offer, link, channel).compose(accepted -> accepted ? Future.<Void>succeededFuture()
                : link.send(redirect).<Void>mapEmpty().onSuccess(v -> timeToRing(offer)));
    }

    /**
     * The agent's phone could not be rung. When the Redirect certainly did nothing (no AMI connection, or Asterisk
     * refused it) the offer is withdrawn at once, not the agent's miss: with the link down, every offer would
     * otherwise ring out and send the whole floor away(missed). The call goes to another agent (this one skipped a
     * while, as after any refusal) or waits, and rings once the link is back.
     */
    private void notRung(JsonObject offer, Throwable e) {
        LOG.warn("could not ring agent {} for {}: {}", offer.getString("agent"), offer.getString("interaction"),
                e.getMessage());
        if (e instanceof AmiLink.NotSent) {
            engine.reject(offer.getString("reservation"), offer.getString("agent"), "not_rung").onFailure(x ->
                    LOG.debug("offer {} not withdrawn: {}", offer.getString("reservation"), x.getMessage()));
        }
    }

    /**
     * From the caller asking for an agent (end of IVR) to Asterisk ringing the agent, for contacts offered
     * at once; measured on this node's clock (the node that ran the IVR and the one that commits the
     * offer are the same when an agent is free).
     */
    private void timeToRing(JsonObject offer) {
        Long asked = askedAt.remove(offer.getString("interaction"));
        if (asked != null && offer.getLong("waitedMs", 0L) < 1000) {
            Timer.builder("switchboard_voice_time_to_ring")
                    .description("From the caller asking for an agent to the agent's phone ringing (offered at once)")
                    .publishPercentiles(0.5, 0.99).register(registry)
                    .record(System.nanoTime() - asked, TimeUnit.NANOSECONDS);
        }
        if (askedAt.size() > 10_000) {
            askedAt.clear(); // calls that waited in line: their first ring is not this measure
        }
    }

    /** The dialable extension of an endpoint: PJSIP/101 and Local/101@agents both ring 101. */
    static String extension(String endpoint) {
        Matcher m = EXTENSION.matcher(endpoint);
        return m.find() ? m.group(1) : endpoint;
    }

    // ------------------------------------------------------------------ AMI side (event loop)

    public void onAmiEvent(AmiLink link, ManagerEvent event) {
        if (event instanceof DialEndEvent dialEnd) {
            dialed(link.endpoint().name(), dialEnd.getUniqueId(), dialEnd.getDialStatus(), dialEnd.getDestChannel(),
                    dialEnd.getDestUniqueId());
        } else if (event instanceof HangupEvent hangup) {
            ended(link.endpoint().name(), hangup.getUniqueId(), "caller hung up");
            calls.hungUp(hangup.getChannel()).onFailure(e -> LOG.debug("hang-up of {} not applied: {}",
                    hangup.getChannel(), e.getMessage()));
            calls.consultPeerHungUp(link, hangup.getChannel()).onFailure(e -> LOG.debug(
                    "end of a consultation by {} not applied: {}", hangup.getChannel(), e.getMessage()));
        } else if (event instanceof SwitchboardConsultEvent consult) {
            calls.consultLegEnded(link, consult.getTransferer(), consult.getChannel(), consult.getDialStatus(),
                    consult.getPeer()).onFailure(e -> LOG.warn("end of the consultation from {} not applied: {}",
                    consult.getTransferer(), e.getMessage()));
        } else if (event instanceof OriginateResponseEvent response) {
            originated(link, response);
        } else if (event instanceof ChanSpyStartEvent spy) {
            monitor.spyStarted(spy.getSpyerUniqueId(), spy.getSpyerChannel());
        } else if (event instanceof ChanSpyStopEvent spy) {
            monitor.spyStopped(spy.getSpyerUniqueId());
        } else if (event instanceof DisconnectEvent) {
            // this node no longer hears that Asterisk: its calls there go to a node that does at their next event,
            // not once this node's heartbeat for it lapses (callOwnerTtl)
            owners.cannotAct(link.endpoint().name())
                    .onFailure(e -> LOG.warn("could not give up the calls on {}: {}", link.endpoint().name(), e.getMessage()));
        } else if (event instanceof ConnectEvent) {
            // this node hears that Asterisk again: it says so now, not at the next beat, before taking calls there
            owners.heartbeat(settings.callOwnerTtl(), connectedAsterisks())
                    .onFailure(e -> LOG.warn("node heartbeat failed: {}", e.getMessage()));
            resync(link);
        }
    }

    /**
     * After (re)connecting, what happened while the link was down is read from the channels Asterisk has
     * up: a call that is gone ended (abandoned, or wrap-up), a caller now in a bridge was answered by the
     * agent whose phone was ringing (its DialEnd was missed). No call is forgotten, waiting or talking.
     */
    private void resync(AmiLink link) {
        monitor.resync(link);
        String asterisk = link.endpoint().name();
        Future.all(link.liveChannels(), store.members(callsKey(asterisk))).onSuccess(all -> {
            List<AmiLink.LiveChannel> live = all.resultAt(0);
            Map<String, AmiLink.LiveChannel> byId = new java.util.HashMap<>();
            live.forEach(c -> byId.put(c.uniqueId(), c));
            for (String id : all.<List<String>>resultAt(1)) {
                AmiLink.LiveChannel caller = byId.get(id);
                if (id.startsWith(DIALLED_OUT)) {
                    resyncCallOut(link, id, caller);
                } else if (caller == null) {
                    ended(asterisk, id, "call ended while the AMI link was down");
                } else if (!caller.bridgeId().isEmpty() && !id.startsWith(CallbackDialer.CHANNEL_PREFIX)) {
                    live.stream().filter(c -> c.bridgeId().equals(caller.bridgeId()) && !c.uniqueId().equals(id))
                            .findFirst().ifPresent(leg -> dialed(asterisk, id, "ANSWER", leg.name(), leg.uniqueId()));
                }
            }
        }).onFailure(e -> LOG.warn("AMI re-sync with {} failed: {}", asterisk, e.getMessage()));
    }

    /**
     * A call out after a reconnect: its agent channel up means the agent answered (the answer may have gone by), whether
     * the customer is still ringing or already talking; gone, it ended once it had connected. One whose agent phone still
     * rings, or that has no channel (not yet, or never), is left to its dial timer in routing, which cancels it if the
     * phone does not answer in time.
     */
    private void resyncCallOut(AmiLink link, String channelId, AmiLink.LiveChannel channel) {
        Future<Void> done;
        if (channel != null) {
            done = channel.up() ? callOutConnected(link, channelId, channel.name()) : Future.succeededFuture();
        } else {
            done = interactionOf(channelId).compose(interaction -> {
                if (interaction == null) { // gone (retention): nothing left to end, only the watch
                    return store.removeMember(callsKey(link.endpoint().name()), channelId);
                }
                if (!"assigned".equals(interaction.getString("status"))
                        || interaction.getJsonObject("timestamps").getValue("connected") != null) {
                    ended(link.endpoint().name(), channelId, "call ended while the AMI link was down");
                }
                return Future.<Void>succeededFuture();
            });
        }
        done.onFailure(e -> LOG.warn("call out {} not re-synced: {}", channelId, e.getMessage()));
    }


    /**
     * The agent's phone answered (the offer is accepted) or not (refused: ring-no-answer). Only the phone of the agent
     * the call is offered to now answers for it: the end of an earlier offer's ring (its reservation timed out and the
     * call was offered on) is not this agent's answer or miss. CANCEL is the caller's side leaving the Dial (hung up,
     * or moved on by a Redirect): nobody's miss.
     *
     * <p>The call's owner applies it at once. Every other node that hears it applies it too, {@link #DIAL_END_BACKUP}
     * later, should the owner have died with its heartbeat still up: a ring's end comes once, and an answer left
     * unapplied would let the offer time out and the call be offered again, its caller pulled out of the conversation
     * by the next ring. Exactly one node applies each ring's end (it claims the agent leg's uniqueid first), and a
     * backup only to the offer that was open when it heard it, never to a later offer of the same call.
     */
    private void dialed(String asterisk, String uniqueId, String dialStatus, String agentLeg, String agentLegId) {
        if ("CANCEL".equals(dialStatus)) {
            return;
        }
        interactionOf(uniqueId).compose(interaction -> interaction == null ? Future.<Void>succeededFuture()
                : owners.owns(uniqueId, asterisk).compose(mine -> {
                    callEvents("dial_end", mine ? "applied" : "not_owner").increment();
                    if (mine) {
                        return claimRingEnd(agentLegId).compose(first -> first
                                ? ringEnded(interaction, dialStatus, agentLeg, false) : Future.<Void>succeededFuture());
                    }
                    String offered = interaction.getString("reservationId");
                    if (vertx != null && offered != null) {
                        vertx.setTimer(DIAL_END_BACKUP.toMillis(), id -> interactionOf(uniqueId)
                                .compose(now -> now == null || !offered.equals(now.getString("reservationId"))
                                        ? Future.<Boolean>succeededFuture(false) : claimRingEnd(agentLegId)
                                        .compose(first -> first ? ringEnded(now, dialStatus, agentLeg, true).map(true)
                                                : Future.succeededFuture(false)))
                                .onFailure(e -> LOG.debug("DialEnd for {} not applied as backup: {}", uniqueId,
                                        e.getMessage())));
                    }
                    return Future.<Void>succeededFuture();
                }))
                .onFailure(e -> LOG.debug("DialEnd for {} not applied: {}", uniqueId, e.getMessage()));
    }

    /** Whether this node is the first to apply the end of this ring (the agent leg's uniqueid; none: nothing to share). */
    private Future<Boolean> claimRingEnd(String agentLegId) {
        return agentLegId == null || agentLegId.isEmpty() ? Future.succeededFuture(true)
                : store.setIfAbsent(store.keys().prefix() + ":voice:ringend:" + agentLegId, "1", Duration.ofMinutes(5));
    }

    /**
     * @param backup applied by a node that does not own the call: the answer's accept comes first, and only the node
     *               whose accept took the offer keeps the agent's leg and starts the recording
     */
    private Future<Void> ringEnded(JsonObject interaction, String dialStatus, String agentLeg, boolean backup) {
        if (!"reserved".equals(interaction.getString("status"))) {
            return Future.succeededFuture();
        }
        String rsv = interaction.getString("reservationId");
        String agent = interaction.getString("agentId");
        return engine.agent(agent).compose(offeredTo -> {
            if (agentLeg != null && !agentLeg.isEmpty()
                    && !dialledExtension(agentLeg).equals(extension(offeredTo.getString("endpoint", "")))) {
                return Future.succeededFuture();
            }
            if (!"ANSWER".equals(dialStatus)) {
                return engine.reject(rsv, agent, "no_answer").mapEmpty();
            }
            Supplier<Future<Void>> connected = () -> calls.connected(interaction.getString("id"), agentLeg)
                    .compose(v -> recorder.answered(interaction).otherwise((Void) null));
            return backup
                    ? engine.accept(rsv, agent).compose(r -> {
                        callEvents("dial_end", "applied_as_backup").increment();
                        return connected.get();
                    })
                    : connected.get().compose(v -> engine.accept(rsv, agent)).mapEmpty();
        });
    }

    /**
     * Whether an offer is a call from Asterisk ringing the agent's phone: answered (or not) there, never over the API.
     * Without an Asterisk configured there is none, and nothing is read.
     */
    public Future<Boolean> ringsAPhone(String interactionId) {
        if (links.isEmpty()) {
            return Future.succeededFuture(false);
        }
        return store.hmget(store.keys().interaction(interactionId), "channel", "attributes").map(f ->
                "voice".equals(f.get(0)) && f.get(1) != null
                        && new JsonObject(f.get(1)).getValue(CallAttributes.KEY) instanceof JsonObject);
    }

    /** The extension a dialled channel rang: PJSIP/101-00000005 and Local/101@agents-0000000a;1 rang 101. */
    static String dialledExtension(String channel) {
        return extension(channel).replaceFirst("-[0-9a-f]{8}$", "");
    }

    /** The caller's channel is gone: abandoned while waiting, wrap-up after talking. */
    private void ended(String asterisk, String uniqueId, String reason) {
        ended(asterisk, uniqueId, reason, true);
    }

    private void ended(String asterisk, String uniqueId, String reason, boolean mayRetry) {
        ownedInteraction(asterisk, uniqueId, "hangup", mayRetry ? () -> ended(asterisk, uniqueId, reason, false) : null)
                .compose(interaction -> {
            if (interaction == null) {
                return Future.succeededFuture();
            }
            String id = interaction.getString("id");
            if (uniqueId.startsWith(CallbackDialer.CHANNEL_PREFIX)) {
                return callbackLegEnded(asterisk, uniqueId, interaction);
            }
            if (!"voice".equals(interaction.getString("channel"))) {
                return Future.succeededFuture(); // the caller took a callback: hanging up is not abandoning
            }
            return store.removeMember(callsKey(asterisk), uniqueId).compose(v -> switch (interaction.getString("status")) {
                case "queued", "reserved" -> engine.cancel(id, "abandoned", reason).mapEmpty();
                case "assigned" -> uniqueId.startsWith(DIALLED_OUT) ? callOutEnded(id)
                        : engine.wrapUp(id, null).compose(w -> calls.releaseHeldLeg(asterisk, id));
                default -> Future.succeededFuture();
            });
        }).onFailure(e -> LOG.debug("end of call {} not applied: {}", uniqueId, e.getMessage()));
    }

    /**
     * The agent's channel of a call out is gone: a call the agent's phone never answered is canceled (nothing handled,
     * the agent's capacity back at once); a connected one wraps up.
     */
    private Future<Void> callOutEnded(String interactionId) {
        return engine.callOutFailed(interactionId, NOT_ANSWERED).compose(canceled -> canceled
                ? Future.succeededFuture() : engine.wrapUp(interactionId, null).mapEmpty());
    }

    /** The unique ids of the calls of one Asterisk that Switchboard is handling. */
    private String callsKey(String asterisk) {
        return store.keys().prefix() + ":calls:" + asterisk;
    }

    /**
     * The interaction of a call this node owns (taking it over from a node that died), or null: every
     * node sees every AMI event, and only the owner acts, so each event is applied once.
     */
    private Future<JsonObject> ownedInteraction(String asterisk, String uniqueId, String event, Runnable again) {
        return interactionOf(uniqueId).compose(interaction -> interaction == null ? Future.succeededFuture()
                : owners.owns(uniqueId, asterisk).map(mine -> {
                    callEvents(event, mine ? "applied" : "not_owner").increment();
                    if (!mine && again != null && vertx != null) {
                        // the owner may have died with its heartbeat still up: once that lapses the call is any
                        // node's, and the event (it comes once) is applied then, if still due; asked once only
                        vertx.setTimer(settings.callOwnerTtl().toMillis() + 1_000, id -> again.run());
                    }
                    return mine ? interaction : null;
                }));
    }

    private Counter callEvents(String event, String outcome) {
        return Counter.builder("switchboard_voice_call_events")
                .description("AMI events of Switchboard's calls: applied by this node (the call's owner) or left to the owner")
                .tag("event", event).tag("outcome", outcome).register(registry);
    }

    private Future<JsonObject> interactionOf(String uniqueId) {
        if (uniqueId == null) {
            return Future.succeededFuture();
        }
        return store.get(callKey(uniqueId)).compose(id -> id == null ? Future.succeededFuture()
                : engine.interaction(id));
    }
}
