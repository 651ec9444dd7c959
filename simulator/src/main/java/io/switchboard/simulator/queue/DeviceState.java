package io.switchboard.simulator.queue;

/** enum ast_device_state: the number app_queue prints as a member's Status, and the DeviceStateChange text. */
public enum DeviceState {
    UNKNOWN(0, "UNKNOWN"),
    NOT_INUSE(1, "NOT_INUSE"),
    INUSE(2, "INUSE"),
    BUSY(3, "BUSY"),
    INVALID(4, "INVALID"),
    UNAVAILABLE(5, "UNAVAILABLE"),
    RINGING(6, "RINGING"),
    RINGINUSE(7, "RINGINUSE"),
    ONHOLD(8, "ONHOLD");

    private final int code;
    private final String text;

    DeviceState(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }
}
