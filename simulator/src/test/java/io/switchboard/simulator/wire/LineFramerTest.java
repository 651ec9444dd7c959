package io.switchboard.simulator.wire;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LineFramerTest {

    private final List<String> lines = new ArrayList<>();
    private int tooLong;
    private final LineFramer framer = new LineFramer(16, new LineFramer.Listener() {
        @Override
        public void onLine(String line) {
            lines.add(line);
        }

        @Override
        public void onLineTooLong() {
            tooLong++;
        }
    });

    @Test
    void splitsOnCrLfAndLfAcrossBuffers() {
        framer.feed(Buffer.buffer("Action: Pi"));
        framer.feed(Buffer.buffer("ng\r\nActionID: 1\n\r\n"));
        assertEquals(List.of("Action: Ping", "ActionID: 1", ""), lines);
    }

    @Test
    void discardsAnOverlongLineUpToItsEndAndCarriesOn() {
        framer.feed(Buffer.buffer("short\r\n" + "x".repeat(100)));
        framer.feed(Buffer.buffer("y".repeat(100) + "\r\nnext\r\n"));
        assertEquals(List.of("short", "next"), lines);
        assertEquals(1, tooLong);
    }
}
