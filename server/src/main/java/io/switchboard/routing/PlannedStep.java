package io.switchboard.routing;

/** One step of an interaction's route, as stored with it. timeoutSeconds 0 = no timeout. */
public record PlannedStep(String pool, String queue, int priority, long timeoutSeconds) {
}
