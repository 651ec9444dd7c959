package io.switchboard.routing;

import java.util.regex.Pattern;

/** Identifiers end up inside Redis keys and wire protocols, so they are kept to a safe alphabet. */
public final class Ids {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

    private Ids() {
    }

    public static boolean isValid(String id) {
        return id != null && SAFE.matcher(id).matches();
    }
}
