package io.switchboard.routing;


/**
 * A set of agents that steps offer interactions to, kept as its own index in the store so that
 * choosing an agent never scans agents. A queue's plain pool has the queue's name; a narrowed or
 * re-ordered pool gets a stable id derived from its definition; an agent's direct pool is {@code @id}.
 */
public record Pool(String id, String queue, Condition agents, Ordering ordering) {

    public static Pool of(String queue, Condition agents, Ordering ordering) {
        if (agents == null && ordering.equals(Ordering.DEFAULT)) {
            return new Pool(queue, queue, null, ordering);
        }
        String definition = (agents == null ? "" : agents.source()) + "|" + ordering;
        return new Pool(queue + "~" + shortHash(definition), queue, agents, ordering);
    }

    /** The pool made of one agent: preferred-agent routing and transfers to a named agent. */
    public static String directId(String agentId) {
        return "@" + agentId;
    }

    public boolean isDirect() {
        return id.startsWith("@");
    }

    private static String shortHash(String text) {
        return Sha256.hex(text).substring(0, 8);
    }
}
