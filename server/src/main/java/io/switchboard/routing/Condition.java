package io.switchboard.routing;

import java.util.Map;

/**
 * A compiled boolean expression over named variables (CEL in production). The domain only needs to
 * ask "does it hold?", so it does not depend on the expression language.
 */
public interface Condition {
    Condition ALWAYS = new Condition() {
        @Override
        public boolean test(Map<String, Object> variables) {
            return true;
        }

        @Override
        public String source() {
            return "true";
        }
    };

    /** Returns false, never throws, when the expression cannot be evaluated (e.g. a missing skill). */
    boolean test(Map<String, Object> variables);

    String source();
}
