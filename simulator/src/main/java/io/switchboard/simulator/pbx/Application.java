package io.switchboard.simulator.pbx;

/** A dialplan application (Answer, Wait, Dial, Queue, AGI, ...). */
interface Application {

    /** Starts the application; it reports its result through {@link AppCall#finish(int)}. */
    AppExecution start(AppCall call);
}
