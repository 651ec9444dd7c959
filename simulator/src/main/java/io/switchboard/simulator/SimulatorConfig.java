package io.switchboard.simulator;

import io.switchboard.simulator.ami.ManagerUser;
import io.switchboard.simulator.pbx.AgentPhones;
import io.switchboard.simulator.pbx.Dialplan;
import io.switchboard.simulator.pbx.SoundLibrary;
import io.switchboard.simulator.queue.QueueConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Everything a {@link SimulatedAsterisk} is built from. Defaults reproduce the captured Asterisk 22.10.1
 * (its manager.conf, extensions.conf and queues.conf) with an ephemeral AMI port; change what a test needs
 * with the fluent setters before {@code start()}.
 */
public final class SimulatorConfig {

    // --- AMI (manager.conf) ---
    private String amiBindHost = "127.0.0.1";
    private int amiPort = 0;
    private final Map<String, ManagerUser> users = new LinkedHashMap<>();
    private boolean timestampEvents = false;
    private String amiVersion = "11.0.0";
    private Duration authTimeout = Duration.ofSeconds(30);
    private Duration loginFailureDelay = Duration.ofSeconds(1);
    private Duration writeTimeout = Duration.ofSeconds(5);
    private int maxLineBytes = 1024;
    private int maxHeaders = 128;

    // --- FastAGI ---
    private String agiHost = "127.0.0.1";
    private int agiPort = 4573;
    private long agiThreadIdBase = 139969551361728L;
    private Duration agiConnectTimeout = Duration.ofMillis(2000);

    // --- the PBX ---
    private String asteriskVersion = "22.10.1";
    private Dialplan dialplan;
    private QueueConfig queues;
    private AgentPhones agentPhones = AgentPhones.answeringImmediately();
    private final Set<String> phoneContexts = new LinkedHashSet<>(Set.of("agents"));
    private SoundLibrary sounds = SoundLibrary.standard();
    private long randomSeed = 1;
    private long startEpochMicros = -1;
    private double timeScale = 1.0;

    public SimulatorConfig() {
        users.put("cti", ManagerUser.allPermissions("cti", "ctisecret"));
    }

    public static SimulatorConfig defaults() {
        return new SimulatorConfig();
    }

    public String amiBindHost() {
        return amiBindHost;
    }

    public SimulatorConfig amiBindHost(String value) {
        this.amiBindHost = value;
        return this;
    }

    public int amiPort() {
        return amiPort;
    }

    /** 0 picks a free port; read the bound one from {@link SimulatedAsterisk#amiPort()}. */
    public SimulatorConfig amiPort(int value) {
        this.amiPort = value;
        return this;
    }

    public Map<String, ManagerUser> users() {
        return users;
    }

    public SimulatorConfig user(ManagerUser user) {
        users.put(user.username(), user);
        return this;
    }

    public SimulatorConfig clearUsers() {
        users.clear();
        return this;
    }

    public boolean timestampEvents() {
        return timestampEvents;
    }

    /** manager.conf timestampevents: adds {@code Timestamp: <epoch>.<micros>} after Privilege. Off, as in the capture. */
    public SimulatorConfig timestampEvents(boolean value) {
        this.timestampEvents = value;
        return this;
    }

    public String amiVersion() {
        return amiVersion;
    }

    public SimulatorConfig amiVersion(String value) {
        this.amiVersion = value;
        return this;
    }

    public Duration authTimeout() {
        return authTimeout;
    }

    public SimulatorConfig authTimeout(Duration value) {
        this.authTimeout = value;
        return this;
    }

    public Duration loginFailureDelay() {
        return loginFailureDelay;
    }

    /** Asterisk sleeps a second before answering a failed login; tests may shorten it. */
    public SimulatorConfig loginFailureDelay(Duration value) {
        this.loginFailureDelay = value;
        return this;
    }

    public Duration writeTimeout() {
        return writeTimeout;
    }

    public SimulatorConfig writeTimeout(Duration value) {
        this.writeTimeout = value;
        return this;
    }

    public int maxLineBytes() {
        return maxLineBytes;
    }

    public SimulatorConfig maxLineBytes(int value) {
        this.maxLineBytes = value;
        return this;
    }

    public int maxHeaders() {
        return maxHeaders;
    }

    public String agiHost() {
        return agiHost;
    }

    public SimulatorConfig agiHost(String value) {
        this.agiHost = value;
        return this;
    }

    public int agiPort() {
        return agiPort;
    }

    public SimulatorConfig agiPort(int value) {
        this.agiPort = value;
        return this;
    }

    public long agiThreadIdBase() {
        return agiThreadIdBase;
    }

    public SimulatorConfig agiThreadIdBase(long value) {
        this.agiThreadIdBase = value;
        return this;
    }

    public Duration agiConnectTimeout() {
        return agiConnectTimeout;
    }

    public SimulatorConfig agiConnectTimeout(Duration value) {
        this.agiConnectTimeout = value;
        return this;
    }

    public String asteriskVersion() {
        return asteriskVersion;
    }

    public SimulatorConfig asteriskVersion(String value) {
        this.asteriskVersion = value;
        return this;
    }

    /** The dialplan; the captured extensions.conf unless set. */
    public Dialplan dialplan() {
        if (dialplan == null) {
            dialplan = Dialplan.defaults();
        }
        return dialplan;
    }

    public SimulatorConfig dialplan(Dialplan value) {
        this.dialplan = value;
        return this;
    }

    /** Queues; the captured queues.conf unless set. */
    public QueueConfig queues() {
        if (queues == null) {
            queues = QueueConfig.defaults();
        }
        return queues;
    }

    public SimulatorConfig queues(QueueConfig value) {
        this.queues = value;
        return this;
    }

    public AgentPhones agentPhones() {
        return agentPhones;
    }

    public SimulatorConfig agentPhones(AgentPhones value) {
        this.agentPhones = value;
        return this;
    }

    /** Contexts whose Local channels are simulated phones (answer delay, talk time). */
    public Set<String> phoneContexts() {
        return phoneContexts;
    }

    public SoundLibrary sounds() {
        return sounds;
    }

    public SimulatorConfig sounds(SoundLibrary value) {
        this.sounds = value;
        return this;
    }

    public long randomSeed() {
        return randomSeed;
    }

    /** Seed for everything random (bridge ids, AGI CommandIds, MD5 challenges): runs are reproducible. */
    public SimulatorConfig randomSeed(long value) {
        this.randomSeed = value;
        return this;
    }

    public long startEpochMicros() {
        return startEpochMicros;
    }

    /** Simulated time at start (e.g. 1795369009000000 to get the capture's Uniqueids); -1: the real clock. */
    public SimulatorConfig startEpochMicros(long value) {
        this.startEpochMicros = value;
        return this;
    }

    public double timeScale() {
        return timeScale;
    }

    /** Simulated seconds per real second: 10 makes a 5 s talk time pass in 0.5 s. */
    public SimulatorConfig timeScale(double value) {
        this.timeScale = value;
        return this;
    }
}
