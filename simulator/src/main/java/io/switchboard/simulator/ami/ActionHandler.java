package io.switchboard.simulator.ami;

/** Executes one AMI action; it must end by calling one of the terminal methods of {@link ActionContext}. */
@FunctionalInterface
interface ActionHandler {
    void handle(ActionContext ctx);
}
