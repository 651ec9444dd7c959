package io.switchboard.voice;

import java.util.regex.Pattern;

/**
 * Values that reach Asterisk (caller names, numbers, variables, sound names) travel inside AGI and AMI
 * lines; a CR or LF in them would inject a command or a header. They are rejected, never forwarded.
 */
public final class LineText {
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1f\\x7f]");

    private LineText() {
    }

    public static boolean isSafe(String value) {
        return value != null && !CONTROL.matcher(value).find();
    }

    /** The value, or an exception naming the field: for values Switchboard itself sends. */
    public static String require(String field, String value) {
        if (!isSafe(value)) {
            throw new IllegalArgumentException(field + " holds control characters (CR/LF injection refused)");
        }
        return value;
    }

    /** For values callers send us (caller names): control characters removed, length bounded. */
    public static String clean(String value) {
        if (value == null) {
            return "";
        }
        String cleaned = CONTROL.matcher(value).replaceAll("");
        return cleaned.length() > 80 ? cleaned.substring(0, 80) : cleaned;
    }
}
