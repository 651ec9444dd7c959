package io.switchboard.voice.agi;

import io.switchboard.voice.LineText;
import io.switchboard.voice.VoiceChannel;
import io.switchboard.voice.ivr.IvrOutcome;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code agi://.../inbound}: answers, runs the IVR, and hands a caller who wants an agent to routing.
 * The script then returns and the dialplan holds the caller (Wait or MusicOnHold) until Switchboard
 * redirects the channel to the agent over AMI. Runs on the session's virtual thread.
 */
public final class InboundCallScript implements AgiScript {
    private static final Logger LOG = LoggerFactory.getLogger(InboundCallScript.class);

    private final VoiceChannel voice;

    public InboundCallScript(VoiceChannel voice) {
        this.voice = voice;
    }

    @Override
    public void service(AgiRequest request, AgiChannel channel) throws AgiException {
        if (!LineText.isSafe(request.getChannel()) || !LineText.isSafe(request.getUniqueId())) {
            LOG.warn("AGI session refused: control characters in channel or unique id");
            return;
        }
        long arrived = voice.now();
        channel.answer();
        AgiCallerLine line = new AgiCallerLine(channel, voice.registry());
        VoiceChannel.InboundCall call = new VoiceChannel.InboundCall(request.getChannel(), request.getUniqueId(),
                LineText.clean(request.getCallerIdNumber()), LineText.clean(request.getCallerIdName()),
                request.getRemoteAddress() == null ? "" : request.getRemoteAddress().getHostAddress(), arrived);
        IvrOutcome outcome;
        String interactionId;
        try {
            outcome = voice.runIvr(call, line);
            interactionId = voice.afterIvr(call, outcome);
        } catch (RuntimeException e) {
            // Redis too slow, rules that cannot route the call: goodbye rather than hold music for ever
            LOG.error("call {} not handed to routing: {}", request.getUniqueId(), e.getMessage());
            voice.ivrFailures().increment();
            if (!line.hungUp()) {
                line.play(voice.goodbyePrompt());
                channel.hangup();
            }
            return;
        }
        boolean waits = outcome.kind() == IvrOutcome.Kind.AGENT && interactionId != null;
        if (waits && (line.hungUp() || !line.alive())) {
            voice.leftBeforeHold(call, interactionId);
            return;
        }
        if (line.hungUp()) {
            return;
        }
        if (waits) {
            line.setVariable("SB_INTERACTION", interactionId);
            line.play(voice.holdPrompt());
        } else {
            // served by self-service, or promised a callback (said so, as on the hold line): the call ends here
            if (outcome.kind() == IvrOutcome.Kind.CALLBACK) {
                line.play(HoldScript.CALLBACK_CONFIRMED_PROMPT);
            }
            channel.hangup();
        }
    }
}
