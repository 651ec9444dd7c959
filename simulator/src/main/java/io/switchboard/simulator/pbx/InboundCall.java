package io.switchboard.simulator.pbx;

import io.switchboard.simulator.time.Cancellable;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A simulated caller dialing in from the PSTN. Modeled exactly as the capture produced scenario 1: a Local
 * channel {@code Local/<dnid>@from-pstn} whose {@code ;1} half is the caller (holding the line, no
 * dialplan) and whose {@code ;2} half runs the from-pstn dialplan (NoOp, Answer, AGI, Wait(3600)).
 *
 * <p>The caller presses keys per its script when the IVR listens, and gives up after its patience while
 * nobody talks to them (abandon: the caller's half hangs up with cause 16, the shape of scenario 3).
 */
public final class InboundCall implements CallerBehavior {

    /**
     * @param patience    how long the caller waits for a person before hanging up; null waits forever
     * @param hangupCause the cause the caller's hangup carries (16, Normal Clearing, like a trunk's BYE)
     */
    public record Spec(String callerIdNum, String callerIdName, String exten, String context,
                       List<CallerInput> script, Duration patience, int hangupCause) {
    }

    private final Pbx pbx;
    private final Spec spec;
    private final Deque<CallerInput> script;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private LocalPair pair;
    private TimedApp holding;
    private Cancellable patienceTimer = Cancellable.NONE;
    private boolean connected;
    private boolean hungUp;

    InboundCall(Pbx pbx, Spec spec) {
        this.pbx = pbx;
        this.spec = spec;
        this.script = new ArrayDeque<>(spec.script() == null ? List.of() : spec.script());
    }

    void start() {
        String holdData = spec.patience() == null ? "3600" : Pbx.seconds(spec.patience());
        OriginateRequest req = new OriginateRequest("Local/" + spec.exten() + "@" + spec.context(), "Wait", holdData,
            null, null, 1, spec.callerIdNum(), spec.callerIdName(), null, null, null, null, false, null, null);
        Application hold = call -> holding = TimedApp.run(call, null);
        Originator originator = new Originator(pbx, req, null)
            .applicationOverride(hold)
            .onPair(p -> {
                pair = p;
                p.one().caller(this);
                p.two().caller(this);
            });
        originator.start();
        if (pair == null) {
            ended.complete(null);
            return;
        }
        if (spec.patience() != null) {
            patienceTimer = pbx.clock().schedule(spec.patience(), () -> {
                if (!connected) {
                    hangUp();
                }
            });
        }
    }

    public Spec spec() {
        return spec;
    }

    /** The caller's half ({@code ;1}). */
    public Channel callerChannel() {
        return pair == null ? null : pair.one();
    }

    /** The half that runs the dialplan and the AGI ({@code ;2}). */
    public Channel dialplanChannel() {
        return pair == null ? null : pair.two();
    }

    public CompletableFuture<Void> ended() {
        return ended;
    }

    /** Whether someone (an agent) has talked to the caller. */
    public boolean isConnected() {
        return connected;
    }

    public boolean isHungUp() {
        return hungUp;
    }

    @Override
    public CallerInput nextInput() {
        CallerInput next = script.poll();
        return next == null ? CallerInput.silence() : next;
    }

    /** Adds key presses (or a hangup) for the IVR's next waits. */
    public void queueInput(CallerInput input) {
        script.add(input);
    }

    @Override
    public void hangUp() {
        if (hungUp || pair == null) {
            return;
        }
        hungUp = true;
        patienceTimer.cancel();
        Channel one = pair.one();
        Channel leg = one.alive() ? one : pair.two();
        if (!leg.alive()) {
            return;
        }
        if (leg == one && holding != null && one.driver() instanceof AppOnlyRunner) {
            // The caller's half just holds the line: it ends like a finished Wait, cause as set.
            one.hangupCause(spec.hangupCause());
            holding.complete();
        } else {
            pbx.remoteHangup(leg, spec.hangupCause());
        }
    }

    @Override
    public void connected() {
        connected = true;
        patienceTimer.cancel();
    }

    @Override
    public void channelGone(Channel channel) {
        if (pair != null && pair.bothDestroyed()) {
            patienceTimer.cancel();
            ended.complete(null);
        }
    }
}
