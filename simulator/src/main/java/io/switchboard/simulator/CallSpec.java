package io.switchboard.simulator;

import io.switchboard.simulator.pbx.HangupCause;
import io.switchboard.simulator.pbx.InboundCall;

import java.time.Duration;

/**
 * An inbound call to place: who calls, which number they dialed, what they press and how long they wait
 * for a person. Defaults: the capture's caller ("Ann Caller" 15551230001) dialing 8000 into from-pstn,
 * silent, with unlimited patience.
 */
public final class CallSpec {

    private String callerIdNum = "15551230001";
    private String callerIdName = "Ann Caller";
    private String dialedNumber = "8000";
    private String context = "from-pstn";
    private CallerScript script = CallerScript.silent();
    private Duration patience;
    private int hangupCause = HangupCause.NORMAL_CLEARING;

    public static CallSpec create() {
        return new CallSpec();
    }

    public CallSpec from(String number, String name) {
        this.callerIdNum = number;
        this.callerIdName = name;
        return this;
    }

    /** The number the caller dialed (DNID), which becomes the extension in from-pstn. */
    public CallSpec dialing(String number) {
        this.dialedNumber = number;
        return this;
    }

    public CallSpec context(String value) {
        this.context = value;
        return this;
    }

    public CallSpec script(CallerScript value) {
        this.script = value;
        return this;
    }

    /** The caller hangs up after this long unless an agent talks to them first (abandon). */
    public CallSpec patience(Duration value) {
        this.patience = value;
        return this;
    }

    /** Cause carried by the caller's own hangup (default 16, Normal Clearing). */
    public CallSpec hangupCause(int value) {
        this.hangupCause = value;
        return this;
    }

    public String callerIdNum() {
        return callerIdNum;
    }

    public String callerIdName() {
        return callerIdName;
    }

    public String dialedNumber() {
        return dialedNumber;
    }

    public String context() {
        return context;
    }

    public CallerScript script() {
        return script;
    }

    public Duration patience() {
        return patience;
    }

    public int hangupCause() {
        return hangupCause;
    }

    InboundCall.Spec toSpec() {
        return new InboundCall.Spec(callerIdNum, callerIdName, dialedNumber, context, script.inputs(), patience, hangupCause);
    }
}
