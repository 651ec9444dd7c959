package io.switchboard.voice.ami;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.action.CoreShowChannelsAction;
import org.asteriskjava.manager.action.ManagerAction;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.response.ManagerError;
import org.asteriskjava.manager.response.ManagerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager connection to one Asterisk server (Asterisk-Java). Events are copied onto a Vert.x
 * context and the reader thread returns at once (a slow handler on it makes actions time out,
 * asterisk-java#161); actions are sent asynchronously and answered as Vert.x futures.
 *
 * <p>Reconnecting is ours, not Asterisk-Java's (whose reconnect thread sleeps in a loop with its own
 * delays): a lost connection is closed and a fresh one logs in after a backoff that doubles from
 * {@link #FIRST_RETRY_MILLIS} to {@link #MAX_RETRY_MILLIS}, each delay jittered so that several nodes do
 * not hammer a restarting Asterisk in step. One warning per outage; {@code switchboard_ami_connected}
 * and {@code switchboard_ami_reconnects_total} show it. Every (re)login is followed by Asterisk-Java's
 * ConnectEvent, on which the voice channel re-syncs its calls.
 */
public final class AmiLink {
    private static final Logger LOG = LoggerFactory.getLogger(AmiLink.class);
    public static final long FIRST_RETRY_MILLIS = 500;
    public static final long MAX_RETRY_MILLIS = 30_000;
    /** How long an action may wait for Asterisk's answer. */
    public static final java.time.Duration ANSWER_WITHIN = java.time.Duration.ofSeconds(10);

    /**
     * A channel Asterisk has: its name, unique id, the bridge it is in ("" = none) and whether it is answered (state
     * Up).
     */
    public record LiveChannel(String name, String uniqueId, String bridgeId, boolean up) {
    }

    private final Vertx vertx;
    private final AmiEndpoint endpoint;
    private final ManagerConnectionFactory factory;
    private final Counter reconnects;
    private volatile ManagerConnection connection;
    private Context context;
    private Consumer<ManagerEvent> handler;
    private boolean everConnected;
    private volatile boolean stopped;

    public AmiLink(Vertx vertx, AmiEndpoint endpoint, MeterRegistry registry) {
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.factory = new ManagerConnectionFactory(endpoint.host(), endpoint.port(), endpoint.username(),
                endpoint.secret());
        Gauge.builder("switchboard_ami_connected", this, link -> link.connected() ? 1 : 0)
                .description("1 while the manager connection to this Asterisk server is up")
                .tag("asterisk", endpoint.name()).register(registry);
        this.reconnects = Counter.builder("switchboard_ami_reconnects")
                .description("Manager connections re-established after being lost")
                .tag("asterisk", endpoint.name()).register(registry);
    }

    public AmiEndpoint endpoint() {
        return endpoint;
    }

    /** Connects in the background (login is blocking: on a worker); events go to the handler on this context. */
    public void start(Consumer<ManagerEvent> eventHandler) {
        context = vertx.getOrCreateContext();
        handler = eventHandler;
        connect(0);
    }

    private void connect(int failures) {
        if (stopped) {
            return;
        }
        ManagerConnection fresh = factory.createManagerConnection();
        fresh.registerUserEventClass(SwitchboardConsultEvent.class);
        fresh.registerUserEventClass(ShownChannelEvent.class);
        fresh.addEventListener(event -> context.runOnContext(v -> {
            if (event instanceof DisconnectEvent) {
                if (fresh == connection && !stopped) {
                    handler.accept(event); // the handler's calls there go to a node that hears them, at once
                }
                lost(fresh);
            } else if (fresh == connection) {
                handler.accept(event);
            }
        }));
        connection = fresh;
        vertx.executeBlocking(() -> {
            fresh.login("on");
            return null;
        }).onSuccess(v -> {
            if (everConnected) {
                reconnects.increment();
            }
            everConnected = true;
            LOG.info("AMI connected to {} ({}:{})", endpoint.name(), endpoint.host(), endpoint.port());
        }).onFailure(e -> {
            if (failures == 0) {
                LOG.warn("AMI login to {} failed ({}); retrying with backoff", endpoint.name(), e.getMessage());
            }
            retry(fresh, failures + 1);
        });
    }

    /** The connection dropped (Asterisk restarted, network): close it for good and log in afresh. */
    private void lost(ManagerConnection dropped) {
        if (dropped != connection || stopped) {
            return;
        }
        LOG.warn("AMI connection to {} lost; reconnecting", endpoint.name());
        retry(dropped, 1);
    }

    private void retry(ManagerConnection old, int failures) {
        close(old);
        long delay = delayMillis(failures);
        vertx.setTimer(delay, id -> context.runOnContext(v -> connect(failures)));
    }

    /** Exponential backoff with a cap, each delay drawn between half and all of it (jitter). */
    static long delayMillis(int failures) {
        long ceiling = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failures - 1, 20));
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    /** Logs off (also stopping Asterisk-Java's own reconnect thread); a dead socket's errors are expected. */
    private Future<Void> close(ManagerConnection old) {
        return vertx.executeBlocking(() -> {
            ManagerConnectionState state = old.getState();
            if (state == ManagerConnectionState.CONNECTED || state == ManagerConnectionState.RECONNECTING) {
                try {
                    old.logoff();
                } catch (RuntimeException e) {
                    LOG.debug("AMI logoff from {}: {}", endpoint.name(), e.getMessage());
                }
            }
            return null;
        });
    }

    /** The channels Asterisk has up now (CoreShowChannels), to re-sync after a reconnect. */
    public Future<List<LiveChannel>> liveChannels() {
        Promise<List<LiveChannel>> promise = Promise.promise();
        try {
            connection.sendEventGeneratingAction(new CoreShowChannelsAction(), events -> context.runOnContext(v -> {
                List<LiveChannel> live = new ArrayList<>();
                events.getEvents().forEach(e -> {
                    if (e instanceof CoreShowChannelEvent c) {
                        boolean up = c instanceof ShownChannelEvent shown && shown.up();
                        live.add(new LiveChannel(c.getChannel(), c.getUniqueid(),
                                c.getBridgeid() == null ? "" : c.getBridgeid(), up));
                    }
                });
                promise.complete(live);
            }));
        } catch (java.io.IOException | IllegalStateException e) {
            promise.fail(e);
        }
        return promise.future();
    }

    public boolean connected() {
        ManagerConnection current = connection;
        return current != null && current.getState() == ManagerConnectionState.CONNECTED;
    }

    /**
     * Sends an action. Fails with {@link NotSent} when it certainly did nothing (no connection, or Asterisk answered
     * Error, with its message); with another exception when Asterisk did not answer within {@link #ANSWER_WITHIN}
     * (the connection dropped after the write: whether Asterisk acted is not known).
     */
    public Future<ManagerResponse> send(ManagerAction action) {
        Promise<ManagerResponse> promise = Promise.promise();
        ManagerConnection current = connection;
        if (current == null) {
            return Future.failedFuture(new NotSent("not connected to " + endpoint.name()));
        }
        try {
            current.sendAction(action, response -> context.runOnContext(v -> {
                if (response instanceof ManagerError error) {
                    promise.tryFail(new NotSent(action.getAction() + " failed: " + error.getMessage()));
                } else {
                    promise.tryComplete(response);
                }
            }));
        } catch (java.io.IOException | IllegalStateException e) {
            return Future.failedFuture(new NotSent(action.getAction() + " not sent: " + e.getMessage()));
        }
        long timer = vertx.setTimer(ANSWER_WITHIN.toMillis(), id -> promise.tryFail(
                action.getAction() + ": no answer from " + endpoint.name() + " in " + ANSWER_WITHIN.toSeconds() + " s"));
        return promise.future().onComplete(ar -> vertx.cancelTimer(timer));
    }

    /** The action did nothing: it never reached Asterisk, or Asterisk refused it. Trying again cannot do it twice. */
    public static final class NotSent extends IllegalStateException {
        public NotSent(String message) {
            super(message);
        }
    }

    public Future<Void> stop() {
        stopped = true;
        ManagerConnection current = connection;
        return current == null ? Future.succeededFuture() : close(current);
    }
}
