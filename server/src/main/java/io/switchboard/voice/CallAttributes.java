package io.switchboard.voice;

import io.vertx.core.json.JsonObject;

/**
 * The call's link to Asterisk (channel, unique id, which Asterisk) that the voice channel keeps in a voice
 * interaction's attributes: every call control acts on the channel it names, so nothing else may write it.
 */
public final class CallAttributes {
    /** The attribute's name. */
    public static final String KEY = "voice";

    private CallAttributes() {
    }

    /** The link, from an interaction or an offer event; null when absent or not an object (no call to act on). */
    static JsonObject of(JsonObject interaction) {
        return interaction.getValue("attributes") instanceof JsonObject attributes
                && attributes.getValue(KEY) instanceof JsonObject voice ? voice : null;
    }
}
