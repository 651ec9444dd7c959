package io.switchboard.simulator.pbx;

import java.util.regex.Pattern;

/**
 * An extension name as written in extensions.conf: a literal ({@code s}, {@code 8000}) or a pattern
 * starting with {@code _} ({@code X} = 0-9, {@code Z} = 1-9, {@code N} = 2-9, {@code [..]} a set,
 * {@code .} one or more of anything, {@code !} zero or more).
 */
final class ExtensionPattern {

    private final String text;
    private final Pattern regex;

    ExtensionPattern(String text) {
        this.text = text;
        this.regex = text.startsWith("_") ? compile(text.substring(1)) : null;
    }

    String text() {
        return text;
    }

    boolean isPattern() {
        return regex != null;
    }

    boolean matches(String exten) {
        if (exten == null) {
            return false;
        }
        return regex == null ? text.equals(exten) : regex.matcher(exten).matches();
    }

    private static Pattern compile(String pattern) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (Character.toUpperCase(c)) {
                case 'X' -> re.append("[0-9]");
                case 'Z' -> re.append("[1-9]");
                case 'N' -> re.append("[2-9]");
                case '.' -> re.append(".+");
                case '!' -> re.append(".*");
                case '[' -> {
                    int end = pattern.indexOf(']', i);
                    if (end < 0) {
                        re.append(Pattern.quote(pattern.substring(i)));
                        i = pattern.length();
                    } else {
                        re.append('[').append(pattern, i + 1, end).append(']');
                        i = end;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
