package io.switchboard.voice.ami;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.asteriskjava.manager.action.CoreShowChannelsAction;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.action.ManagerAction;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.response.ManagerError;
import org.asteriskjava.manager.response.ManagerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager connection to one Asterisk server (Asterisk-Java). Events are copied onto a Vert.x
 * context and the reader thread returns at once (a slow handler on it makes actions time out,
 * asterisk-java#161); actions are sent asynchronously and answered as Vert.x futures.
 */
public final class AmiLink {
    private static final Logger LOG = LoggerFactory.getLogger(AmiLink.class);

    private final Vertx vertx;
    private final AmiEndpoint endpoint;
    private final ManagerConnection connection;
    private Context context;
    private volatile boolean stopped;

    public AmiLink(Vertx vertx, AmiEndpoint endpoint, MeterRegistry registry) {
        this.vertx = vertx;
        this.endpoint = endpoint;
        this.connection = new ManagerConnectionFactory(endpoint.host(), endpoint.port(), endpoint.username(),
                endpoint.secret()).createManagerConnection();
        Gauge.builder("switchboard_ami_connected", this, link -> link.connected() ? 1 : 0)
                .description("1 while the manager connection to this Asterisk server is up")
                .tag("asterisk", endpoint.name()).register(registry);
    }

    public AmiEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Logs in (blocking, so on a worker); events go to the handler on this caller's context. An Asterisk
     * that is down is retried with a doubling delay (1 s to 30 s), one warning per attempt series;
     * once connected, Asterisk-Java re-establishes a dropped connection by itself.
     */
    public void start(Consumer<ManagerEvent> handler) {
        context = vertx.getOrCreateContext();
        connection.addEventListener(event -> context.runOnContext(v -> handler.accept(event)));
        login(1_000);
    }

    private void login(long retryMillis) {
        if (stopped) {
            return;
        }
        vertx.executeBlocking(() -> {
            connection.login("on");
            return null;
        }).onSuccess(v -> LOG.info("AMI connected to {} ({}:{})", endpoint.name(), endpoint.host(), endpoint.port()))
                .onFailure(e -> {
                    if (retryMillis == 1_000) {
                        LOG.warn("AMI login to {} failed ({}); retrying", endpoint.name(), e.getMessage());
                    }
                    vertx.setTimer(retryMillis, id -> login(Math.min(30_000, retryMillis * 2)));
                });
    }

    /** Unique ids of the channels Asterisk has up now (CoreShowChannels), to re-sync after a reconnect. */
    public Future<Set<String>> liveChannels() {
        Promise<Set<String>> promise = Promise.promise();
        try {
            connection.sendEventGeneratingAction(new CoreShowChannelsAction(), events -> context.runOnContext(v -> {
                Set<String> ids = new HashSet<>();
                events.getEvents().forEach(e -> {
                    if (e instanceof CoreShowChannelEvent channel) {
                        ids.add(channel.getUniqueid());
                    }
                });
                promise.complete(ids);
            }));
        } catch (java.io.IOException | IllegalStateException e) {
            promise.fail(e);
        }
        return promise.future();
    }

    public boolean connected() {
        return connection.getState() == ManagerConnectionState.CONNECTED;
    }

    /** Sends an action; fails with Asterisk's message when it answers Error. */
    public Future<ManagerResponse> send(ManagerAction action) {
        Promise<ManagerResponse> promise = Promise.promise();
        try {
            connection.sendAction(action, response -> context.runOnContext(v -> {
                if (response instanceof ManagerError error) {
                    promise.fail(action.getAction() + " failed: " + error.getMessage());
                } else {
                    promise.complete(response);
                }
            }));
        } catch (java.io.IOException | IllegalStateException e) {
            promise.fail(e);
        }
        return promise.future();
    }

    public Future<Void> stop() {
        stopped = true;
        return vertx.executeBlocking(() -> {
            if (connection.getState() == ManagerConnectionState.CONNECTED) {
                connection.logoff();
            }
            return null;
        });
    }
}
