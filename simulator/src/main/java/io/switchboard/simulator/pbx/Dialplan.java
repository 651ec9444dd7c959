package io.switchboard.simulator.pbx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The subset of extensions.conf the simulator runs: contexts, {@code exten =>} / {@code same =>} lines with
 * numbered or {@code n} priorities (labels allowed), {@code include =>}, and {@code [globals]}.
 * The default is the extensions.conf of the captured Asterisk.
 */
public final class Dialplan {

    /** One extension of a context, with its priorities in order. */
    private record Extension(ExtensionPattern pattern, TreeMap<Integer, DialplanStep> steps, Map<String, Integer> labels) { }

    private static final class Context {
        final List<Extension> extensions = new ArrayList<>();
        final List<String> includes = new ArrayList<>();
    }

    private final Map<String, String> globals = new LinkedHashMap<>();
    private final Map<String, Context> contexts = new LinkedHashMap<>();

    private Dialplan() {
    }

    /** The dialplan of the captured Asterisk (bundled copy of extensions.conf). */
    public static Dialplan defaults() {
        try (InputStream in = Dialplan.class.getResourceAsStream("/io/switchboard/simulator/extensions.conf")) {
            if (in == null) {
                throw new IllegalStateException("bundled extensions.conf missing");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Dialplan parse(String text) {
        Dialplan plan = new Dialplan();
        plan.append(text);
        return plan;
    }

    /** Adds the contexts (and globals) of another extensions.conf text; a repeated context is extended. */
    public Dialplan append(String text) {
        String section = null;
        Extension last = null;
        int lineNo = 0;
        for (String raw : text.split("\r?\n")) {
            lineNo++;
            String line = stripComment(raw).trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                int end = line.indexOf(']');
                section = end > 0 ? line.substring(1, end).trim() : line.substring(1).trim();
                last = null;
                if (!section.equals("general") && !section.equals("globals")) {
                    contexts.computeIfAbsent(section, k -> new Context());
                }
                continue;
            }
            if (section == null || section.equals("general")) {
                continue;
            }
            int arrow = line.indexOf("=>");
            int eq = line.indexOf('=');
            if (section.equals("globals")) {
                int sep = arrow >= 0 ? arrow : eq;
                if (sep > 0) {
                    int skip = arrow >= 0 ? 2 : 1;
                    globals.put(line.substring(0, sep).trim(), line.substring(sep + skip).trim());
                }
                continue;
            }
            if (arrow < 0) {
                continue;
            }
            String keyword = line.substring(0, arrow).trim().toLowerCase();
            String rest = line.substring(arrow + 2).trim();
            Context ctx = contexts.get(section);
            switch (keyword) {
                case "include" -> ctx.includes.add(rest);
                case "exten" -> last = addStep(ctx, rest, null, lineNo);
                case "same" -> {
                    if (last == null) {
                        throw new IllegalArgumentException("line " + lineNo + ": 'same =>' without a preceding 'exten =>'");
                    }
                    last = addStep(ctx, rest, last, lineNo);
                }
                default -> { }
            }
        }
        return this;
    }

    private static Extension addStep(Context ctx, String spec, Extension same, int lineNo) {
        String pattern;
        String rest;
        if (same == null) {
            int c = spec.indexOf(',');
            if (c < 0) {
                throw new IllegalArgumentException("line " + lineNo + ": malformed exten line: " + spec);
            }
            pattern = spec.substring(0, c).trim();
            rest = spec.substring(c + 1);
        } else {
            pattern = same.pattern().text();
            rest = spec;
        }
        int c = rest.indexOf(',');
        String prio = (c < 0 ? rest : rest.substring(0, c)).trim();
        String app = c < 0 ? "NoOp" : rest.substring(c + 1);
        if (prio.equalsIgnoreCase("hint")) {
            return same;
        }
        Extension ext = same != null ? same : findOrCreate(ctx, pattern);
        String label = null;
        int paren = prio.indexOf('(');
        if (paren >= 0) {
            label = prio.substring(paren + 1, prio.indexOf(')', paren) < 0 ? prio.length() : prio.indexOf(')', paren));
            prio = prio.substring(0, paren);
        }
        int number;
        if (prio.equalsIgnoreCase("n")) {
            number = ext.steps().isEmpty() ? 1 : ext.steps().lastKey() + 1;
        } else {
            try {
                number = Integer.parseInt(prio);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + lineNo + ": bad priority '" + prio + "'");
            }
        }
        ext.steps().put(number, DialplanStep.parse(app));
        if (label != null && !label.isEmpty()) {
            ext.labels().put(label, number);
        }
        return ext;
    }

    private static Extension findOrCreate(Context ctx, String pattern) {
        for (Extension e : ctx.extensions) {
            if (e.pattern().text().equals(pattern)) {
                return e;
            }
        }
        Extension e = new Extension(new ExtensionPattern(pattern), new TreeMap<>(), new LinkedHashMap<>());
        ctx.extensions.add(e);
        return e;
    }

    private static String stripComment(String line) {
        StringBuilder sb = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == ';') {
                sb.append(';');
                i++;
            } else if (c == ';') {
                break;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    public Map<String, String> globals() {
        return Collections.unmodifiableMap(globals);
    }

    public Dialplan global(String name, String value) {
        globals.put(name, value);
        return this;
    }

    public boolean hasContext(String context) {
        return contexts.containsKey(context);
    }

    /** The step to run at a place, or null if there is none (following includes). */
    public DialplanStep find(String context, String exten, int priority) {
        Extension e = match(context, exten, 0);
        return e == null ? null : e.steps().get(priority);
    }

    public boolean extensionExists(String context, String exten) {
        return match(context, exten, 0) != null;
    }

    public boolean exists(String context, String exten, int priority) {
        return find(context, exten, priority) != null;
    }

    /** Priority for a label (ast_findlabel_extension), or -1. */
    public int findLabel(String context, String exten, String label) {
        Extension e = match(context, exten, 0);
        if (e == null) {
            return -1;
        }
        Integer p = e.labels().get(label);
        return p == null ? -1 : p;
    }

    private Extension match(String context, String exten, int depth) {
        Context ctx = contexts.get(context);
        if (ctx == null || depth > 8) {
            return null;
        }
        for (Extension e : ctx.extensions) {
            if (!e.pattern().isPattern() && e.pattern().matches(exten)) {
                return e;
            }
        }
        for (Extension e : ctx.extensions) {
            if (e.pattern().isPattern() && e.pattern().matches(exten)) {
                return e;
            }
        }
        for (String inc : ctx.includes) {
            Extension e = match(inc, exten, depth + 1);
            if (e != null) {
                return e;
            }
        }
        return null;
    }
}
