package io.switchboard.simulator.pbx;

/** A caller waiting in a queue, as QueueStatus lists it. */
public record QueuedCaller(int position, Channel channel, long waitSeconds) {
}
