package io.switchboard.simulator.traffic;

import io.switchboard.simulator.CallSpec;
import io.switchboard.simulator.time.ManualSimClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrafficGeneratorTest {

    private static List<CallSpec> run(long seed, TrafficProfile profile, Duration span) {
        ManualSimClock clock = new ManualSimClock(0);
        List<CallSpec> calls = new ArrayList<>();
        TrafficGenerator g = new TrafficGenerator(clock, profile, seed, calls::add);
        g.start();
        clock.advance(span);
        g.stop();
        return calls;
    }

    @Test
    void arrivalsFollowTheRate() {
        List<CallSpec> calls = run(7, TrafficProfile.defaults().withCallsPerMinute(20), Duration.ofHours(10));
        // 20 per minute for 600 minutes: 12000 expected, Poisson spread about 110.
        assertTrue(Math.abs(calls.size() - 12_000) < 500, "calls: " + calls.size());
    }

    @Test
    void sameSeedSameTraffic() {
        TrafficProfile p = TrafficProfile.defaults().withCallsPerMinute(30);
        List<String> a = run(42, p, Duration.ofMinutes(30)).stream().map(c -> c.callerIdNum() + c.callerIdName() + c.patience()).toList();
        List<String> b = run(42, p, Duration.ofMinutes(30)).stream().map(c -> c.callerIdNum() + c.callerIdName() + c.patience()).toList();
        List<String> c = run(43, p, Duration.ofMinutes(30)).stream().map(x -> x.callerIdNum()).toList();
        assertEquals(a, b);
        assertTrue(!a.isEmpty() && !a.equals(c));
    }

    @Test
    void dtmfChoicesFollowTheirWeights() {
        WeightedChoice<String> menu = new WeightedChoice<String>().add("1", 80).add("2", 20);
        List<CallSpec> calls = run(3, TrafficProfile.defaults().withCallsPerMinute(60).withDtmf(menu), Duration.ofHours(5));
        Map<String, Integer> counts = new HashMap<>();
        calls.forEach(c -> counts.merge(c.script().inputs().get(0).digits(), 1, Integer::sum));
        double share = counts.getOrDefault("1", 0) / (double) calls.size();
        assertTrue(share > 0.75 && share < 0.85, "share of '1': " + share);
    }

    @Test
    void maxCallsStopsTheGenerator() {
        List<CallSpec> calls = run(1, TrafficProfile.defaults().withCallsPerMinute(120).withMaxCalls(5), Duration.ofHours(1));
        assertEquals(5, calls.size());
    }

    @Test
    void distributionsHaveTheirMeans() {
        java.util.Random r = new java.util.Random(5);
        Distribution exp = Distribution.exponential(Duration.ofSeconds(10));
        double mean = 0;
        for (int i = 0; i < 20_000; i++) {
            mean += exp.sample(r).toMillis();
        }
        mean /= 20_000;
        assertTrue(Math.abs(mean - 10_000) < 400, "mean " + mean);
        Duration u = Distribution.uniform(Duration.ofSeconds(1), Duration.ofSeconds(2)).sample(r);
        assertTrue(u.toMillis() >= 1000 && u.toMillis() <= 2000);
        assertEquals(WeightedChoice.parse("1:50,2:30").pick(new java.util.Random(1)).length(), 1);
    }
}
