package io.switchboard.simulator.pbx;

import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.event.EventListener;
import io.switchboard.simulator.event.ManagerEvent;
import io.switchboard.simulator.queue.CallQueue;
import io.switchboard.simulator.queue.DeviceState;
import io.switchboard.simulator.time.SimClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The simulated Asterisk core: channels, Local channel pairs, bridges, the dialplan, variables and the
 * event stream. Everything here runs on one thread (the engine context); it is not thread-safe and is
 * reached from other threads only through {@link io.switchboard.simulator.SimulatedAsterisk}.
 */
public final class Pbx {

    private static final Logger LOG = LoggerFactory.getLogger(Pbx.class);

    private final SimulatorConfig config;
    private final SimClock clock;
    private final Random random;
    private final AgiLauncher agiLauncher;
    private final Dialplan dialplan;
    private final Applications applications;
    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, String> globals = new LinkedHashMap<>();
    private final Map<String, CallQueue> queues;
    private final QueueEngine queueEngine;
    private final MixMonitors mixMonitors = new MixMonitors(this);
    private final Map<String, DeviceState> deviceStates = new HashMap<>();
    private final Map<Channel, DialplanLocation> dualRedirects = new HashMap<>();
    private final Map<Channel, AttendedTransfer> consultations = new HashMap<>();
    private final long startEpoch;
    private long uniqueSeq;
    private long localSeq;
    private long agiSessions;
    private final Map<String, String> astdb = new java.util.concurrent.ConcurrentHashMap<>();

    public Pbx(SimulatorConfig config, SimClock clock, AgiLauncher agiLauncher) {
        this.config = config;
        this.clock = clock;
        this.random = new Random(config.randomSeed());
        this.agiLauncher = agiLauncher;
        this.dialplan = config.dialplan();
        this.startEpoch = clock.nowEpochSeconds();
        this.globals.putAll(dialplan.globals());
        // The dialplan reaches the CTI server through ${SB_AGI}; point it at the configured FastAGI server.
        this.globals.put("SB_AGI", config.agiHost() + ":" + config.agiPort());
        this.queues = config.queues().build(startEpoch);
        this.queueEngine = new QueueEngine(this);
        this.applications = new Applications(this);
    }

    // ------------------------------------------------------------------ accessors

    public SimulatorConfig config() {
        return config;
    }

    public SimClock clock() {
        return clock;
    }

    public Random random() {
        return random;
    }

    public Dialplan dialplan() {
        return dialplan;
    }

    Applications applications() {
        return applications;
    }

    AgiLauncher agiLauncher() {
        return agiLauncher;
    }

    public Map<String, CallQueue> queues() {
        return queues;
    }

    /** Recordings of channels (AMI MixMonitor, MixMonitorMute, StopMixMonitor). */
    public MixMonitors mixMonitors() {
        return mixMonitors;
    }

    QueueEngine queueEngine() {
        return queueEngine;
    }

    public long startEpoch() {
        return startEpoch;
    }

    public SoundLibrary sounds() {
        return config.sounds();
    }

    public void addListener(EventListener listener) {
        listeners.add(listener);
    }

    public void removeListener(EventListener listener) {
        listeners.remove(listener);
    }

    // ------------------------------------------------------------------ identifiers

    /** {@code <epoch>.<seq>}: the seconds part is the creation time, the sequence is global to the process. */
    String nextUniqueid() {
        return clock.nowEpochSeconds() + "." + uniqueSeq++;
    }

    String nextLocalSuffix() {
        return String.format("%08x", localSeq++);
    }

