package io.switchboard.routing;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A queue: a named line of waiting interactions and the agents that serve it.
 *
 * @param members which agents belong, evaluated when agents or rules change (never per decision)
 * @param serviceLevelThreshold answered within this counts toward the service level (e.g. 20 s)
 * @param maxWait after this long at its last step an interaction overflows to {@code overflowQueue}
 * @param overflowQueue where interactions go after {@code maxWait}; null = they keep waiting
 * @param wrapUp after-contact work time; the agent becomes available on its own when it ends
 * @param serviceLevelTarget the share of contacts to answer within the threshold (staffing, alerts)
 * @param serviceLevelFormula how the service level is computed for this queue
 * @param shortAbandon abandons quicker than this are "short" (excluded by some formulas)
 * @param channels the capacity channels it serves (voice also carries callbacks); default all: an agent is
 *                 indexed as available for a queue only on these, and no route sends a contact of another
 *                 channel to it
 * @param offerTimeout how long an agent has to accept an offer of this queue's contacts; null = the node's
 *                     {@code routing.reservationTimeoutSeconds}
 * @param hours the name of the business calendar of its hours of operation (the SLA file's {@code calendars:});
 *              null = always open. Outside them a step with {@code skipIf: closed} is passed over, the IVR tells a
 *              caller the opening time, and a chat's customer is told it is closed
 */
public record QueueDefinition(String name, Condition members, Duration serviceLevelThreshold, Duration maxWait,
                              String overflowQueue, Duration wrapUp, double serviceLevelTarget,
                              ServiceLevelFormula serviceLevelFormula, Duration shortAbandon, Set<Channel> channels,
                              Duration offerTimeout, String hours) {
    public static final Duration DEFAULT_SERVICE_LEVEL = Duration.ofSeconds(20);
    public static final Duration DEFAULT_WRAP_UP = Duration.ofSeconds(10);
    public static final double DEFAULT_SERVICE_LEVEL_TARGET = 0.8;
    public static final Duration DEFAULT_SHORT_ABANDON = Duration.ofSeconds(5);
    /** Agents' own calls out are counted under this name, apart from the inbound lines: no queue may take it. */
    public static final String OUTBOUND = "outbound";

    public QueueDefinition {
        Objects.requireNonNull(name, "name");
        if (!Ids.isValid(name)) {
            throw new IllegalArgumentException("queue name must be 1-64 letters, digits, '-', '_' or '.': " + name);
        }
        if (OUTBOUND.equals(name)) {
            throw new IllegalArgumentException("queue name '" + OUTBOUND + "' is reserved: agents' calls out are counted"
                    + " under it");
        }
        members = members == null ? Condition.ALWAYS : members;
        serviceLevelThreshold = serviceLevelThreshold == null ? DEFAULT_SERVICE_LEVEL : serviceLevelThreshold;
        wrapUp = wrapUp == null ? DEFAULT_WRAP_UP : wrapUp;
        serviceLevelFormula = serviceLevelFormula == null ? ServiceLevelFormula.DEFAULT : serviceLevelFormula;
        shortAbandon = shortAbandon == null ? DEFAULT_SHORT_ABANDON : shortAbandon;
        channels = channels == null || channels.isEmpty() ? ALL_CHANNELS : Set.copyOf(channels);
        if (channels.contains(Channel.CALLBACK)) {
            throw new IllegalArgumentException("channels: a queue that serves voice serves callbacks; list voice");
        }
        if ((maxWait == null) != (overflowQueue == null)) { // either alone never overflowed anything
            throw new IllegalArgumentException("maxWaitSeconds and overflow go together: a contact waits maxWaitSeconds,"
                    + " then moves to the overflow queue");
        }
        if (!(serviceLevelTarget > 0 && serviceLevelTarget <= 1)) {
            throw new IllegalArgumentException("serviceLevelTarget must be in (0, 1], was " + serviceLevelTarget);
        }
    }

    public static final Set<Channel> ALL_CHANNELS = Set.of(Channel.VOICE, Channel.CHAT, Channel.EMAIL);

    /** Whether contacts of this channel may wait here (a callback where voice is served). */
    public boolean serves(Channel channel) {
        return channels.contains(channel.capacityChannel());
    }

    public boolean admits(Agent agent) {
        return members.test(agent.expressionVariables());
    }
}
