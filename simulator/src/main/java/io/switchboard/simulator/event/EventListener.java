package io.switchboard.simulator.event;

/** Receives every manager event the simulated Asterisk publishes, on the engine thread, in order. */
@FunctionalInterface
public interface EventListener {
    void onEvent(ManagerEvent event);
}
