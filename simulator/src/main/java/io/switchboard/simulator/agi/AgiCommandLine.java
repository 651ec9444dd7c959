package io.switchboard.simulator.agi;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an AGI command line into words as res_agi's parse_args() does: blanks separate words, double
 * quotes group (and an empty {@code ""} is an empty word), a backslash makes the next character literal.
 */
final class AgiCommandLine {

    static final int MAX_ARGS = 128;

    private AgiCommandLine() {
    }

    static List<String> parse(String line) {
        List<String> argv = new ArrayList<>();
        StringBuilder cur = null;
        boolean quoted = false;
        boolean escaped = false;
        boolean whitespace = true;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"' && !escaped) {
                quoted = !quoted;
                if (quoted && whitespace) {
                    cur = new StringBuilder();
                    argv.add(null);
                    whitespace = false;
                }
                continue;
            }
            if ((c == ' ' || c == '\t') && !quoted && !escaped) {
                if (cur != null) {
                    argv.set(argv.size() - 1, cur.toString());
                    cur = null;
                }
                whitespace = true;
                continue;
            }
            if (c == '\\' && !escaped) {
                escaped = true;
                continue;
            }
            if (whitespace) {
                if (argv.size() >= MAX_ARGS - 1) {
                    break;
                }
                cur = new StringBuilder();
                argv.add(null);
                whitespace = false;
            }
            cur.append(c);
            escaped = false;
        }
        if (cur != null) {
            argv.set(argv.size() - 1, cur.toString());
        }
        argv.replaceAll(s -> s == null ? "" : s);
        return argv;
    }
}
