package io.switchboard.simulator.pbx;

/** The driver of an outgoing leg that a Dial or Queue bridged: knows who owns the bridge. */
interface BridgedLeg {
    BridgeOwner owner();
}
