package io.switchboard.store.redis;

/**
 * Key names, one place. Every key starts with {@code {prefix}:} so they share one Redis Cluster hash
 * slot (Lua scripts may only touch one slot) and so tests can work side by side under their own prefix.
 */
public record RedisKeys(String prefix) {
    public static RedisKeys of(String keyPrefix) {
        return new RedisKeys("{" + keyPrefix + "}");
    }

    public String agents() {
        return prefix + ":agents";
    }

    public String agent(String id) {
        return prefix + ":agent:" + id;
    }

    public String agentPools(String id) {
        return agent(id) + ":pools";
    }

    public String agentWork(String id) {
        return agent(id) + ":work";
    }

    public String interaction(String id) {
        return prefix + ":int:" + id;
    }

    public String history(String id) {
        return interaction(id) + ":history";
    }

    public String reservation(String id) {
        return prefix + ":rsv:" + id;
    }

    public String queueByPriority(String queue) {
        return prefix + ":queue:" + queue + ":prio";
    }

    public String queueBySince(String queue) {
        return prefix + ":queue:" + queue + ":since";
    }

    public String poolAvailable(String pool, String capacityChannel) {
        return prefix + ":pool:" + pool + ":avail:" + capacityChannel;
    }

    public String poolWaiting(String pool, String capacityChannel) {
        return prefix + ":pool:" + pool + ":wait:" + capacityChannel;
    }

    public String timers() {
        return prefix + ":timers";
    }

    /** Hash: normalized phone number to customer id. */
    public String customersByPhone() {
        return prefix + ":customers-by-phone";
    }

    public String customer(String id) {
        return prefix + ":customer:" + id;
    }

    /** Stream of every routing event, read by webhook delivery through a consumer group. */
    public String events() {
        return prefix + ":events";
    }

    /** Pub/sub channel of agent-facing events (offers, state changes), fanned out to every node. */
    public String bus() {
        return prefix + ":bus";
    }

    /**
     * Pub/sub channel of every routing event, for supervisor consoles. Apart from the agent bus so that
     * a node without a console drops these unread, and agent delivery never waits behind them.
     */
    public String floor() {
        return prefix + ":floor";
    }
}
