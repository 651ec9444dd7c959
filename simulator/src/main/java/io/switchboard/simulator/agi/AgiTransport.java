package io.switchboard.simulator.agi;

/** The connection to the FastAGI server, as the session sees it. */
interface AgiTransport {

    /** Sends one line; the transport adds the {@code \n}. */
    void send(String line);

    void close();
}
