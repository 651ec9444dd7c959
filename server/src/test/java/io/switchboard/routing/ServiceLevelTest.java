package io.switchboard.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ServiceLevelTest {
    // 100 offered: 80 answered (60 within T), 20 abandoned (5 short, 8 within T), plus 10 overflowed (4 within T)
    private final OutcomeCounts counts = new OutcomeCounts(80, 60, 20, 5, 8, 10, 4);

    @Test
    void everyFormulaFollowsItsDocumentedEquation() {
        assertEquals(60.0 / 80, ServiceLevelFormula.ANSWERED_OF_ANSWERED.apply(counts).value());
        assertEquals(68.0 / 100, ServiceLevelFormula.ANSWERED_OR_ABANDONED_WITHIN.apply(counts).value());
        assertEquals(60.0 / 100, ServiceLevelFormula.ANSWERED_OF_OFFERED.apply(counts).value());
        assertEquals(60.0 / 95, ServiceLevelFormula.ANSWERED_OF_OFFERED_EXCLUDING_SHORT.apply(counts).value());
        assertEquals(60.0 / 92, ServiceLevelFormula.ANSWERED_OF_OFFERED_EXCLUDING_ABANDONED_WITHIN.apply(counts).value());
        assertEquals(60.0 / 110, ServiceLevelFormula.ANSWERED_OF_OFFERED_AND_OVERFLOWED.apply(counts).value());
        assertEquals(72.0 / 110, ServiceLevelFormula.REMOVED_WITHIN.apply(counts).value());
        assertEquals(0.2, counts.abandonRate());
        assertEquals(Double.NaN, ServiceLevelFormula.DEFAULT.apply(OutcomeCounts.NONE).value());
    }

    @Test
    void erlangCMatchesTheTextbook() {
        // 100 calls per half hour, 3-minute handle time: 10 erlangs
        double rate = 100 / 1800.0;
        assertEquals(10.0, ErlangC.traffic(rate, 180), 1e-9);
        assertEquals(0.6821, ErlangC.probabilityOfWaiting(10, 11), 1e-4);
        assertEquals(0.7956, ErlangC.serviceLevel(rate, 180, 13, 20), 1e-4);
        assertEquals(0.8884, ErlangC.serviceLevel(rate, 180, 14, 20), 1e-4);
        assertEquals(14, ErlangC.agentsNeeded(rate, 180, 20, 0.8), "13 agents give 79.6 %, 14 give 88.8 %");
        assertEquals(0.0, ErlangC.serviceLevel(rate, 180, 10, 20), "10 agents cannot carry 10 erlangs");
        assertEquals(0, ErlangC.agentsNeeded(0, 180, 20, 0.8));
    }
}
