package io.switchboard.simulator.pbx;

import java.util.ArrayList;
import java.util.List;

/** A basic two-party bridge (BridgeType basic, technology simple_bridge) as Dial and Queue create. */
public final class Bridge {

    private final String uniqueid;
    private final List<Channel> channels = new ArrayList<>();

    Bridge(String uniqueid) {
        this.uniqueid = uniqueid;
    }

    public String uniqueid() {
        return uniqueid;
    }

    public List<Channel> channels() {
        return List.copyOf(channels);
    }

    public int size() {
        return channels.size();
    }

    void add(Channel channel) {
        channels.add(channel);
    }

    void remove(Channel channel) {
        channels.remove(channel);
    }

    /** The other party of a two-party bridge, or null. */
    public Channel peerOf(Channel channel) {
        for (Channel c : channels) {
            if (c != channel) {
                return c;
            }
        }
        return null;
    }
}
