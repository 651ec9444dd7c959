package io.switchboard.simulator.ami;

import io.switchboard.simulator.event.Header;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Building and encoding AMI frames ({@code Name: value\r\n} lines and an empty line). */
final class Frames {

    private Frames() {
    }

    static Buffer encode(List<Header> frame) {
        StringBuilder sb = new StringBuilder(frame.size() * 32);
        for (Header h : frame) {
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        sb.append("\r\n");
        return Buffer.buffer(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** astman_send_response_full(): Response, ActionID, EventList, Message, in that order. */
    static List<Header> response(AmiMessage m, String response, String message, String listFlag) {
        List<Header> f = new ArrayList<>();
        f.add(new Header("Response", response));
        String id = m == null ? null : m.actionId();
        if (id != null && !id.isEmpty()) {
            f.add(new Header("ActionID", id));
        }
        if (listFlag != null) {
            f.add(new Header("EventList", listFlag));
        }
        if (message != null) {
            f.add(new Header("Message", message));
        }
        return f;
    }

    static List<Header> success(AmiMessage m, String message) {
        return response(m, "Success", message, null);
    }

    static List<Header> error(AmiMessage m, String message) {
        return response(m, "Error", message, null);
    }

    static List<Header> listStart(AmiMessage m, String message) {
        return response(m, "Success", message, "start");
    }

    /** astman_start_ack(): Response and ActionID; the caller appends its own headers. */
    static List<Header> startAck(AmiMessage m) {
        return response(m, "Success", null, null);
    }

    /** An event-list item or completion frame that carries the ActionID right after the Event line. */
    static FrameBuilder event(String name, AmiMessage m) {
        FrameBuilder b = new FrameBuilder().add("Event", name);
        String id = m.actionId();
        if (id != null && !id.isEmpty()) {
            b.add("ActionID", id);
        }
        return b;
    }

    /** A frame in whatever order the caller adds headers. */
    static final class FrameBuilder {
        private final List<Header> headers = new ArrayList<>();

        FrameBuilder add(String name, Object value) {
            headers.add(new Header(name, value == null ? "" : String.valueOf(value)));
            return this;
        }

        FrameBuilder addAll(List<Header> more) {
            headers.addAll(more);
            return this;
        }

        /** Adds the ActionID (if the action had one) at this position. */
        FrameBuilder actionId(AmiMessage m) {
            String id = m.actionId();
            if (id != null && !id.isEmpty()) {
                add("ActionID", id);
            }
            return this;
        }

        List<Header> build() {
            return List.copyOf(headers);
        }
    }
}
