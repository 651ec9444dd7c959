package io.switchboard.simulator.ami;

import io.switchboard.simulator.event.Header;

import java.util.ArrayList;
import java.util.List;

/**
 * An action as a client sent it: header lines in order. Lookup follows astman_get_header(): the first
 * header whose name matches case-insensitively, value with leading blanks removed; lines without a colon
 * are kept (Asterisk stores them too) but match nothing.
 */
public final class AmiMessage {

    private final List<String> lines;

    AmiMessage(List<String> lines) {
        this.lines = List.copyOf(lines);
    }

    public List<String> lines() {
        return lines;
    }

    /** First value for {@code name}, or null when absent. */
    public String get(String name) {
        for (String line : lines) {
            String v = valueIf(line, name);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** First non-empty value (GET_HEADER_SKIP_EMPTY, used for Action). */
    public String getNonEmpty(String name) {
        for (String line : lines) {
            String v = valueIf(line, name);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    /** Value or "" (astman_get_header never returns NULL). */
    public String header(String name) {
        String v = get(name);
        return v == null ? "" : v;
    }

    public List<String> getAll(String name) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String v = valueIf(line, name);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    public String actionId() {
        return get("ActionID");
    }

    public List<Header> headers() {
        List<Header> out = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.add(new Header(line.substring(0, colon), line.substring(colon + 1).stripLeading()));
            }
        }
        return out;
    }

    private static String valueIf(String line, String name) {
        int n = name.length();
        if (line.length() > n && line.charAt(n) == ':' && line.regionMatches(true, 0, name, 0, n)) {
            return line.substring(n + 1).stripLeading();
        }
        return null;
    }

    @Override
    public String toString() {
        return String.join(" | ", lines);
    }
}
