package io.switchboard.routing;

import java.util.Locale;

/** The media an interaction arrives on. */
public enum Channel {
    VOICE, CHAT, EMAIL, CALLBACK;

    /** The capacity an interaction uses up: a callback is a phone call, so it takes voice capacity. */
    public Channel capacityChannel() {
        return this == CALLBACK ? VOICE : this;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Channel parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("channel must be one of voice, chat, email, callback: " + value);
        }
    }
}
