package io.switchboard.routing;

import java.util.Locale;

/**
 * The service-level formulas contact centers use; each queue picks one, and the live API, the
 * historical API and the exported metrics (numerator and denominator counters) all use it, so the
 * wallboard and the report never disagree. T = the queue's threshold, short = its short-abandon time.
 */
public enum ServiceLevelFormula {
    /** A_sl / A. Asterisk app_queue's ServicelevelPerf: abandons ignored. */
    ANSWERED_OF_ANSWERED,
    /** (A_sl + Ab_sl) / (A + Ab). Asterisk's ServicelevelPerf2: an abandon within T counts as met. */
    ANSWERED_OR_ABANDONED_WITHIN,
    /** A_sl / (A + Ab). Every abandon counts against. */
    ANSWERED_OF_OFFERED,
    /** A_sl / (A + Ab - Ab_short). Short abandons (wrong numbers, hang-ups in the greeting) left out. The default. */
    ANSWERED_OF_OFFERED_EXCLUDING_SHORT,
    /** A_sl / (A + Ab - Ab_sl). Abandons within T left out: only late abandons count against. */
    ANSWERED_OF_OFFERED_EXCLUDING_ABANDONED_WITHIN,
    /** A_sl / (A + Ab + Ov). Contacts that overflowed to another queue count against this one. */
    ANSWERED_OF_OFFERED_AND_OVERFLOWED,
    /** (A_sl + Ab_sl + Ov_sl) / (A + Ab + Ov). Amazon Connect-style "removed from queue within T". */
    REMOVED_WITHIN;

    public static final ServiceLevelFormula DEFAULT = ANSWERED_OF_OFFERED_EXCLUDING_SHORT;

    /** Numerator and denominator; the ratio is NaN when nothing counted. */
    public record Ratio(double met, double counted) {
        public double value() {
            return counted == 0 ? Double.NaN : met / counted;
        }
    }

    public Ratio apply(OutcomeCounts c) {
        return switch (this) {
            case ANSWERED_OF_ANSWERED -> new Ratio(c.answeredWithin(), c.answered());
            case ANSWERED_OR_ABANDONED_WITHIN -> new Ratio(c.answeredWithin() + c.abandonedWithin(),
                    c.answered() + c.abandoned());
            case ANSWERED_OF_OFFERED -> new Ratio(c.answeredWithin(), c.answered() + c.abandoned());
            case ANSWERED_OF_OFFERED_EXCLUDING_SHORT -> new Ratio(c.answeredWithin(),
                    c.answered() + c.abandoned() - c.abandonedShort());
            case ANSWERED_OF_OFFERED_EXCLUDING_ABANDONED_WITHIN -> new Ratio(c.answeredWithin(),
                    c.answered() + c.abandoned() - c.abandonedWithin());
            case ANSWERED_OF_OFFERED_AND_OVERFLOWED -> new Ratio(c.answeredWithin(),
                    c.answered() + c.abandoned() + c.overflowed());
            case REMOVED_WITHIN -> new Ratio(c.answeredWithin() + c.abandonedWithin() + c.overflowedWithin(),
                    c.answered() + c.abandoned() + c.overflowed());
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ServiceLevelFormula parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("serviceLevelFormula must be one of "
                    + java.util.Arrays.stream(values()).map(ServiceLevelFormula::wireName).toList() + ", was '" + text + "'");
        }
    }
}
