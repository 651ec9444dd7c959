package io.switchboard.simulator.pbx;

/** The simulated person behind a channel: their keypad and their hand on the hook. */
public interface CallerBehavior {

    /** The IVR starts listening for digits; what does the caller do during this wait? */
    CallerInput nextInput();

    /** The caller hangs up now (abandon). */
    void hangUp();

    /** One of the caller's channels entered a bridge: someone is talking to them, patience no longer runs. */
    default void connected() {
    }

    /** One of the caller's channels is gone. */
    default void channelGone(Channel channel) {
    }
}
