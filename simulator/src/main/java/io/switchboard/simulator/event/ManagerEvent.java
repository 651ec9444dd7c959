package io.switchboard.simulator.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An AMI event as Asterisk publishes it: {@code Event:} and {@code Privilege:} first, then the body headers
 * in Asterisk's order. The publication time is kept so that {@code timestampevents = yes} can add the
 * {@code Timestamp:} header (right after Privilege, as manager.c does) when the frame is written.
 */
public final class ManagerEvent {

    private final String name;
    private final EventCategory category;
    private final List<Header> body;
    private final long timestampMicros;

    private ManagerEvent(String name, EventCategory category, List<Header> body, long timestampMicros) {
        this.name = name;
        this.category = category;
        this.body = Collections.unmodifiableList(body);
        this.timestampMicros = timestampMicros;
    }

    public static Builder builder(String name, EventCategory category) {
        return new Builder(name, category);
    }

    public String name() {
        return name;
    }

    public EventCategory category() {
        return category;
    }

    /** Headers after Event/Privilege. */
    public List<Header> body() {
        return body;
    }

    public long timestampMicros() {
        return timestampMicros;
    }

    /** First value of a body header (case-insensitive), or null. */
    public String get(String header) {
        for (Header h : body) {
            if (h.name().equalsIgnoreCase(header)) {
                return h.value();
            }
        }
        return null;
    }

    /** All headers as they go on the wire, including Event and Privilege (and Timestamp when asked). */
    public List<Header> frame(boolean withTimestamp) {
        List<Header> all = new ArrayList<>(body.size() + 3);
        all.add(new Header("Event", name));
        all.add(new Header("Privilege", category.privilege()));
        if (withTimestamp) {
            all.add(new Header("Timestamp", String.format("%d.%06d", timestampMicros / 1_000_000, timestampMicros % 1_000_000)));
        }
        all.addAll(body);
        return all;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Event: ").append(name);
        for (Header h : body) {
            sb.append(", ").append(h);
        }
        return sb.toString();
    }

    public static final class Builder {
        private String name;
        private final EventCategory category;
        private final List<Header> body = new ArrayList<>();
        private long timestampMicros;

        private Builder(String name, EventCategory category) {
            this.name = name;
            this.category = category;
        }

        public Builder header(String headerName, Object value) {
            body.add(new Header(headerName, value == null ? "" : String.valueOf(value)));
            return this;
        }

        public Builder headers(List<Header> headers) {
            body.addAll(headers);
            return this;
        }

        /** Same headers under another event name (QueueMemberPause has QueueMemberStatus's shape). */
        public Builder renamed(String newName) {
            this.name = newName;
            return this;
        }

        public Builder timestamp(long micros) {
            this.timestampMicros = micros;
            return this;
        }

        public ManagerEvent build() {
            return new ManagerEvent(name, category, new ArrayList<>(body), timestampMicros);
        }
    }
}
