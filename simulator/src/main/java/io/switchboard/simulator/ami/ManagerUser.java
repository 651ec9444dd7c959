package io.switchboard.simulator.ami;

import io.switchboard.simulator.event.EventCategory;

/** A manager.conf user: name, secret and read/write permission masks. */
public record ManagerUser(String username, String secret, int readMask, int writeMask) {

    /** {@code read = all}, {@code write = all}, as the captured manager.conf's [cti] user. */
    public static ManagerUser allPermissions(String username, String secret) {
        return new ManagerUser(username, secret, EventCategory.ALL, EventCategory.ALL);
    }
}
