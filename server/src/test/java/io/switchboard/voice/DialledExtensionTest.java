package io.switchboard.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Matching Asterisk's names to Switchboard's: a DialEnd's phone to the agent offered, an AGI peer to its AMI link. */
class DialledExtensionTest {
    @Test
    void aDialledChannelIsMatchedToTheAgentsEndpoint() {
        assertEquals("101", VoiceChannel.dialledExtension("PJSIP/101-00000005"));
        assertEquals("101", VoiceChannel.dialledExtension("Local/101@agents-0000000a;1"));
        assertEquals(VoiceChannel.extension("PJSIP/101"), VoiceChannel.dialledExtension("PJSIP/101-0000abcd"));
        assertEquals("sales-desk", VoiceChannel.dialledExtension("PJSIP/sales-desk-0000001f"));
    }

    /** An AGI session's peer address is matched to the AMI URL's host, named or numeric. */
    @Test
    void anAmiHostNameMatchesTheAddressItResolvesTo() {
        org.junit.jupiter.api.Assertions.assertTrue(VoiceChannel.sameHost("localhost", "127.0.0.1"));
        org.junit.jupiter.api.Assertions.assertTrue(VoiceChannel.sameHost("10.0.0.5", "10.0.0.5"));
        org.junit.jupiter.api.Assertions.assertFalse(VoiceChannel.sameHost("127.0.0.1", "10.0.0.5"));
    }
}
