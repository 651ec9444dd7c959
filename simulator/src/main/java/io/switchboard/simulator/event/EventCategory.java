package io.switchboard.simulator.event;

import java.util.Locale;

/**
 * Asterisk's manager event classes (EVENT_FLAG_* in manager.h), used for the {@code Privilege:} header and
 * for filtering by a user's read permission and a session's event mask.
 */
public enum EventCategory {
    SYSTEM(1 << 0),
    CALL(1 << 1),
    LOG(1 << 2),
    VERBOSE(1 << 3),
    COMMAND(1 << 4),
    AGENT(1 << 5),
    USER(1 << 6),
    CONFIG(1 << 7),
    DTMF(1 << 8),
    REPORTING(1 << 9),
    CDR(1 << 10),
    DIALPLAN(1 << 11),
    ORIGINATE(1 << 12),
    AGI(1 << 13),
    CC(1 << 14),
    AOC(1 << 15),
    TEST(1 << 16),
    SECURITY(1 << 17),
    MESSAGE(1 << 18);

    /** Every class: what {@code read = all} and {@code Events: on} grant. */
    public static final int ALL = (1 << 19) - 1;

    private final int flag;

    EventCategory(int flag) {
        this.flag = flag;
    }

    public int flag() {
        return flag;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The {@code Privilege:} value Asterisk 22 prints for an event of this class, e.g. {@code call,all}. */
    public String privilege() {
        return label() + ",all";
    }

    /**
     * Parses a permission or event mask the way manager.c's strings_to_mask does: empty means everything,
     * a number is taken as is, yes/on/true means all, no/off/false means none, otherwise a comma list.
     */
    public static int parseMask(String text) {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.chars().allMatch(Character::isDigit)) {
            try {
                return Integer.parseInt(t);
            } catch (NumberFormatException e) {
                return ALL;
            }
        }
        switch (t) {
            case "yes", "on", "true", "y", "t", "1", "all" -> {
                return ALL;
            }
            case "no", "off", "false", "n", "f", "0", "none" -> {
                return 0;
            }
            default -> { }
        }
        int mask = 0;
        for (String part : t.split(",")) {
            String p = part.trim();
            if (p.equals("all")) {
                mask |= ALL;
                continue;
            }
            for (EventCategory c : values()) {
                if (c.label().equals(p)) {
                    mask |= c.flag;
                }
            }
        }
        return mask;
    }
}
