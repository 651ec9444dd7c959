package io.switchboard.simulator;

import io.switchboard.simulator.agi.AgiTranscript;
import io.switchboard.simulator.pbx.CallerInput;
import io.switchboard.simulator.pbx.InboundCall;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A handle on a placed inbound call, usable from any thread. The call is a Local channel pair:
 * {@link #callerChannel()} ({@code ;1}) is the caller, {@link #agiChannel()} ({@code ;2}) runs the
 * dialplan and the FastAGI session; either can be redirected.
 */
public final class SimulatedCall {

    private final SimulatedAsterisk sim;
    private final InboundCall call;
    private final String callerChannel;
    private final String agiChannel;
    private final String uniqueid;
    private final String linkedid;
    private final String agiUniqueid;

    SimulatedCall(SimulatedAsterisk sim, InboundCall call) {
        this.sim = sim;
        this.call = call;
        this.callerChannel = call.callerChannel() == null ? null : call.callerChannel().name();
        this.agiChannel = call.dialplanChannel() == null ? null : call.dialplanChannel().name();
        this.uniqueid = call.callerChannel() == null ? null : call.callerChannel().uniqueid();
        this.linkedid = call.callerChannel() == null ? null : call.callerChannel().linkedid();
        this.agiUniqueid = call.dialplanChannel() == null ? null : call.dialplanChannel().uniqueid();
    }

    /** {@code Local/<dnid>@from-pstn-XXXXXXXX;1}: the caller's half. */
    public String callerChannel() {
        return callerChannel;
    }

    /** {@code Local/<dnid>@from-pstn-XXXXXXXX;2}: the half running NoOp/Answer/AGI/Wait (agi_channel). */
    public String agiChannel() {
        return agiChannel;
    }

    /** Uniqueid of the caller's half (also the call's Linkedid). */
    public String uniqueid() {
        return uniqueid;
    }

    public String linkedid() {
        return linkedid;
    }

    /** Uniqueid of the AGI half (agi_uniqueid). */
    public String agiUniqueid() {
        return agiUniqueid;
    }

    /** The caller hangs up now (cause as in the spec, 16 by default). */
    public void hangUp() {
        sim.onEngine(() -> {
            call.hangUp();
            return null;
        });
    }

    /** Adds what the caller does at a later IVR wait. */
    public void queueInput(CallerInput input) {
        sim.onEngine(() -> {
            call.queueInput(input);
            return null;
        });
    }

    public boolean isConnected() {
        return sim.onEngine(call::isConnected);
    }

    public boolean isEnded() {
        return call.ended().isDone();
    }

    /** Waits (real time) until both channels of the call are gone. */
    public void awaitEnded(Duration timeout) throws TimeoutException, InterruptedException {
        try {
            call.ended().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The FastAGI session of this call, once it started, or null. */
    public AgiTranscript agiTranscript() {
        return sim.agiTranscripts().stream().filter(t -> t.channel().equals(agiChannel)).findFirst().orElse(null);
    }

    /** Every AGI session of this call so far, in order (the dialplan may run AGI more than once). */
    public java.util.List<AgiTranscript> agiTranscripts() {
        return sim.agiTranscripts().stream().filter(t -> t.channel().equals(agiChannel)).toList();
    }

    /** The AGI conversation of every session of this call, one after the other. */
    public String agiText() {
        StringBuilder text = new StringBuilder();
        agiTranscripts().forEach(t -> text.append(t.format()).append('\n'));
        return text.toString();
    }

    /** Waits until this call's FastAGI session exists and the script closed it. */
    public AgiTranscript awaitAgiSessionClosed(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        AgiTranscript t;
        while ((t = agiTranscript()) == null) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("no FastAGI session for " + agiChannel);
            }
            Thread.sleep(5);
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (!t.awaitClosed(Math.max(1, left))) {
            throw new TimeoutException("FastAGI session of " + agiChannel + " still open");
        }
        return t;
    }

    @Override
    public String toString() {
        return "SimulatedCall[" + callerChannel + ", " + uniqueid + "]";
    }
}
