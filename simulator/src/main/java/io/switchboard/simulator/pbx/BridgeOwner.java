package io.switchboard.simulator.pbx;

/** An application that bridged a caller with an outgoing leg and tears that bridge down (Dial, Queue). */
interface BridgeOwner {

    /**
     * An attended transfer completed: {@code replacement} (whose Local pair is {@code pair}) takes the
     * place of {@code old} in the bridge. Returns false if this owner cannot do that now.
     */
    boolean replaceLeg(Channel old, Channel replacement, LocalPair pair);
}
