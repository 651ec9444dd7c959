package io.switchboard.voice.agi;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.voice.LineText;
import java.time.ZonedDateTime;
import java.util.concurrent.TimeUnit;
import io.switchboard.voice.ivr.CallerLine;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;

/** The IVR's view of a FastAGI channel. Runs on the call's virtual thread; AGI calls block it. */
final class AgiCallerLine implements CallerLine {
    private static final String DTMF = "0123456789*#";

    private final AgiChannel channel;
    private final Timer streamFile;
    private final Timer getData;
    private final Timer setVariable;
    private boolean hungUp;

    AgiCallerLine(AgiChannel channel, MeterRegistry registry) {
        this.channel = channel;
        this.streamFile = commandTimer(registry, "STREAM FILE");
        this.getData = commandTimer(registry, "GET DATA");
        this.setVariable = commandTimer(registry, "SET VARIABLE");
    }

    /** AGI round trips include the prompt's playing time: they show a slow or overloaded Asterisk. */
    private static Timer commandTimer(MeterRegistry registry, String command) {
        return Timer.builder("switchboard_agi_command").description("AGI command round trip (prompt time included)")
                .tag("command", command).publishPercentiles(0.5, 0.99).register(registry);
    }

    @Override
    public String play(String prompt) {
        try {
            long started = System.nanoTime();
            char key = channel.streamFile(LineText.require("prompt", prompt), DTMF);
            streamFile.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            return key == 0 ? null : String.valueOf(key);
        } catch (AgiHangupException e) {
            hungUp = true;
            return null;
        } catch (AgiException e) {
            return null;
        }
    }

    @Override
    public String collect(String prompt, int timeoutSeconds, int maxDigits) {
        try {
            long started = System.nanoTime();
            String digits = channel.getData(LineText.require("prompt", prompt), timeoutSeconds * 1000L, maxDigits);
            getData.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            if (digits == null) {
                return "";
            }
            return digits.chars().allMatch(c -> DTMF.indexOf(c) >= 0) ? digits : "";
        } catch (AgiHangupException e) {
            hungUp = true;
            return null;
        } catch (AgiException e) {
            return "";
        }
    }

    @Override
    public void sayDigits(String digits) {
        try {
            channel.sayDigits(LineText.require("digits", digits));
        } catch (AgiHangupException e) {
            hungUp = true;
        } catch (AgiException e) {
            // a failed prompt is not worth ending the call for
        }
    }

    /** SAY DATETIME in the time's zone: "today" (or the date), then "at" and the hour, as voicemail's envelope says it. */
    @Override
    public void sayDateTime(ZonedDateTime time) {
        try {
            channel.sayDateTime(time.toEpochSecond(), "", "Q 'digits/at' IMp", time.getZone().getId());
        } catch (AgiHangupException e) {
            hungUp = true;
        } catch (AgiException e) {
            // the prompt before it said that we are closed; the time is a courtesy
        }
    }

    @Override
    public void setVariable(String name, String value) {
        try {
            long started = System.nanoTime();
            channel.setVariable(LineText.require("variable", name), LineText.require("value", value));
            setVariable.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        } catch (AgiHangupException e) {
            hungUp = true;
        } catch (AgiException e) {
            // the call goes on without it
        }
    }

    @Override
    public boolean hungUp() {
        return hungUp;
    }

    /**
     * Whether the caller is still on the line. GET DATA answers a hang-up as it answers no input ({@code result=-1}),
     * so a caller who hung up during a menu's last try reads as "no input", which a menu may route to an agent: before
     * handing the call on, ask (CHANNEL STATUS is refused with 511 on a dead channel).
     */
    @Override
    public boolean alive() {
        if (hungUp) {
            return false;
        }
        try {
            channel.getChannelStatus();
            return true;
        } catch (AgiHangupException e) {
            hungUp = true;
            return false;
        } catch (AgiException e) {
            return true; // not a hang-up: the call goes on
        }
    }
}
