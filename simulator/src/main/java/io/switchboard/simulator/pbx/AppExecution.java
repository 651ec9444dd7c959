package io.switchboard.simulator.pbx;

/** A running dialplan application, told when its channel hangs up or is redirected away. */
interface AppExecution {

    AppExecution FINISHED = new AppExecution() {
        @Override
        public void hangup() {
        }

        @Override
        public void redirect() {
        }
    };

    /** The channel hangs up: wind down (publishing what Asterisk would) and finish the call. */
    void hangup();

    /** An async goto: stop and finish; the runner continues at the new place. */
    void redirect();
}
