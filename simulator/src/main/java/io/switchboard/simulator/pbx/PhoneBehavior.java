package io.switchboard.simulator.pbx;

import java.time.Duration;

/**
 * How a simulated agent phone ({@code Local/<ext>@agents}) behaves when it rings.
 *
 * @param answerDelay time until it picks up; null means it never answers (Dial/Queue time out)
 * @param talkTime    how long the agent talks before hanging up; null keeps the dialplan's
 *                    {@code ${AGENT_TALK}} global (5 s in the captured system)
 */
public record PhoneBehavior(Duration answerDelay, Duration talkTime) {

    public static PhoneBehavior answersAfter(Duration delay, Duration talk) {
        return new PhoneBehavior(delay, talk);
    }

    public static PhoneBehavior immediate() {
        return new PhoneBehavior(Duration.ZERO, null);
    }

    public static PhoneBehavior neverAnswers() {
        return new PhoneBehavior(null, null);
    }

    public boolean answers() {
        return answerDelay != null;
    }
}
