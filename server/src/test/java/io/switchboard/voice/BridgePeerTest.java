package io.switchboard.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.voice.ami.AmiLink.LiveChannel;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which channel is the agent's leg of a call, read from Asterisk's channels (CoreShowChannels). */
class BridgePeerTest {
    private static final String CALLER = "PJSIP/trunk-00000001";

    @Test
    void theEndpointInTheCallersBridgeBeforeALocalChannelBeingOptimisedAway() {
        List<LiveChannel> live = List.of(new LiveChannel(CALLER, "1.1", "b1", true),
                new LiveChannel("Local/102@switchboard-consult-0000000a;1", "1.2", "b1", true),
                new LiveChannel("PJSIP/102-00000003", "1.3", "b1", true),
                new LiveChannel("PJSIP/103-00000004", "1.4", "b2", true));
        assertEquals(Optional.of("PJSIP/102-00000003"), name(CallControl.bridgePeer(live, CALLER, null)));
        assertEquals(Optional.of("Local/102@switchboard-consult-0000000a;1"),
                name(CallControl.bridgePeer(live, CALLER, "PJSIP/102-00000003")), "a Local channel when it is all there is");
    }

    @Test
    void nobodyWhenTheCallerIsInNoBridge() {
        List<LiveChannel> live = List.of(new LiveChannel(CALLER, "1.1", "", true), new LiveChannel("PJSIP/102-1", "1.2", "", true));
        assertEquals(Optional.empty(), CallControl.bridgePeer(live, CALLER, null));
    }

    private static Optional<String> name(Optional<LiveChannel> channel) {
        return channel.map(LiveChannel::name);
    }
}
