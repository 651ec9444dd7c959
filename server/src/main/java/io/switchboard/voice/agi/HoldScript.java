package io.switchboard.voice.agi;

import io.switchboard.voice.LineText;
import io.switchboard.voice.VoiceChannel;
import io.switchboard.voice.ivr.IvrFlow;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code agi://.../hold}: the hold context runs it on entry and between spells of music on hold. It tells
 * the caller their estimated wait and, when that is over voice.callbackOfferSeconds, offers a callback
 * that keeps their place in line, then the hold menu's options not yet in effect (ivr.yaml holdMenu: a key that
 * sets attributes, e.g. a language, which route the call again); it sets SB_HOLD_SECONDS, how long the dialplan plays music before
 * coming back (empty = until Switchboard redirects the call to an agent). A Redirect to the agent while
 * this runs ends the session (AGI sees it as HANGUP), which is fine: nothing here must finish.
 */
public final class HoldScript implements AgiScript {
    private static final Logger LOG = LoggerFactory.getLogger(HoldScript.class);
    /** Asterisk core sounds: "The estimated hold time is currently" ... "minutes". */
    static final String HOLD_TIME_PROMPT = "queue-holdtime";
    static final String MINUTES_PROMPT = "queue-minutes";
    static final String CALLBACK_OFFER_PROMPT = "switchboard/callback-offer";
    static final String CALLBACK_CONFIRMED_PROMPT = "switchboard/callback-confirmed";
    private static final long CALLBACK_KEY_TIMEOUT_MS = 5_000;

    private final VoiceChannel voice;

    public HoldScript(VoiceChannel voice) {
        this.voice = voice;
    }

    @Override
    public void service(AgiRequest request, AgiChannel channel) throws AgiException {
        if (!LineText.isSafe(request.getUniqueId())) {
            LOG.warn("hold AGI session refused: control characters in the unique id");
            return;
        }
        try {
            VoiceChannel.HoldNotice notice = voice.onHold(request.getUniqueId());
            long every = voice.settings().ewtAnnounce().toSeconds();
            channel.setVariable("SB_HOLD_SECONDS", every > 0 ? Long.toString(every) : "");
            if (notice == null) {
                return; // not waiting as a voice call (offered, or not ours): music until redirected
            }
            if (every > 0 && notice.estimatedWaitSeconds() != null) {
                announce(channel, notice.estimatedWaitSeconds());
            }
            if (notice.offerCallback() && offerCallback(channel, notice.interactionId(), request.getUniqueId())) {
                return;
            }
            if (!notice.holdMenu().isEmpty()) {
                holdMenu(channel, notice);
            }
        } catch (AgiHangupException e) {
            LOG.debug("hold AGI ended by hang-up or redirect of {}", request.getChannel());
        }
    }

    private static void announce(AgiChannel channel, double waitSeconds) throws AgiException {
        channel.streamFile(HOLD_TIME_PROMPT);
        channel.sayNumber(Long.toString(minutes(waitSeconds)));
        channel.streamFile(MINUTES_PROMPT);
    }

    /** Whole minutes, rounded up: a caller told "2 minutes" should not wait 2:50. At least 1. */
    static long minutes(double waitSeconds) {
        return Math.max(1, (long) Math.ceil(waitSeconds / 60));
    }

    /** True when the caller took the callback (and was hung up). */
    private boolean offerCallback(AgiChannel channel, String interactionId, String uniqueId) throws AgiException {
        String key = channel.getData(CALLBACK_OFFER_PROMPT, CALLBACK_KEY_TIMEOUT_MS, 1);
        if (!"1".equals(key)) {
            voice.callbackOffers("declined").increment();
            return false;
        }
        if (!voice.takeCallback(interactionId, uniqueId)) {
            return false;
        }
        channel.streamFile(CALLBACK_CONFIRMED_PROMPT);
        channel.hangup();
        return true;
    }

    /** The in-queue menu (ivr.yaml holdMenu): a key sets attributes, which may route the call again. */
    private void holdMenu(AgiChannel channel, VoiceChannel.HoldNotice notice) throws AgiException {
        IvrFlow.HoldMenu menu = voice.holdMenu();
        String key = channel.getData(menu.prompt(), menu.timeoutSeconds() * 1000L, 1);
        IvrFlow.HoldChoice choice = key == null ? null : notice.holdMenu().get(key);
        if (choice != null && voice.holdMenuChoice(notice.interactionId(), key, choice) && choice.prompt() != null) {
            channel.streamFile(choice.prompt());
        }
    }
}
