package io.switchboard.simulator.pbx;

/** Whoever requested a Local channel pair (Originate, Dial, Queue): told when the far side answers. */
interface PairOwner {

    /** {@code ;2} answered (its Newstate Up is already published); publish the rest of the answer. */
    void onAnswered(LocalPair pair);

    /** One half was destroyed (its Hangup is published). */
    default void onDestroyed(LocalPair pair, Channel half) {
    }

    /** {@code ;2} is about to run its dialplan (the simulated phone picked up, or the context is a plain one). */
    default void beforePbxStart(LocalPair pair) {
    }
}
