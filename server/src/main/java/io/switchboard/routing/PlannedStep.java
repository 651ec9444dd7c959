package io.switchboard.routing;

/**
 * One step of an interaction's route, as stored with it. timeoutSeconds 0 = no timeout; skipIf null = never;
 * offerTimeoutSeconds 0 = the node's reservation timeout (the queue sets none).
 */
public record PlannedStep(String pool, String queue, int priority, long timeoutSeconds, Step.SkipIf skipIf,
                          long offerTimeoutSeconds) {
}
