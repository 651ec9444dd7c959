package io.switchboard.simulator.queue;

/** A static queue member and its app_queue statistics. */
public final class QueueMember {

    private final String interfaceName;
    private final String memberName;
    private final String stateInterface;
    private final int penalty;
    private final long loginTime;
    private int callsTaken;
    private long lastCall;
    private long lastPause;
    private boolean inCall;
    private int status = DeviceState.NOT_INUSE.code();
    private boolean paused;
    private String pausedReason = "";

    public QueueMember(String interfaceName, String memberName, String stateInterface, int penalty, long loginTime) {
        this.interfaceName = interfaceName;
        this.memberName = memberName;
        this.stateInterface = stateInterface;
        this.penalty = penalty;
        this.loginTime = loginTime;
    }

    public String interfaceName() {
        return interfaceName;
    }

    public String memberName() {
        return memberName;
    }

    public String stateInterface() {
        return stateInterface;
    }

    /** The device whose state this member follows: {@code Local/101@agents/n} follows {@code Local/101@agents}. */
    public String device() {
        String s = stateInterface;
        if (s.startsWith("Local/")) {
            int slash = s.indexOf('/', "Local/".length());
            if (slash > 0) {
                s = s.substring(0, slash);
            }
        }
        return s;
    }

    public int penalty() {
        return penalty;
    }

    public long loginTime() {
        return loginTime;
    }

    public int callsTaken() {
        return callsTaken;
    }

    public long lastCall() {
        return lastCall;
    }

    public long lastPause() {
        return lastPause;
    }

    public boolean inCall() {
        return inCall;
    }

    public void inCall(boolean value) {
        this.inCall = value;
    }

    public int status() {
        return status;
    }

    public void status(int value) {
        this.status = value;
    }

    public boolean paused() {
        return paused;
    }

    public String pausedReason() {
        return pausedReason;
    }

    public void pause(boolean value, String reason, long nowEpoch) {
        this.paused = value;
        this.pausedReason = reason == null ? "" : reason;
        if (value) {
            this.lastPause = nowEpoch;
        }
    }

    public void completedCall(long nowEpoch) {
        callsTaken++;
        lastCall = nowEpoch;
    }

    public boolean available() {
        return !paused && status == DeviceState.NOT_INUSE.code();
    }
}
