package io.switchboard.simulator.pbx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The simulated agent phones: a default behaviour (possibly random, e.g. from a traffic profile) and
 * per-extension overrides that tests set ("101 never answers"). Thread-safe: tests change it while calls run.
 */
public final class AgentPhones {

    private final Map<String, PhoneBehavior> overrides = new ConcurrentHashMap<>();
    private volatile Function<String, PhoneBehavior> defaults;

    public AgentPhones(Function<String, PhoneBehavior> defaults) {
        this.defaults = defaults;
    }

    public static AgentPhones answeringImmediately() {
        return new AgentPhones(ext -> PhoneBehavior.immediate());
    }

    public AgentPhones set(String extension, PhoneBehavior behavior) {
        overrides.put(extension, behavior);
        return this;
    }

    public AgentPhones clear(String extension) {
        overrides.remove(extension);
        return this;
    }

    public AgentPhones defaults(Function<String, PhoneBehavior> value) {
        this.defaults = value;
        return this;
    }

    public PhoneBehavior behaviorFor(String extension) {
        PhoneBehavior b = overrides.get(extension);
        return b != null ? b : defaults.apply(extension);
    }
}
