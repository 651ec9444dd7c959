package io.switchboard.simulator.pbx;

import io.switchboard.simulator.event.EventCategory;
import io.switchboard.simulator.event.ManagerEvent;
import io.switchboard.simulator.queue.DeviceState;
import io.switchboard.simulator.time.Cancellable;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Originate of a Local channel, as in the capture's scenarios: both halves are created, the outgoing half
 * ({@code ;1}) gets caller ids and a DialBegin without a calling channel, {@code ;2} runs its dialplan (or
 * the simulated phone rings), and once answered {@code ;1} runs the requested application or dialplan.
 */
public final class Originator implements PairOwner {

    /** Told once whether the originated channel was answered. */
    @FunctionalInterface
    public interface Listener {
        void outcome(boolean answered);
    }

    private final Pbx pbx;
    private final OriginateRequest request;
    private final Listener listener;
    private Application applicationOverride;
    private Consumer<LocalPair> onPair = p -> { };
    private LocalPair pair;
    private Cancellable timeout = Cancellable.NONE;
    private boolean responded;
    private boolean answered;

    Originator(Pbx pbx, OriginateRequest request, Listener listener) {
        this.pbx = pbx;
        this.request = request;
        this.listener = listener == null ? ok -> { } : listener;
    }

    /** Runs this application instance on {@code ;1} instead of looking the named one up (the inbound caller). */
    Originator applicationOverride(Application app) {
        this.applicationOverride = app;
        return this;
    }

    Originator onPair(Consumer<LocalPair> hook) {
        this.onPair = hook;
        return this;
    }

    LocalPair pair() {
        return pair;
    }

    void start() {
        String channel = request.channel();
        if (channel == null || !channel.regionMatches(true, 0, "Local/", 0, 6)) {
            Pbx.warn("Originate: only Local channels are simulated, not {}", channel);
            respond(false, 0);
            return;
        }
        pair = pbx.requestLocal(channel.substring(6), null, this, request.channelId(), request.otherChannelId());
        Channel one = pair.one();
        Channel two = pair.two();
        if (request.account() != null) {
            one.accountCode(request.account());
            two.accountCode(request.account());
        }
        onPair.accept(pair);
        one.application("AppDial2", "(Outgoing Line)");
        pbx.publish(Events.newexten(one, "AppDial2", "(Outgoing Line)"));
        if (request.variables() != null) {
            for (Map.Entry<String, String> v : request.variables().entrySet()) {
                pbx.setVariable(one, v.getKey(), v.getValue());
            }
        }
        if (request.callerIdNum() != null || request.callerIdName() != null) {
            one.callerId(request.callerIdNum(), request.callerIdName());
            pbx.publish(Events.newCallerid(one));
            one.connectedLine(request.callerIdNum(), request.callerIdName());
            pbx.publish(Events.newConnectedLine(one));
            two.callerId(request.callerIdNum(), request.callerIdName());
            two.connectedLine(request.callerIdNum(), request.callerIdName());
            pbx.publish(Events.newCallerid(two));
            pbx.publish(Events.newConnectedLine(two));
        }
        pbx.publish(Events.localBridge(one, two, pair.context(), pair.exten(), pair.optimize()));
        pbx.publish(Events.dialBegin(null, one, pair.dialString()));
        one.driver(new WaitingForAnswer());
        if (request.timeout() != null) {
            timeout = pbx.clock().schedule(request.timeout(), this::noAnswer);
        }
        pbx.ring(pair);
    }

    @Override
    public void beforePbxStart(LocalPair p) {
        // Where the capture shows it: the far side started its dialplan, the originate reports success.
        timeout.cancel();
        respond(true, 4);
    }

    @Override
    public void onAnswered(LocalPair p) {
        Channel one = p.one();
        if (one.destroyed()) {
            return;
        }
        answered = true;
        timeout.cancel();
        respond(true, 4);
        pbx.markUp(one);
        pbx.publish(Events.dialEnd(null, one, "ANSWER"));
        pbx.deviceState(p.device(), DeviceState.INUSE, true);
        pbx.deviceStateQuiet(p.device(), DeviceState.INUSE);
        if (one.hangupRequested()) {
            pbx.destroy(one, false);
            return;
        }
        if (request.application() != null && !request.application().isEmpty()) {
            Application app = applicationOverride != null ? applicationOverride
                : pbx.applications().find(request.application());
            new AppOnlyRunner(pbx, one).start(request.application(), request.data(), app);
        } else {
            new PbxRunner(pbx, one).start(new DialplanLocation(request.context(), request.exten(),
                Math.max(1, request.priority())));
        }
    }

    private void noAnswer() {
        if (answered || pair.one().destroyed()) {
            return;
        }
        Channel one = pair.one();
        pbx.publish(Events.dialEnd(null, one, "NOANSWER"));
        respond(false, 3);
        pbx.destroy(one, false);
    }

    @Override
    public void onDestroyed(LocalPair p, Channel half) {
        if (!answered && half == p.one()) {
            respond(false, 1);
        }
        if (answered && p.bothDestroyed()) {
            pbx.deviceState(p.device(), DeviceState.NOT_INUSE, true);
            pbx.deviceStateQuiet(p.device(), DeviceState.NOT_INUSE);
        }
    }

    /** OriginateResponse (async only) and the outcome for a synchronous Originate. */
    private void respond(boolean success, int reason) {
        if (responded) {
            return;
        }
        responded = true;
        listener.outcome(success);
        if (!request.async()) {
            return;
        }
        ManagerEvent.Builder e = ManagerEvent.builder("OriginateResponse", EventCategory.CALL);
        if (request.actionId() != null) {
            e.header("ActionID", request.actionId());
        }
        e.header("Response", success ? "Success" : "Failure");
        boolean haveChannel = success && pair != null;
        e.header("Channel", haveChannel ? pair.one().name() : request.channel());
        if (request.application() != null && !request.application().isEmpty()) {
            e.header("Application", request.application()).header("Data", request.data());
        } else {
            e.header("Context", request.context()).header("Exten", request.exten());
        }
        e.header("Reason", reason);
        e.header("Uniqueid", haveChannel ? pair.one().uniqueid() : "<null>");
        e.header("CallerIDNum", Events.orUnknown(request.callerIdNum()));
        e.header("CallerIDName", Events.orUnknown(request.callerIdName()));
        pbx.publish(e);
    }

    /** {@code ;1} before the far side answers: hanging it up abandons the originate. */
    private final class WaitingForAnswer implements ChannelDriver {
        @Override
        public void hangupRequested(Channel ch) {
            timeout.cancel();
            pbx.destroy(ch, false);
        }

        @Override
        public void redirect(Channel ch, DialplanLocation target) {
            timeout.cancel();
            respond(true, 4);
            pbx.masqueradeIntoPbx(ch, target);
        }
    }
}