    String newBridgeId() {
        return new UUID((random.nextLong() & ~0xF000L) | 0x4000L, (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }

    /** AGI CommandId: ast_random(), a positive 31-bit number. */
    public int newCommandId() {
        return random.nextInt(Integer.MAX_VALUE);
    }

    /** agi_threadid: a pthread id; the first session gets the configured base, as in the capture. */
    public long nextAgiThreadId() {
        return config.agiThreadIdBase() - (agiSessions++ * 0x801000L);
    }

    // ------------------------------------------------------------------ events

    public void publish(ManagerEvent.Builder event) {
        ManagerEvent e = event.timestamp(clock.nowMicros()).build();
        for (EventListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                LOG.warn("event listener failed on {}", e.name(), ex);
            }
        }
    }

    // ------------------------------------------------------------------ channels

    Channel register(Channel c) {
        channels.put(c.name().toLowerCase(Locale.ROOT), c);
        return c;
    }

    /** ast_channel_get_by_name: exact name, case-insensitive. */
    public Channel find(String name) {
        return name == null ? null : channels.get(name.toLowerCase(Locale.ROOT));
    }

    /** Live channels, newest first (the order the capture's CoreShowChannels and Status list them in). */
    public List<Channel> channelsNewestFirst() {
        List<Channel> list = new ArrayList<>(channels.values());
        java.util.Collections.reverse(list);
        return list;
    }

    public Collection<Channel> channels() {
        return channels.values();
    }

    public List<ChannelSnapshot> snapshots() {
        return channelsNewestFirst().stream().map(ChannelSnapshot::of).toList();
    }

    /**
     * Requests a Local channel {@code Local/<exten>@<context>[/n]}: creates both halves and publishes their
     * Newchannel events. The caller sets caller ids and publishes the rest.
     */
    LocalPair requestLocal(String dest, Channel requester, PairOwner owner) {
        return requestLocal(dest, requester, owner, null, null);
    }

    /**
     * As above, with the uniqueids Originate's ChannelId and OtherChannelId chose (null: the next ones; a ChannelId
     * alone gives {@code ;2} the same id with {@code ;2} appended, as core_unreal.c does).
     */
    LocalPair requestLocal(String dest, Channel requester, PairOwner owner, String id1, String id2) {
        String spec = dest;
        boolean optimize = true;
        int slash = spec.indexOf('/');
        if (slash >= 0) {
            optimize = !spec.substring(slash + 1).contains("n");
            spec = spec.substring(0, slash);
        }
        int at = spec.indexOf('@');
        String exten = at >= 0 ? spec.substring(0, at) : spec;
        String context = at >= 0 ? spec.substring(at + 1) : "default";
        String base = "Local/" + exten + "@" + context + "-" + nextLocalSuffix();
        long now = clock.nowMicros();
        String uid1 = id1 != null ? id1 : nextUniqueid();
        String linkedid = requester != null ? requester.linkedid() : uid1;
        Channel one = register(new Channel(base + ";1", uid1, linkedid, "Local", ChannelState.DOWN, context, exten, now));
        Channel two = register(new Channel(base + ";2", id2 != null ? id2 : id1 != null ? id1 + ";2" : nextUniqueid(), linkedid, "Local", ChannelState.RING, context, exten, now));
        LocalPair pair = new LocalPair(one, two, exten, context, optimize, owner);
        one.pair(pair);
        two.pair(pair);
        publish(Events.newchannel(one));
        publish(Events.newchannel(two));
        return pair;
    }

    /**
     * Lets {@code ;2} of a pair run its dialplan: at once for ordinary contexts, after the simulated phone's
     * answer delay (or never) for agent phone contexts. As the Local channel's call does (ast_unreal_call_setup),
     * {@code ;2} first gets a silent copy of {@code ;1}'s variables, behind its own.
     */
    void ring(LocalPair pair) {
        Channel two = pair.two();
        pair.one().variables().forEach(two.variables()::putIfAbsent);
        if (!config.phoneContexts().contains(pair.context())) {
            pickUp(pair);
            return;
        }
        PhoneBehavior behavior = config.agentPhones().behaviorFor(pair.exten());
        if (behavior.talkTime() != null) {
            two.variables().put("AGENT_TALK", seconds(behavior.talkTime()));
        }
        RingingPhone ringing = new RingingPhone(this, pair);
        two.driver(ringing);
        if (!behavior.answers()) {
            return;
        }
        if (behavior.answerDelay().isZero()) {
            pickUp(pair);
        } else {
            ringing.answerIn(behavior.answerDelay());
        }
    }

    void pickUp(LocalPair pair) {
        Channel two = pair.two();
        if (two.destroyed() || two.hangupRequested()) {
            return;
        }
        pair.owner().beforePbxStart(pair);
        if (two.destroyed() || two.hangupRequested()) {
            return;
        }
        new PbxRunner(this, two).start(two.location());
    }

    /** Answers a channel (state Up, Newstate); for {@code ;2} of a Local pair the owner completes the answer. */
    void answer(Channel ch) {
        if (ch.state() == ChannelState.UP) {
            return;
        }
        markUp(ch);
        LocalPair p = ch.pair();
        if (p != null && p.two() == ch && !p.answered()) {
            p.answered(true);
            p.owner().onAnswered(p);
        }
    }

    void markUp(Channel ch) {
        if (ch.state() == ChannelState.UP) {
            return;
        }
        ch.state(ChannelState.UP);
        ch.answeredMicros(clock.nowMicros());
        publish(Events.newstate(ch));
    }

    /**
     * Destroys a channel the way ast_hangup does for a Local half: SoftHangupRequest if its dialplan just
     * ended (__ast_pbx_run's APPUNLOAD soft hangup, always cause 16 on the wire), HangupRequest to the other
     * half, Hangup, then the other half reacts to the hangup.
     */
    void destroy(Channel ch, boolean pbxEnded) {
        if (ch.destroyed()) {
            return;
        }
        int cause = ch.hangupCause();
        if (pbxEnded) {
            publish(Events.softHangupRequest(ch, 16));
        }
        Channel peer = ch.localPeer();
        boolean tellPeer = peer != null && !peer.hangupRequested();
        if (tellPeer) {
            peer.hangupRequested(true);
            if (peer.hangupCause() == 0) {
                peer.hangupCause(cause);
            }
            publish(Events.hangupRequest(peer, cause));
        }
        if (ch.bridge() != null) {
            leaveBridge(ch.bridge(), ch);
        }
        publish(Events.hangup(ch, cause));
        ch.destroyed(true);
        channels.remove(ch.name().toLowerCase(Locale.ROOT));
        ch.runAfterHangup();
        if (ch.pair() != null) {
            ch.pair().owner().onDestroyed(ch.pair(), ch);
        }
        if (ch.caller() != null) {
            ch.caller().channelGone(ch);
        }
        if (tellPeer && peer.driver() != null) {
            peer.driver().hangupRequested(peer);
        } else if (tellPeer) {
            destroy(peer, false);
        }
    }

    /** AMI Hangup and friends: mark the channel for hangup (with a cause, if given) and tell its driver. */
    public void requestHangup(Channel ch, int cause) {
        if (ch.destroyed()) {
            return;
        }
        if (cause > 0) {
            ch.hangupCause(cause);
        }
        if (ch.hangupRequested()) {
            return;
        }
        ch.hangupRequested(true);
        if (ch.driver() != null) {
            ch.driver().hangupRequested(ch);
        } else {
            destroy(ch, false);
        }
    }

    /** A hangup coming from the far end (the caller's phone): HangupRequest is published first. */
    void remoteHangup(Channel ch, int cause) {
        if (ch.destroyed() || ch.hangupRequested()) {
            return;
        }
        ch.hangupCause(cause);
        publish(Events.hangupRequest(ch, cause));
        requestHangup(ch, cause);
    }

    /**
     * Dual Redirect (AMI ExtraChannel): both channels leave their bridge together and neither hangs the
     * other up (Asterisk flags both AST_FLAG_BRIDGE_DUAL_REDIRECT_WAIT). The calling side of a Dial goes
     * first; Dial, seeing its outgoing leg marked, moves it to its target instead of hanging it up.
     */
    public void redirectBoth(Channel a, DialplanLocation ta, Channel b, DialplanLocation tb) {
        if (a.driver() instanceof BridgedLeg) {
            redirectBoth(b, tb, a, ta);
            return;
        }
        dualRedirects.put(b, tb);
        redirect(a, ta);
        if (dualRedirects.remove(b) != null) {
            redirect(b, tb); // not the leg of a's Dial: an ordinary redirect of its own
        }
    }

    /** The target of a channel whose Dial peer is being dual-redirected with it, consumed; or null. */
    DialplanLocation takeDualRedirect(Channel ch) {
        return dualRedirects.remove(ch);
    }

    /** ast_async_goto: the channel's driver leaves what it is doing and continues at {@code target}. */
    public void redirect(Channel ch, DialplanLocation target) {
        if (ch.driver() == null) {
            masqueradeIntoPbx(ch, target);
        } else {
            ch.driver().redirect(ch, target);
        }
    }

    /**
     * A channel without a dialplan of its own is redirected by masquerading it into a new channel that runs
     * the dialplan. Nothing shows on AMI, but the clone consumes a Uniqueid and resets the channel's
     * creation and answer times (hence ANSWEREDTIME 0 after a redirected Local;1 in the capture).
     */
    void masqueradeIntoPbx(Channel ch, DialplanLocation target) {
        nextUniqueid();
        ch.createdMicros(clock.nowMicros());
        ch.answeredMicros(0);
        new PbxRunner(this, ch).start(target);
    }

    // ------------------------------------------------------------------ bridges

    Bridge createBridge() {
        Bridge b = new Bridge(newBridgeId());
        publish(Events.bridgeCreate(b));
        return b;
    }

    void enterBridge(Bridge b, Channel ch) {
        b.add(ch);
        ch.bridge(b);
        publish(Events.bridgeEnter(b, ch));
        if (ch.caller() != null) {
            ch.caller().connected();
        }
    }

    void leaveBridge(Bridge b, Channel ch) {
        if (ch.bridge() != b) {
            return;
        }
        b.remove(ch);
        ch.bridge(null);
        publish(Events.bridgeLeave(b, ch));
    }

    void destroyBridge(Bridge b) {
        publish(Events.bridgeDestroy(b));
    }

    // ------------------------------------------------------------------ device state

    /**
     * A device changed state. For queue members app_queue publishes QueueMemberStatus (and, for a change not
     * caused by a queue call, the queue's {@code _avail} device) before the DeviceStateChange when the member
     * becomes busy, and after it when the member is free again, as in the capture.
     */
    void deviceState(String device, DeviceState state, boolean memberEvents, boolean availEvents) {
        DeviceState old = deviceStates.put(device, state);
        boolean changed = old != state && !(old == null && state == DeviceState.NOT_INUSE);
        if (changed && memberEvents && state != DeviceState.NOT_INUSE) {
            queueEngine.memberDeviceChanged(device, state, true, availEvents);
        }
        publish(Events.deviceStateChange(device, state.text()));
        if (changed && state == DeviceState.NOT_INUSE) {
            queueEngine.memberDeviceChanged(device, state, memberEvents, false);
        }
    }

    void deviceState(String device, DeviceState state, boolean memberEvents) {
        deviceState(device, state, memberEvents, true);
    }

    /** A DeviceStateChange without queue member events (app_queue reports its own member's changes). */
    void deviceStateQuiet(String device, DeviceState state) {
        DeviceState old = deviceStates.put(device, state);
        publish(Events.deviceStateChange(device, state.text()));
        if (old != state) {
            queueEngine.memberDeviceChanged(device, state, false, false);
        }
    }

    // ------------------------------------------------------------------ variables

    public void setVariable(Channel ch, String name, String value) {
        String v = value == null ? "" : value;
        if (ch == null) {
            globals.put(name, v);
            return;
        }
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.startsWith("CALLERID(")) {
            String field = name.substring(9, name.length() - 1).toLowerCase(Locale.ROOT);
            switch (field) {
                case "num", "number" -> ch.callerId(v, ch.callerName());
                case "name" -> ch.callerId(ch.callerNum(), v);
                default -> {
                    return;
                }
            }
            publish(Events.newCallerid(ch));
            return;
        }
        String stored = stripInheritance(name);
        ch.variables().put(stored, v);
        publish(Events.varSet(ch, name, v));
    }

