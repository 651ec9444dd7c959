package io.switchboard.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which agent's phone a DialEnd is about: the extension its dialled channel rang, as the agent's endpoint names it. */
class DialledExtensionTest {
    @Test
    void aDialledChannelIsMatchedToTheAgentsEndpoint() {
        assertEquals("101", VoiceChannel.dialledExtension("PJSIP/101-00000005"));
        assertEquals("101", VoiceChannel.dialledExtension("Local/101@agents-0000000a;1"));
        assertEquals(VoiceChannel.extension("PJSIP/101"), VoiceChannel.dialledExtension("PJSIP/101-0000abcd"));
        assertEquals("sales-desk", VoiceChannel.dialledExtension("PJSIP/sales-desk-0000001f"));
    }
}
