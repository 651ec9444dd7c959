package io.switchboard.simulator.pbx;

import java.util.function.Function;

/**
 * ${...} substitution as pbx_substitute_variables does it, for the forms dialplans commonly use:
 * variables, functions such as {@code CALLERID(num)}, nested expressions, and {@code ${VAR:offset:length}}.
 */
final class Substitution {

    private Substitution() {
    }

    /** @param resolver returns the value of a variable or function expression, or null when unset */
    static String apply(String template, Function<String, String> resolver) {
        if (template == null || !template.contains("${")) {
            return template;
        }
        StringBuilder out = new StringBuilder(template.length());
        int i = 0;
        while (i < template.length()) {
            int start = template.indexOf("${", i);
            if (start < 0) {
                out.append(template, i, template.length());
                break;
            }
            out.append(template, i, start);
            int depth = 1;
            int j = start + 2;
            while (j < template.length() && depth > 0) {
                if (template.startsWith("${", j)) {
                    depth++;
                    j += 2;
                    continue;
                }
                if (template.charAt(j) == '}') {
                    depth--;
                    if (depth == 0) {
                        break;
                    }
                }
                j++;
            }
            if (depth != 0) {
                out.append(template, start, template.length());
                break;
            }
            String inner = apply(template.substring(start + 2, j), resolver);
            out.append(resolve(inner, resolver));
            i = j + 1;
        }
        return out.toString();
    }

    private static String resolve(String expression, Function<String, String> resolver) {
        String name = expression;
        Integer offset = null;
        Integer length = null;
        if (!expression.endsWith(")")) {
            String[] parts = expression.split(":");
            if (parts.length > 1) {
                name = parts[0];
                try {
                    offset = Integer.parseInt(parts[1].trim());
                    if (parts.length > 2 && !parts[2].isBlank()) {
                        length = Integer.parseInt(parts[2].trim());
                    }
                } catch (NumberFormatException e) {
                    name = expression;
                    offset = null;
                }
            }
        }
        String value = resolver.apply(name);
        if (value == null) {
            return "";
        }
        if (offset != null) {
            int from = offset >= 0 ? Math.min(offset, value.length()) : Math.max(0, value.length() + offset);
            int to = length == null ? value.length()
                : length >= 0 ? Math.min(value.length(), from + length) : Math.max(from, value.length() + length);
            value = value.substring(from, to);
        }
        return value;
    }
}
