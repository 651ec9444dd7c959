package io.switchboard.simulator.pbx;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One simulated Asterisk channel. Only the engine thread touches it; tests read it through snapshots
 * ({@link ChannelSnapshot}).
 */
public final class Channel {

    private final String name;
    private String uniqueid;
    private final String linkedid;
    private final String type;
    private ChannelState state;
    private String callerNum;
    private String callerName;
    private String connectedNum;
    private String connectedName;
    private final String language = "en";
    private String accountCode = "";
    private String context;
    private String exten;
    private int priority = 1;
    private String application = "";
    private String appData = "";
    private final Map<String, String> variables = new LinkedHashMap<>();
    private Bridge bridge;
    private long createdMicros;
    private long answeredMicros;
    private int hangupCause;
    private boolean hangupRequested;
    private boolean destroyed;
    private LocalPair pair;
    private ChannelDriver driver;
    private CallerBehavior caller;
    private java.util.List<Runnable> afterHangup;

    Channel(String name, String uniqueid, String linkedid, String type, ChannelState state,
            String context, String exten, long createdMicros) {
        this.name = name;
        this.uniqueid = uniqueid;
        this.linkedid = linkedid;
        this.type = type;
        this.state = state;
        this.context = context;
        this.exten = exten;
        this.createdMicros = createdMicros;
    }

    public String name() {
        return name;
    }

    public String uniqueid() {
        return uniqueid;
    }

    void uniqueid(String value) {
        this.uniqueid = value;
    }

    public String linkedid() {
        return linkedid;
    }

    public String type() {
        return type;
    }

    public ChannelState state() {
        return state;
    }

    void state(ChannelState value) {
        this.state = value;
    }

    public String callerNum() {
        return callerNum;
    }

    public String callerName() {
        return callerName;
    }

    void callerId(String num, String nameValue) {
        this.callerNum = num;
        this.callerName = nameValue;
    }

    public String connectedNum() {
        return connectedNum;
    }

    public String connectedName() {
        return connectedName;
    }

    void connectedLine(String num, String nameValue) {
        this.connectedNum = num;
        this.connectedName = nameValue;
    }

    public String language() {
        return language;
    }

    public String accountCode() {
        return accountCode;
    }

    void accountCode(String value) {
        this.accountCode = value == null ? "" : value;
    }

    public String context() {
        return context;
    }

    public String exten() {
        return exten;
    }

    public int priority() {
        return priority;
    }

    void location(String contextValue, String extenValue, int priorityValue) {
        this.context = contextValue;
        this.exten = extenValue;
        this.priority = priorityValue;
    }

    void exten(String value) {
        this.exten = value;
    }

    void priority(int value) {
        this.priority = value;
    }

    public DialplanLocation location() {
        return new DialplanLocation(context, exten, priority);
    }

    public String application() {
        return application;
    }

    public String appData() {
        return appData;
    }

    void application(String app, String data) {
        this.application = app == null ? "" : app;
        this.appData = data == null ? "" : data;
    }

    public Map<String, String> variables() {
        return variables;
    }

    public Bridge bridge() {
        return bridge;
    }

    void bridge(Bridge value) {
        this.bridge = value;
    }

    public long createdMicros() {
        return createdMicros;
    }

    void createdMicros(long value) {
        this.createdMicros = value;
    }

    public long answeredMicros() {
        return answeredMicros;
    }

    void answeredMicros(long value) {
        this.answeredMicros = value;
    }

    public int hangupCause() {
        return hangupCause;
    }

    void hangupCause(int value) {
        this.hangupCause = value;
    }

    public boolean hangupRequested() {
        return hangupRequested;
    }

    void hangupRequested(boolean value) {
        this.hangupRequested = value;
    }

    public boolean destroyed() {
        return destroyed;
    }

    void destroyed(boolean value) {
        this.destroyed = value;
    }

    public LocalPair pair() {
        return pair;
    }

    void pair(LocalPair value) {
        this.pair = value;
    }

    /** The other half of a Local channel pair, if still alive. */
    public Channel localPeer() {
        if (pair == null) {
            return null;
        }
        Channel other = pair.one() == this ? pair.two() : pair.one();
        return other.destroyed ? null : other;
    }

    public ChannelDriver driver() {
        return driver;
    }

    void driver(ChannelDriver value) {
        this.driver = value;
    }

    /** The simulated party behind this channel (an inbound caller's keypad and patience), if any. */
    public CallerBehavior caller() {
        return caller;
    }

    void caller(CallerBehavior value) {
        this.caller = value;
    }

    /** Runs {@code task} right after this channel's Hangup event (before anything reacts to it). */
    void afterHangup(Runnable task) {
        if (afterHangup == null) {
            afterHangup = new java.util.ArrayList<>();
        }
        afterHangup.add(task);
    }

    void runAfterHangup() {
        if (afterHangup != null) {
            java.util.List<Runnable> tasks = afterHangup;
            afterHangup = null;
            tasks.forEach(Runnable::run);
        }
    }

    public boolean alive() {
        return !destroyed;
    }

    @Override
    public String toString() {
        return name + "(" + uniqueid + ", " + state.description() + ")";
    }
}