    private static String stripInheritance(String name) {
        if (name.startsWith("__")) {
            return name.substring(2);
        }
        return name.startsWith("_") ? name.substring(1) : name;
    }

    /** pbx_retrieve_variable (plus dialplan functions when the name ends in ')'); null when unset. */
    public String getVariable(Channel ch, String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        if (name.endsWith(")")) {
            return function(ch, name);
        }
        if (ch != null) {
            switch (name) {
                case "CHANNEL" -> {
                    return ch.name();
                }
                case "UNIQUEID" -> {
                    return ch.uniqueid();
                }
                case "LINKEDID" -> {
                    return ch.linkedid();
                }
                case "CONTEXT" -> {
                    return ch.context();
                }
                case "EXTEN" -> {
                    return ch.exten();
                }
                case "PRIORITY" -> {
                    return String.valueOf(ch.priority());
                }
                case "HANGUPCAUSE" -> {
                    return String.valueOf(ch.hangupCause());
                }
                case "CALLERIDNUM" -> {
                    return ch.callerNum();
                }
                case "CALLERIDNAME" -> {
                    return ch.callerName();
                }
                default -> { }
            }
            String v = ch.variables().get(stripInheritance(name));
            if (v != null) {
                return v;
            }
        }
        if (name.equals("EPOCH")) {
            return String.valueOf(clock.nowEpochSeconds());
        }
        return globals.get(name);
    }

