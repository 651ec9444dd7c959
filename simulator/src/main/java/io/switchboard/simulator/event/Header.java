package io.switchboard.simulator.event;

/** One {@code Name: value} line of an AMI frame. Order matters on the wire, so frames keep lists of these. */
public record Header(String name, String value) {
    public Header {
        if (name == null) {
            throw new IllegalArgumentException("header name is null");
        }
        value = value == null ? "" : value;
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
