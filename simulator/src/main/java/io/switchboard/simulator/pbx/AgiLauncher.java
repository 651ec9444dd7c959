package io.switchboard.simulator.pbx;

import java.util.List;
import java.util.function.Consumer;

/** Starts a FastAGI session for the AGI() application (implemented over TCP by the agi package). */
public interface AgiLauncher {

    /**
     * @param url    the AGI() argument, {@code agi://host:port/script}
     * @param args   further AGI() arguments (sent as agi_arg_N)
     * @param onDone called once with the AGISTATUS value (SUCCESS, FAILURE, HANGUP, NOTFOUND)
     */
    AgiRun launch(Pbx pbx, Channel channel, String url, List<String> args, Consumer<String> onDone);

    /** A running session, told about what happens to its channel. */
    interface AgiRun {
        void channelHungUp();

        void channelRedirected();
    }
}