    private String function(Channel ch, String expr) {
        int open = expr.indexOf('(');
        if (open < 0) {
            return null;
        }
        String fn = expr.substring(0, open).toUpperCase(Locale.ROOT);
        String arg = expr.substring(open + 1, expr.length() - 1).trim().toLowerCase(Locale.ROOT);
        if (ch == null) {
            return null;
        }
        return switch (fn) {
            case "CALLERID" -> switch (arg) {
                case "num", "number" -> ch.callerNum();
                case "name" -> ch.callerName();
                case "all" -> "\"" + nz(ch.callerName()) + "\" <" + nz(ch.callerNum()) + ">";
                default -> null;
            };
            case "CONNECTEDLINE" -> switch (arg) {
                case "num", "number" -> ch.connectedNum();
                case "name" -> ch.connectedName();
                default -> null;
            };
            case "CHANNEL" -> switch (arg) {
                case "name" -> ch.name();
                case "state" -> ch.state().description();
                case "uniqueid" -> ch.uniqueid();
                case "linkedid" -> ch.linkedid();
                case "language" -> ch.language();
                case "context" -> ch.context();
                case "exten" -> ch.exten();
                case "channeltype" -> ch.type();
                default -> null;
            };
            default -> null;
        };
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** ${...} substitution against a channel, its variables and the globals. */
    public String substitute(Channel ch, String template) {
        return Substitution.apply(template, name -> getVariable(ch, name));
    }

    // ------------------------------------------------------------------ for the FastAGI session

    /** The AstDB behind AGI's DATABASE commands, keyed {@code family/key}. */
    public Map<String, String> astdb() {
        return astdb;
    }

    public boolean hasApplication(String name) {
        return applications.find(name) != null && !name.equalsIgnoreCase("AGI");
    }

    /**
     * AGI SET CONTEXT / SET EXTENSION / SET PRIORITY: where the dialplan goes on once the AGI returns.
     * A priority is stored one lower (ast_explicit_goto in the pbx loop) because the loop adds one.
     */
    public void agiSetLocation(Channel ch, String context, String exten, Integer priority) {
        ch.location(context != null ? context : ch.context(), exten != null ? exten : ch.exten(),
            priority != null ? priority - 1 : ch.priority());
    }

    /** AGI ANSWER. */
    public void answerChannel(Channel ch) {
        answer(ch);
    }

    public void agiExecStart(Channel ch, int commandId, String command) {
        publish(Events.agiExecStart(ch, commandId, command));
    }

    public void agiExecEnd(Channel ch, int commandId, String command, int resultCode, String result) {
        publish(Events.agiExecEnd(ch, commandId, command, resultCode, result));
    }

    /**
     * AGI HANGUP on its own channel: ast_softhangup(EXPLICIT) publishes SoftHangupRequest with the flag
     * value 32; the channel is torn down when the AGI returns.
     */
    public void agiHangupSelf(Channel ch) {
        publish(Events.softHangupRequest(ch, 32));
        ch.hangupRequested(true);
    }

    /**
     * Runs an application for AGI's EXEC. Returns null when there is no such application; otherwise a
     * handle that interrupts it when the channel hangs up. {@code done} receives the application's result.
     */
    public Runnable execApplication(Channel ch, String appName, String data, java.util.function.IntConsumer done) {
        Application app = applications.find(appName);
        if (app == null || appName.equalsIgnoreCase("AGI")) {
            return null;
        }
        String previousApp = ch.application();
        String previousData = ch.appData();
        ch.application(appName, data);
        AppCall call = new AppCall(this, ch, data, c -> {
            ch.application(previousApp, previousData);
            done.accept(c.result());
        });
        AppExecution exec = app.start(call);
        call.markStarted();
        if (call.finished()) {
            ch.application(previousApp, previousData);
            done.accept(call.result());
            return () -> { };
        }
        return exec::hangup;
    }

    // ------------------------------------------------------------------ entry points used by the facade

    /** Places a simulated inbound call; see {@link InboundCall}. */
    public InboundCall placeInboundCall(InboundCall.Spec spec) {
        InboundCall call = new InboundCall(this, spec);
        call.start();
        return call;
    }

    /** AMI Originate. */
    public void originate(OriginateRequest request, Originator.Listener listener) {
        new Originator(this, request, listener).start();
    }

    /** Callers waiting in a queue, first in line first. */
    public List<QueuedCaller> queuedCallers(CallQueue queue) {
        List<QueuedCaller> out = new ArrayList<>();
        int pos = 1;
        long now = clock.nowMicros();
        for (Object o : queue.callers()) {
            QueueApp app = (QueueApp) o;
            out.add(new QueuedCaller(pos++, app.caller(), (now - app.joinedMicros()) / 1_000_000));
        }
        return out;
    }

    /** QueuePause: pauses or unpauses an interface in one queue (or all); false if it is in none. */
    public boolean pauseMember(String queueName, String iface, boolean paused, String reason) {
        boolean found = false;
        for (CallQueue q : queues.values()) {
            if (queueName != null && !queueName.isEmpty() && !q.name().equals(queueName)) {
                continue;
            }
            io.switchboard.simulator.queue.QueueMember m = q.member(iface);
            if (m == null) {
                continue;
            }
            found = true;
            m.pause(paused, reason, clock.nowEpochSeconds());
            publish(queueEngine.memberStatus(q, m).renamed("QueueMemberPause"));
        }
        if (found && !paused) {
            queueEngine.kickAll();
        }
        return found;
    }

    public boolean canBridge(Channel c) {
        return ActionBridge.canBridge(c);
    }

    /** AMI Bridge: takes two channels out of what they are doing and bridges them. */
    public void bridge(Channel a, Channel b) {
        new ActionBridge(this, a, b).start();
    }

    /** Attended transfers in their consultation, by the transferring channel. */
    Map<Channel, AttendedTransfer> consultations() {
        return consultations;
    }

    /** AMI CancelAtxfer: false when the channel is not consulting in an attended transfer. */
    public boolean cancelAttendedTransfer(Channel transferer) {
        AttendedTransfer transfer = consultations.get(transferer);
        if (transfer == null && transferer.localPeer() != null) {
            transfer = consultations.get(transferer.localPeer());
        }
        if (transfer == null) {
            return false;
        }
        transfer.cancel();
        return true;
    }

    /** AMI Atxfer on a bridged channel. */
    public boolean attendedTransfer(Channel transferer, String exten, String context) {
        return AttendedTransfer.start(this, transferer, exten, context);
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return String.valueOf(ms / 1000);
        }
        String s = String.format(Locale.ROOT, "%.3f", ms / 1000.0);
        return s.replaceAll("0+$", "");
    }

    static Duration parseSeconds(String text, Duration dflt) {
        if (text == null || text.isBlank()) {
            return dflt;
        }
        try {
            double s = Double.parseDouble(text.trim());
            return s <= 0 ? Duration.ZERO : Duration.ofMillis(Math.round(s * 1000));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /** Sends a message to the simulator log; used where Asterisk would write a WARNING to its console. */
    static void warn(String format, Object... args) {
        LOG.warn(format, args);
    }
}
