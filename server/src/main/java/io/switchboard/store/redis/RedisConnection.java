package io.switchboard.store.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Lettuce connections to a standalone Redis, a Sentinel-managed one ({@code redis-sentinel://}) or a
 * Cluster (several comma-separated {@code redis://} URIs, or {@code redis-cluster://host:port,...}), plus
 * one connection for pub/sub. Lettuce reconnects by itself; its connections are thread-safe.
 *
 * <p>Given Vert.x's event loops, it opens one command connection <em>on each loop</em> and hands every
 * command to the connection of the loop that issues it ({@link LoopLocalCommands}): the write, Redis's
 * reply and the continuation then all run on the caller's own thread. With a separate Lettuce I/O thread
 * a fifth of the server's CPU went into waking threads up to pass commands and replies back and forth.
 */
public final class RedisConnection implements AutoCloseable {
    /**
     * The longest a command waits for Redis's answer (Lettuce's default is a minute: an API call held that long while
     * Redis was paused). A routing command takes well under a millisecond; a node that waits longer is better off
     * answering 503 and letting the caller try again.
     */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /**
     * While the connection is down, commands fail at once instead of queuing: queued, they ran up to a minute later on
     * reconnection, with the time they were sent (offers already expired, contacts created twice by a client that had
     * given up and tried again elsewhere).
     */
    private static final ClientOptions.DisconnectedBehavior REJECT_WHILE_DISCONNECTED =
            ClientOptions.DisconnectedBehavior.REJECT_COMMANDS;
    /**
     * Reconnection attempts from 100 ms, doubling, at most 2 s apart (Lettuce's default backs off to 30 s: nodes stayed
     * down for up to 24 s after Redis was back).
     */
    private static final Delay RECONNECT_DELAY = Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2,
            TimeUnit.MILLISECONDS);
    private final List<AutoCloseable> closeables;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final String uri;

    private RedisConnection(String uri, List<AutoCloseable> closeables, RedisClusterAsyncCommands<String, String> commands,
                            StatefulRedisPubSubConnection<String, String> pubSub) {
        this.uri = uri;
        this.closeables = closeables;
        this.commands = commands;
        this.pubSub = pubSub;
    }

    /** Connections on Lettuce's own I/O threads (tools and tests outside a server). */
    public static RedisConnection connect(String uri) {
        ClientResources resources = ClientResources.builder().reconnectDelay(RECONNECT_DELAY).build();
        Client client = Client.open(uri, resources);
        return new RedisConnection(uri, List.of(client.commandConnection, client.shutdown, resources::shutdown),
                client.commands, client.pubSub());
    }

    /**
     * One command connection per event loop of {@code loops} (Vert.x's), and one for pub/sub; with Redis
     * command latency in {@code registry}: Lettuce's own recorder, per command type (a bounded label), as
     * count, sum and max only (no buckets: a histogram per command would multiply the series).
     */
    public static RedisConnection connect(String uri, EventLoopGroup loops, MeterRegistry registry) {
        MicrometerOptions options = MicrometerOptions.builder().histogram(false).targetPercentiles(new double[0])
                .build();
        ClientResources shared = ClientResources.builder().reconnectDelay(RECONNECT_DELAY)
                .commandLatencyRecorder(new MicrometerCommandLatencyRecorder(registry, options)).build();
        List<AutoCloseable> closeables = new ArrayList<>();
        List<EventLoop> owners = new ArrayList<>();
        List<RedisClusterAsyncCommands<String, String>> perLoop = new ArrayList<>();
        Client first = null;
        List<AutoCloseable> loopResources = new ArrayList<>();
        for (EventExecutor executor : loops) {
            EventLoop loop = (EventLoop) executor;
            ClientResources resources = shared.mutate().eventLoopGroupProvider(new OnEventLoop(loop)).build();
            // each loop's resources are an instance of their own: shut down too, or Lettuce warns (and leaks) at GC
            loopResources.add(resources::shutdown);
            Client client = Client.open(uri, resources);
            closeables.addFirst(client.shutdown);
            closeables.addFirst(client.commandConnection);
            owners.add(loop);
            perLoop.add(client.commands);
            first = first == null ? client : first;
        }
        if (first == null) {
            throw new IllegalArgumentException("no event loops to connect Redis on");
        }
        StatefulRedisPubSubConnection<String, String> pubSub = first.pubSub();
        closeables.addAll(loopResources);
        closeables.add(shared::shutdown);
        return new RedisConnection(uri, closeables, LoopLocalCommands.create(owners, perLoop), pubSub);
    }

    private static List<String> clusterNodes(String uri) {
        if (uri.startsWith("redis-cluster://")) {
            return Arrays.stream(uri.substring("redis-cluster://".length()).split(","))
                    .map(hostPort -> "redis://" + hostPort.trim()).toList();
        }
        if (uri.matches("rediss?-sentinel://.*")) {
            return List.of(uri); // its commas separate sentinels: one Redis behind them
        }
        return Arrays.stream(uri.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public RedisClusterAsyncCommands<String, String> commands() {
        return commands;
    }

    public String uri() {
        return uri;
    }

    /**
     * Subscribes to channels; the listener gets every channel's messages, on a Redis I/O thread, and
     * must hand work off at once.
     */
    public CompletionStage<Void> subscribe(RedisPubSubListener<String, String> listener, String... channels) {
        pubSub.addListener(listener);
        return pubSub.async().subscribe(channels);
    }

    @Override
    public void close() throws Exception {
        pubSub.close();
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    /** A Lettuce client of the right kind for the URI, with its command connection. */
    private record Client(AutoCloseable shutdown, AutoCloseable commandConnection,
                          RedisClusterAsyncCommands<String, String> commands,
                          Supplier<StatefulRedisPubSubConnection<String, String>> pubSubs) {
        static Client open(String uri, ClientResources resources) {
            List<String> nodes = clusterNodes(uri);
            if (nodes.size() > 1 || uri.startsWith("redis-cluster://")) {
                RedisClusterClient client = RedisClusterClient.create(resources,
                        nodes.stream().map(RedisURI::create).toList());
                client.setOptions(ClusterClientOptions.builder().disconnectedBehavior(REJECT_WHILE_DISCONNECTED)
                        .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT)).build());
                StatefulRedisClusterConnection<String, String> connection = client.connect();
                return new Client(client::shutdown, connection, connection.async(), client::connectPubSub);
            }
            RedisClient client = RedisClient.create(resources, RedisURI.create(uri));
            client.setOptions(ClientOptions.builder().disconnectedBehavior(REJECT_WHILE_DISCONNECTED)
                    .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT)).build());
            StatefulRedisConnection<String, String> connection = client.connect();
            return new Client(client::shutdown, connection, connection.async(), client::connectPubSub);
        }

        StatefulRedisPubSubConnection<String, String> pubSub() {
            return pubSubs.get();
        }
    }
}
