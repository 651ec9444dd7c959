package io.switchboard.simulator;

import io.switchboard.simulator.agi.AgiTranscript;
import io.switchboard.simulator.agi.FastAgiClient;
import io.switchboard.simulator.ami.AmiServer;
import io.switchboard.simulator.event.EventListener;
import io.switchboard.simulator.event.EventLog;
import io.switchboard.simulator.pbx.AgentPhones;
import io.switchboard.simulator.pbx.ChannelSnapshot;
import io.switchboard.simulator.pbx.InboundCall;
import io.switchboard.simulator.pbx.Pbx;
import io.switchboard.simulator.pbx.PhoneBehavior;
import io.switchboard.simulator.time.SimClock;
import io.switchboard.simulator.traffic.TrafficGenerator;
import io.switchboard.simulator.traffic.TrafficProfile;
import io.switchboard.simulator.time.VertxSimClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A simulated Asterisk 22: an AMI server, a FastAGI client and the call model behind them, all on one
 * Vert.x event loop. Several can run in one JVM (nothing is static).
 *
 * <pre>{@code
 * try (SimulatedAsterisk asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(4573))) {
 *     int ami = asterisk.amiPort();
 *     SimulatedCall call = asterisk.placeCall(CallSpec.create().script(CallerScript.create().press("1")));
 *     asterisk.events().await(EventLog.event("Newexten", "Application", "Wait"), Duration.ofSeconds(5));
 * }
 * }</pre>
 */
