package io.switchboard.routing;

/**
 * How contacts left a queue, the inputs of every service-level formula.
 *
 * @param answered answered (accepted by an agent)                  A
 * @param answeredWithin of those, within the service-level threshold  A_sl
 * @param abandoned the customer left while waiting                  Ab
 * @param abandonedShort of those, before the short-abandon threshold Ab_short
 * @param abandonedWithin of those, within the service-level threshold Ab_sl
 * @param overflowed moved on to another queue (max wait, escalation) Ov
 * @param overflowedWithin of those, within the threshold             Ov_sl
 */
public record OutcomeCounts(long answered, long answeredWithin, long abandoned, long abandonedShort,
                            long abandonedWithin, long overflowed, long overflowedWithin) {
    public static final OutcomeCounts NONE = new OutcomeCounts(0, 0, 0, 0, 0, 0, 0);

    public static OutcomeCounts answered(double waitSeconds, QueueDefinition queue) {
        return new OutcomeCounts(1, within(waitSeconds, queue) ? 1 : 0, 0, 0, 0, 0, 0);
    }

    public static OutcomeCounts abandoned(double waitSeconds, QueueDefinition queue) {
        return new OutcomeCounts(0, 0, 1, waitSeconds < queue.shortAbandon().toMillis() / 1000.0 ? 1 : 0,
                within(waitSeconds, queue) ? 1 : 0, 0, 0);
    }

    public static OutcomeCounts overflowed(double waitSeconds, QueueDefinition queue) {
        return new OutcomeCounts(0, 0, 0, 0, 0, 1, within(waitSeconds, queue) ? 1 : 0);
    }

    private static boolean within(double waitSeconds, QueueDefinition queue) {
        return waitSeconds <= queue.serviceLevelThreshold().toMillis() / 1000.0;
    }

    public OutcomeCounts plus(OutcomeCounts o) {
        return new OutcomeCounts(answered + o.answered, answeredWithin + o.answeredWithin, abandoned + o.abandoned,
                abandonedShort + o.abandonedShort, abandonedWithin + o.abandonedWithin, overflowed + o.overflowed,
                overflowedWithin + o.overflowedWithin);
    }

    public double abandonRate() {
        long offered = answered + abandoned;
        return offered == 0 ? Double.NaN : (double) abandoned / offered;
    }
}
