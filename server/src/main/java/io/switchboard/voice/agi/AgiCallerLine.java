package io.switchboard.voice.agi;

import io.switchboard.voice.LineText;
import io.switchboard.voice.ivr.CallerLine;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;

/** The IVR's view of a FastAGI channel. Runs on the call's virtual thread; AGI calls block it. */
final class AgiCallerLine implements CallerLine {
    private static final String DTMF = "0123456789*#";

    private final AgiChannel channel;
    private boolean hungUp;

    AgiCallerLine(AgiChannel channel) {
        this.channel = channel;
    }

    @Override
    public String play(String prompt) {
        try {
            char key = channel.streamFile(LineText.require("prompt", prompt), DTMF);
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
            String digits = channel.getData(LineText.require("prompt", prompt), timeoutSeconds * 1000L, maxDigits);
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

    @Override
    public void setVariable(String name, String value) {
        try {
            channel.setVariable(LineText.require("variable", name), LineText.require("value", value));
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
}