public final class SimulatedAsterisk implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedAsterisk.class);
    private static final long CALL_TIMEOUT_SECONDS = 10;

    private final SimulatorConfig config;
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final EventLog events = new EventLog();
    private Context context;
    private VertxSimClock clock;
    private Pbx pbx;
    private AmiServer ami;
    private FastAgiClient agi;
    private String deploymentId;
    private volatile int amiPort = -1;

    private SimulatedAsterisk(SimulatorConfig config, Vertx vertx, boolean ownsVertx) {
        this.config = config;
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
    }

    /** Starts a simulator on its own small Vert.x instance (one event loop); blocks until AMI listens. */
    public static SimulatedAsterisk start(SimulatorConfig config) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        SimulatedAsterisk sim = new SimulatedAsterisk(config, vertx, true);
        try {
            sim.deploy();
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
        return sim;
    }

    /** Starts a simulator on an existing Vert.x instance (it gets its own event-loop context). */
    public static SimulatedAsterisk start(Vertx vertx, SimulatorConfig config) {
        SimulatedAsterisk sim = new SimulatedAsterisk(config, vertx, false);
        sim.deploy();
        return sim;
    }

    private void deploy() {
        deploymentId = await(vertx.deployVerticle(new Engine()), "deploy the simulator");
    }

    /** The verticle owning the engine context: everything the simulator does runs on its event loop. */
    private final class Engine extends VerticleBase {
        @Override
        public Future<?> start() {
            SimulatedAsterisk.this.context = super.context;
            clock = new VertxSimClock(super.context, config.startEpochMicros(), config.timeScale());
            agi = new FastAgiClient(vertx, config.agiConnectTimeout());
            pbx = new Pbx(config, clock, agi);
            pbx.addListener(events);
            ami = new AmiServer(vertx, super.context, config, pbx);
            return ami.listen().onSuccess(port -> amiPort = port);
        }

        @Override
        public Future<?> stop() {
            agi.closeAll();
            return ami.close().onComplete(ar -> ami.dispose());
        }
    }

    // ------------------------------------------------------------------ the engine thread

    /**
     * Runs {@code task} on the engine thread and waits for its result. From the engine thread itself (an
     * event listener) it runs directly.
     */
    public <T> T onEngine(Callable<T> task) {
        if (Vertx.currentContext() == context) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("engine did not answer within " + CALL_TIMEOUT_SECONDS + " s", e);
        }
    }

    private <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not " + what + " within " + CALL_TIMEOUT_SECONDS + " s", e);
        }
    }

    /**
     * Points the dialplan's FastAGI (the {@code SB_AGI} global) at another server: a test's node that took a free port
     * of its own once it listens, or the next node after a restart.
     */
    public void agiTarget(String host, int port) {
        onEngine(() -> {
            pbx.setVariable(null, "SB_AGI", host + ":" + port);
            return null;
        });
    }

    // ------------------------------------------------------------------ AMI

    /** The bound AMI port (useful when the configured port was 0). */
    public int amiPort() {
        return amiPort;
    }

    /** Stops the AMI server and closes its connections (clients see the connection drop). */
    public void stopAmi() {
        await(onEngine(ami::close), "stop AMI");
    }

    /** Starts the AMI server again on the same port. */
    public void startAmi() {
        amiPort = await(onEngine(ami::listen), "start AMI");
    }

    /** Closes every AMI connection; the server keeps listening. */
    public void dropAmiConnections() {
        onEngine(() -> {
            ami.dropConnections();
            return null;
        });
    }

    public int amiConnections() {
        return onEngine(ami::connectionCount);
    }

    public int amiLoggedIn() {
        return onEngine(ami::loggedInCount);
    }

    // ------------------------------------------------------------------ calls

    /** Places an inbound call (see {@link CallSpec}); returns once its channels exist. */
    public SimulatedCall placeCall(CallSpec spec) {
        return onEngine(() -> new SimulatedCall(this, pbx.placeInboundCall(spec.toSpec())));
    }

    /** Places a call from the engine thread (traffic generator); returns the engine-side call. */
    InboundCall placeCallOnEngine(CallSpec spec) {
        return pbx.placeInboundCall(spec.toSpec());
    }

    /** Live channels, newest first, as CoreShowChannels lists them. */
    public List<ChannelSnapshot> channels() {
        return onEngine(pbx::snapshots);
    }

    /** The simulated agent phones: change how extensions answer (also while calls run). */
    public AgentPhones agentPhones() {
        return config.agentPhones();
    }

    /** Shortcut: {@code Local/<ext>@agents} answers after {@code delay} and talks for {@code talk}. */
    public void agentPhone(String extension, PhoneBehavior behavior) {
        config.agentPhones().set(extension, behavior);
    }

    /**
     * Starts generated inbound traffic per {@code profile} (reproducible for a given seed) and makes the
     * agent phones behave per the profile. Stop it with {@link TrafficGenerator#stop()}.
     */
    public TrafficGenerator startTraffic(TrafficProfile profile, long seed) {
        TrafficGenerator generator = new TrafficGenerator(clock, profile, seed, this::placeCallOnEngine);
        config.agentPhones().defaults(ext -> generator.agentPhoneBehavior());
        onEngine(() -> {
            generator.start();
            return null;
        });
        return generator;
    }

    // ------------------------------------------------------------------ observing

    /** Every event published since start (the AMI stream any client with all permissions sees). */
    public EventLog events() {
        return events;
    }

    public void addEventListener(EventListener listener) {
        onEngine(() -> {
            pbx.addListener(listener);
            return null;
        });
    }

    /** Every FastAGI session's transcript so far, oldest first. */
    public List<AgiTranscript> agiTranscripts() {
        return agi.transcripts();
    }

    public SimClock clock() {
        return clock;
    }

    /** How long a simulated duration takes in real time (for test deadlines with a time scale). */
    public Duration realTime(Duration simulated) {
        return clock.toRealTime(simulated);
    }

    public SimulatorConfig config() {
        return config;
    }

    Pbx pbx() {
        return pbx;
    }

    Vertx vertx() {
        return vertx;
    }

    @Override
    public void close() {
        try {
            if (deploymentId != null) {
                await(vertx.undeploy(deploymentId), "stop the simulator");
            }
        } catch (RuntimeException e) {
            LOG.warn("simulator did not stop cleanly", e);
        } finally {
            if (ownsVertx) {
                try {
                    vertx.close().toCompletionStage().toCompletableFuture().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.debug("Vert.x close: {}", e.toString());
                }
            }
        }
    }
}
