package io.switchboard.store.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One Lettuce connection for commands and one for pub/sub, to a standalone Redis, a Sentinel-managed
 * one ({@code redis-sentinel://}) or a Cluster (several comma-separated {@code redis://} URIs, or
 * {@code redis-cluster://host:port,...}). Lettuce reconnects by itself; its connections are
 * thread-safe and shared by every verticle.
 */
public final class RedisConnection implements AutoCloseable {
    private final AutoCloseable client;
    private final RedisClusterAsyncCommands<String, String> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final AutoCloseable commandConnection;
    private final String uri;

    private RedisConnection(String uri, AutoCloseable client, AutoCloseable commandConnection,
                            RedisClusterAsyncCommands<String, String> commands,
                            StatefulRedisPubSubConnection<String, String> pubSub) {
        this.uri = uri;
        this.client = client;
        this.commandConnection = commandConnection;
        this.commands = commands;
        this.pubSub = pubSub;
    }

    public static RedisConnection connect(String uri) {
        return connect(uri, ClientResources.create());
    }

    /**
     * With Redis command latency in {@code registry}: Lettuce's own recorder, per command type (a bounded
     * label), as count, sum and max only (no buckets: a histogram per command would multiply the series).
     */
    public static RedisConnection connect(String uri, MeterRegistry registry) {
        MicrometerOptions options = MicrometerOptions.builder().histogram(false).targetPercentiles(new double[0])
                .build();
        return connect(uri, ClientResources.builder()
                .commandLatencyRecorder(new MicrometerCommandLatencyRecorder(registry, options)).build());
    }

    private static RedisConnection connect(String uri, ClientResources resources) {
        List<String> nodes = clusterNodes(uri);
        AutoCloseable shutdown;
        if (nodes.size() > 1 || uri.startsWith("redis-cluster://")) {
            RedisClusterClient client = RedisClusterClient.create(resources, nodes.stream().map(RedisURI::create).toList());
            StatefulRedisClusterConnection<String, String> connection = client.connect();
            shutdown = () -> {
                client.shutdown();
                resources.shutdown();
            };
            return new RedisConnection(uri, shutdown, connection, connection.async(), client.connectPubSub());
        }
        RedisClient client = RedisClient.create(resources, RedisURI.create(uri));
        StatefulRedisConnection<String, String> connection = client.connect();
        shutdown = () -> {
            client.shutdown();
            resources.shutdown();
        };
        return new RedisConnection(uri, shutdown, connection, connection.async(), client.connectPubSub());
    }

    private static List<String> clusterNodes(String uri) {
        if (uri.startsWith("redis-cluster://")) {
            return Arrays.stream(uri.substring("redis-cluster://".length()).split(","))
                    .map(hostPort -> "redis://" + hostPort.trim()).toList();
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
     * Subscribes to channels; the listener gets every channel's messages, on Lettuce's I/O thread, and
     * must hand work off at once.
     */
    public CompletionStage<Void> subscribe(RedisPubSubListener<String, String> listener, String... channels) {
        pubSub.addListener(listener);
        return pubSub.async().subscribe(channels);
    }

    @Override
    public void close() throws Exception {
        pubSub.close();
        commandConnection.close();
        client.close();
    }
}
