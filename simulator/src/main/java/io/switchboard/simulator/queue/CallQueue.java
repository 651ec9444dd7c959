package io.switchboard.simulator.queue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** One queue from queues.conf with its live statistics (the numbers QueueStatus/QueueSummary report). */
public final class CallQueue {

    private final String name;
    private final String strategy;
    private final int timeoutSeconds;
    private final int retrySeconds;
    private final int serviceLevel;
    private final int maxLen;
    private final int weight;
    private final int wrapupTime;
    private final List<QueueMember> members;
    private final Map<String, QueueMember> byInterface;
    private final List<Object> callers = new ArrayList<>();
    private int completed;
    private int abandoned;
    private int completedInSl;
    private int abandonedInSl;
    private int holdTime;
    private int talkTime;
    private int rrPosition;

    CallQueue(String name, Map<String, String> settings, List<QueueMember> configOrder) {
        this.name = name;
        this.strategy = settings.getOrDefault("strategy", "ringall");
        this.timeoutSeconds = intSetting(settings, "timeout", 15);
        this.retrySeconds = intSetting(settings, "retry", 5);
        this.serviceLevel = intSetting(settings, "servicelevel", 0);
        this.maxLen = intSetting(settings, "maxlen", 0);
        this.weight = intSetting(settings, "weight", 0);
        this.wrapupTime = intSetting(settings, "wrapuptime", 0);
        this.members = Collections.unmodifiableList(MemberOrder.hashOrder(configOrder));
        this.byInterface = MemberOrder.index(this.members);
    }

    private static int intSetting(Map<String, String> s, String key, int dflt) {
        try {
            return s.containsKey(key) ? Integer.parseInt(s.get(key).trim()) : dflt;
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    public String name() {
        return name;
    }

    public String strategy() {
        return strategy;
    }

    public int timeoutSeconds() {
        return timeoutSeconds;
    }

    public int retrySeconds() {
        return retrySeconds;
    }

    public int serviceLevel() {
        return serviceLevel;
    }

    public int maxLen() {
        return maxLen;
    }

    public int weight() {
        return weight;
    }

    public int wrapupTime() {
        return wrapupTime;
    }

    /** Members in app_queue's iteration order. */
    public List<QueueMember> members() {
        return members;
    }

    public QueueMember member(String interfaceName) {
        return byInterface.get(interfaceName);
    }

    /** Waiting callers, first in line first; the engine stores its own entry objects here. */
    public List<Object> callers() {
        return callers;
    }

    public int completed() {
        return completed;
    }

    public int abandoned() {
        return abandoned;
    }

    public int holdTime() {
        return holdTime;
    }

    public int talkTime() {
        return talkTime;
    }

    public int nextRoundRobin() {
        return rrPosition++;
    }

    /** recalc_holdtime(): an exponential average, seeded by the first call. */
    public void recordHoldTime(int seconds) {
        holdTime = (completed + abandoned) == 0 ? seconds : ((holdTime << 2) - holdTime + seconds) >> 2;
    }

    /** A connected call ended: app_queue's update_queue() statistics. */
    public void recordCompleted(int holdSeconds, int talkSeconds) {
        talkTime = completed == 0 ? talkSeconds : ((talkTime << 2) - talkTime + talkSeconds) >> 2;
        completed++;
        if (holdSeconds <= serviceLevel) {
            completedInSl++;
        }
    }

    public void recordAbandoned(int holdSeconds) {
        abandoned++;
        if (holdSeconds <= serviceLevel) {
            abandonedInSl++;
        }
    }

    /** ServicelevelPerf: the share of answered calls answered within the service level, in percent. */
    public double serviceLevelPerf() {
        return completed > 0 ? 100.0 * completedInSl / completed : 0.0;
    }

    /** ServicelevelPerf2: as above, counting calls abandoned within the service level as good. */
    public double serviceLevelPerf2() {
        int total = completed + abandoned;
        return total > 0 ? 100.0 * (completedInSl + abandonedInSl) / total : 0.0;
    }
}
