package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The client a limit counts: one IPv4 address, or one IPv6 /64 however its addresses are written. */
class RateLimiterClientTest {
    @Test
    void anIpv6ClientIsItsSlash64() {
        assertEquals("2001:db8:0:1::/64", RateLimiter.client("2001:db8:0:1:aaaa::1"));
        assertEquals("2001:db8:0:1::/64", RateLimiter.client("2001:0db8:0000:0001:ffff:ffff:ffff:ffff"));
        assertEquals("203.0.113.7", RateLimiter.client("203.0.113.7"));
        assertEquals("unknown", RateLimiter.client(null));
    }
}
