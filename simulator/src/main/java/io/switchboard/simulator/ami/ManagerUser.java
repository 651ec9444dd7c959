package io.switchboard.simulator.ami;

import io.switchboard.simulator.event.EventCategory;

/** A manager.conf user: name, secret and read/write permission masks. */
public record ManagerUser(String username, String secret, int readMask, int writeMask) {

    /** {@code read = all}, {@code write = all}, as the captured manager.conf's [cti] user. */
    public static ManagerUser allPermissions(String username, String secret) {
        return new ManagerUser(username, secret, EventCategory.ALL, EventCategory.ALL);
    }

    /** A user as manager.conf declares it: {@code read} and {@code write} as class lists, e.g. "call,system". */
    public static ManagerUser of(String username, String secret, String read, String write) {
        return new ManagerUser(username, secret, EventCategory.parseMask(read), EventCategory.parseMask(write));
    }
}
