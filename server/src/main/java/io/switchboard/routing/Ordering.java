package io.switchboard.routing;

import java.util.Locale;

/**
 * How eligible agents are ranked within a step.
 *
 * @param skill the skill compared by {@link Kind#HIGHEST_PROFICIENCY}; null otherwise
 */
public record Ordering(Kind kind, String skill) {
    public enum Kind { LONGEST_IDLE, HIGHEST_PROFICIENCY, LEAST_OCCUPIED }

    public static final Ordering DEFAULT = new Ordering(Kind.LONGEST_IDLE, null);

    public Ordering {
        if (kind == Kind.HIGHEST_PROFICIENCY && (skill == null || skill.isBlank())) {
            throw new IllegalArgumentException("highest_proficiency needs a skill, e.g. 'highest_proficiency:billing'");
        }
        if (kind == Kind.HIGHEST_PROFICIENCY && !Ids.isValid(skill)) {
            throw new IllegalArgumentException("the skill of highest_proficiency must be 1-64 letters, digits, '-', '_'"
                    + " or '.', was '" + skill + "'");
        }
        if (kind != Kind.HIGHEST_PROFICIENCY && skill != null) { // longest_idle:x read as if it meant something
            throw new IllegalArgumentException(kind.name().toLowerCase(Locale.ROOT) + " takes no skill, was ':" + skill
                    + "'");
        }
    }

    /** Parses {@code longest_idle}, {@code least_occupied} or {@code highest_proficiency:<skill>}. */
    public static Ordering parse(String text) {
        String[] parts = text.trim().split(":", 2);
        Kind kind;
        try {
            kind = Kind.valueOf(parts[0].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "order must be longest_idle, least_occupied or highest_proficiency:<skill>, was '" + text + "'");
        }
        return new Ordering(kind, parts.length > 1 ? parts[1].trim() : null);
    }

    public String wireName() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return skill == null ? wireName() : wireName() + ":" + skill;
    }
}
