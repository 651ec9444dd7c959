package io.switchboard.simulator.traffic;

import java.time.Duration;
import java.util.List;

/**
 * What the generated traffic looks like. Callers arrive as a Poisson process; each dials one of the
 * numbers, presses one of the DTMF choices (by weight) when the IVR asks, and hangs up after its patience
 * unless an agent talks to it first. Agent phones answer after a random delay (or not at all) and talk
 * for a random time.
 */
public record TrafficProfile(
    double callsPerMinute,
    List<String> dialedNumbers,
    WeightedChoice<String> dtmfChoices,
    Distribution patience,
    Distribution answerDelay,
    double noAnswerProbability,
    Distribution talkTime,
    int maxCalls) {

    /** 20 calls per minute to 8000, pressing 1/2/3, patient for ~60 s; agents answer in ~3 s, talk ~45 s. */
    public static TrafficProfile defaults() {
        return new TrafficProfile(20, List.of("8000"),
            new WeightedChoice<String>().add("1", 50).add("2", 30).add("3", 20),
            Distribution.exponential(Duration.ofSeconds(60)),
            Distribution.uniform(Duration.ofSeconds(1), Duration.ofSeconds(5)),
            0.05,
            Distribution.exponential(Duration.ofSeconds(45)),
            0);
    }

    public TrafficProfile withCallsPerMinute(double value) {
        return new TrafficProfile(value, dialedNumbers, dtmfChoices, patience, answerDelay, noAnswerProbability, talkTime, maxCalls);
    }

    public TrafficProfile withPatience(Distribution value) {
        return new TrafficProfile(callsPerMinute, dialedNumbers, dtmfChoices, value, answerDelay, noAnswerProbability, talkTime, maxCalls);
    }

    public TrafficProfile withAgents(Distribution answer, double noAnswer, Distribution talk) {
        return new TrafficProfile(callsPerMinute, dialedNumbers, dtmfChoices, patience, answer, noAnswer, talk, maxCalls);
    }

    public TrafficProfile withDtmf(WeightedChoice<String> value) {
        return new TrafficProfile(callsPerMinute, dialedNumbers, value, patience, answerDelay, noAnswerProbability, talkTime, maxCalls);
    }

    public TrafficProfile withDialedNumbers(List<String> value) {
        return new TrafficProfile(callsPerMinute, value, dtmfChoices, patience, answerDelay, noAnswerProbability, talkTime, maxCalls);
    }

    /** Stop after this many calls (0: no limit). */
    public TrafficProfile withMaxCalls(int value) {
        return new TrafficProfile(callsPerMinute, dialedNumbers, dtmfChoices, patience, answerDelay, noAnswerProbability, talkTime, value);
    }
}
