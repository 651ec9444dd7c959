package io.switchboard.simulator.wire;

import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Splits a TCP byte stream into lines the way Asterisk reads AMI and AGI: a line ends at {@code \n}, a
 * {@code \r} before it is dropped, and a line that grows past the limit without a terminator is thrown away
 * (Asterisk keeps a 1 KiB buffer and logs "Line too long").
 *
 * <p>Not Vert.x's RecordParser: with a size limit it only raises an exception and keeps the oversized
 * record, and without one a client that never sends a newline grows the buffer without bound. Here the
 * excess is discarded up to the next newline and the reader is told once, so it can answer as Asterisk
 * does and keep serving.
 */
public final class LineFramer {

    /** What the framer found. */
    public interface Listener {
        void onLine(String line);

        /** A line exceeded the limit; its bytes up to the next newline are dropped. */
        void onLineTooLong();
    }

    private final int maxLineBytes;
    private final Listener listener;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);
    private boolean discarding;

    /** @param maxLineBytes longest line accepted, terminator included */
    public LineFramer(int maxLineBytes, Listener listener) {
        this.maxLineBytes = maxLineBytes;
        this.listener = listener;
    }

    public void feed(Buffer data) {
        byte[] bytes = data.getBytes();
        for (byte b : bytes) {
            if (b == '\n') {
                if (discarding) {
                    discarding = false;
                } else {
                    emit();
                }
                pending.reset();
                continue;
            }
            if (discarding) {
                continue;
            }
            pending.write(b);
            if (pending.size() >= maxLineBytes) {
                pending.reset();
                discarding = true;
                listener.onLineTooLong();
            }
        }
    }

    private void emit() {
        byte[] line = pending.toByteArray();
        int len = line.length;
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        listener.onLine(new String(line, 0, len, StandardCharsets.UTF_8));
    }
}
