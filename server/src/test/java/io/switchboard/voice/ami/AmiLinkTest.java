package io.switchboard.voice.ami;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AmiLinkTest {

    @Test
    void reconnectDelaysDoubleUpToTheCapWithJitter() {
        long[] ceilings = {500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000};
        for (int failures = 1; failures <= ceilings.length; failures++) {
            long ceiling = ceilings[failures - 1];
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < 2_000; i++) {
                long delay = AmiLink.delayMillis(failures);
                min = Math.min(min, delay);
                max = Math.max(max, delay);
            }
            assertTrue(min >= ceiling / 2 && max <= ceiling, failures + ": " + min + ".." + max);
            assertTrue(max - min > ceiling / 4, "jittered: " + min + ".." + max);
        }
        assertTrue(AmiLink.delayMillis(1_000) <= AmiLink.MAX_RETRY_MILLIS, "no overflow after many failures");
    }
}
