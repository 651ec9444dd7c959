package io.switchboard.simulator.pbx;

/** One priority of an extension: an application and its (unsubstituted) argument string. */
public record DialplanStep(String application, String data) {

    /** Splits {@code App(args)} (or a bare {@code App}) as pbx_config does. */
    static DialplanStep parse(String text) {
        String t = text.trim();
        int open = t.indexOf('(');
        if (open < 0) {
            return new DialplanStep(t, "");
        }
        String app = t.substring(0, open).trim();
        int close = t.lastIndexOf(')');
        String data = close > open ? t.substring(open + 1, close) : t.substring(open + 1);
        return new DialplanStep(app, data);
    }
}
