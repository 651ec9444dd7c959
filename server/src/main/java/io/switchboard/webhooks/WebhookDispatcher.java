package io.switchboard.webhooks;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.models.stream.PendingMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.engine.QuietWarning;
import io.switchboard.routing.Sha256;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.store.redis.StreamConsumers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers routing events to CRM webhooks, off the routing path: the routing script appends every
 * event to a Redis stream; every node reads it through one consumer group, so each event is delivered
 * by one node; a delivery is acknowledged only after every URL answered 2xx, and a failed one is
 * claimed again after a backoff that doubles per attempt, by whichever node sweeps first. A slow or
 * failing receiver shows in {@code switchboard_webhook_*} metrics, never in routing latency.
 */
public final class WebhookDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final String GROUP = "webhooks";
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final int BATCH = 100;
    /** Pages of pending deliveries one round reads for due retries: 1,000 deliveries. */
    private static final int MAX_PAGES = 10;
    /**
     * A consumer this long idle with nothing pending is a process gone (each start reads as a new one): it is removed,
     * so the group does not grow with every restart. A live node reads every poll, and is recreated by its next read.
     */
    private static final Duration GONE_AFTER = Duration.ofHours(1);

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final String stream;
    private final SwitchboardConfig.Webhooks config;
    private final Consumer<String> consumer = Consumer.from(GROUP, "node-" + UUID.randomUUID());
    private final StreamConsumers consumers;
    private final HttpClient http;
    private final MeterRegistry registry;
    private final Timer latency;
    private final AtomicLong pending = new AtomicLong();
    private long timerId = -1;
    private long pruneTimerId = -1;
    private boolean busy;
    private final QuietWarning failures = new QuietWarning(WebhookDispatcher.class);

    public WebhookDispatcher(Vertx vertx, RedisClusterAsyncCommands<String, String> redis, RedisKeys keys,
                             SwitchboardConfig.Webhooks config, MeterRegistry registry) {
        this.vertx = vertx;
        this.redis = redis;
        this.stream = keys.events();
        this.consumers = new StreamConsumers(vertx, redis);
        this.config = config;
        this.registry = registry;
        // a connection per delivery of a batch: with Vert.x's default of 5 per receiver, a slow receiver's batch waited
        // for connections, and the wait used up its attempts (dropped after maxAttempts, some never posted once)
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.timeout().toMillis())
                .setIdleTimeout((int) Math.max(1, config.timeout().toSeconds() * 6)),
                new PoolOptions().setHttp1MaxSize(BATCH));
        this.latency = Timer.builder("switchboard_webhook_delivery")
                .description("Time for a webhook receiver to answer one delivery")
                .publishPercentileHistogram().maximumExpectedValue(config.timeout()).register(registry);
        Gauge.builder("switchboard_webhook_pending", pending, AtomicLong::get)
                .description("Events delivered but not yet acknowledged by every receiver (retries waiting)")
                .register(registry);
    }

    public Future<Void> start() {
        return future(() -> redis.xgroupCreate(XReadArgs.StreamOffset.latest(stream), GROUP,
                        XGroupCreateArgs.Builder.mkstream()))
                .<Void>mapEmpty()
                .recover(e -> e instanceof RedisBusyException || String.valueOf(e.getMessage()).contains("BUSYGROUP")
                        ? Future.succeededFuture() : Future.failedFuture(e))
                .onSuccess(v -> vertx.runOnContext(x -> {
                    timerId = vertx.setPeriodic(config.poll().toMillis(), id -> tick());
                    pruneTimerId = vertx.setPeriodic(0, GONE_AFTER.toMillis() / 4, id -> pruneGoneConsumers(GONE_AFTER)
                            .onFailure(e -> failures.warn("webhook consumers not pruned: {}", e.getMessage())));
                }));
    }

    public void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            vertx.cancelTimer(pruneTimerId);
        }
        http.close();
    }

    /** Removes the consumers of processes gone (not this one): nothing pending, idle at least {@code idleFor}. */
    Future<Long> pruneGoneConsumers(Duration idleFor) {
        return consumers.pruneIdle(stream, GROUP, consumer.getName(), idleFor);
    }

    /** One round: new events first, then due retries. Rounds never overlap on a node. */
    private void tick() {
        if (busy) {
            return;
        }
        busy = true;
        readNew().compose(n -> retryDue()).onComplete(ar -> {
            busy = false;
            if (ar.failed()) {
                failures.warn("webhook round failed: {}", ar.cause().getMessage());
            }
        });
    }

    private Future<Void> readNew() {
        return future(() -> redis.xreadgroup(consumer, XReadArgs.Builder.count(BATCH),
                XReadArgs.StreamOffset.lastConsumed(stream)))
                .compose(messages -> deliverAll(messages == null ? List.of() : messages));
    }

    /**
     * Due retries, found page by page from the oldest pending delivery: after a receiver's outage the oldest ones wait
     * out long backoffs, and a scan of only the first page would leave every newer retry behind them.
     */
    private Future<Void> retryDue() {
        return future(() -> redis.xpending(stream, GROUP)).compose(summary -> {
            pending.set(summary.getCount());
            return summary.getCount() == 0 ? Future.succeededFuture(List.<PendingMessage>of())
                    : dueFrom("-", new ArrayList<>(), 1);
        }).compose(due -> {
            List<String> exhausted = due.stream().filter(p -> p.getRedeliveryCount() >= config.maxAttempts())
                    .map(PendingMessage::getId).toList();
            List<String> retry = due.stream().filter(p -> p.getRedeliveryCount() < config.maxAttempts())
                    .map(PendingMessage::getId).toList();
            return drop(exhausted).compose(v -> claimAndDeliver(retry));
        });
    }

    /** Up to a batch of due deliveries from this id on, reading at most {@link #MAX_PAGES} pages a round. */
    private Future<List<PendingMessage>> dueFrom(String start, List<PendingMessage> due, int page) {
        return future(() -> redis.xpending(stream, new XPendingArgs<String>().group(GROUP)
                .range(Range.create(start, "+")).limit(Limit.from(BATCH)).idle(config.retryBase().plus(config.timeout()))))
                .compose(list -> {
                    list.stream().filter(p -> p.getMsSinceLastDelivery() >= retryAfter(p.getRedeliveryCount()).toMillis())
                            .limit(BATCH - due.size()).forEach(due::add);
                    if (list.size() < BATCH || due.size() >= BATCH || page >= MAX_PAGES) {
                        return Future.succeededFuture(due);
                    }
                    return dueFrom(after(list.get(list.size() - 1).getId()), due, page + 1);
                });
    }

    /** The stream id right after this one ("<ms>-<seq>"): the next page starts there. */
    static String after(String id) {
        int dash = id.indexOf('-');
        return id.substring(0, dash + 1) + (Long.parseLong(id.substring(dash + 1)) + 1);
    }

    private Future<Void> claimAndDeliver(List<String> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture();
        }
        // never claim a delivery another node may still be making: it is idle for at least the timeout first
        long minIdle = config.retryBase().plus(config.timeout()).toMillis();
        return future(() -> redis.xclaim(stream, consumer, minIdle, ids.toArray(String[]::new)))
                .compose(this::deliverAll);
    }

    private Future<Void> drop(List<String> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture();
        }
        LOG.warn("dropping {} webhook deliveries after {} attempts", ids.size(), config.maxAttempts());
        outcome("dropped").increment(ids.size());
        return future(() -> redis.xack(stream, GROUP, ids.toArray(String[]::new))).mapEmpty();
    }

    private Future<Void> deliverAll(List<StreamMessage<String, String>> messages) {
        return Future.join(messages.stream().map(this::deliver).toList()).<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }

    /** Posts one event to every URL; acknowledges it only when all of them took it. */
    private Future<Void> deliver(StreamMessage<String, String> message) {
        String body = message.getBody().get("event");
        if (body == null) {
            return future(() -> redis.xack(stream, GROUP, message.getId())).mapEmpty();
        }
        List<Future<Void>> posts = config.urls().stream().map(url -> post(url, message.getId(),
                message.getBody().getOrDefault("type", ""), body)).toList();
        return Future.all(posts)
                .compose(v -> future(() -> redis.xack(stream, GROUP, message.getId())))
                .<Void>mapEmpty()
                .onSuccess(v -> outcome("success").increment())
                .onFailure(e -> {
                    outcome("failure").increment();
                    failures.warn("webhook delivery {} failed, will retry: {}", message.getId(), e.getMessage());
                });
    }

    private Future<Void> post(String url, String deliveryId, String type, String body) {
        long started = System.nanoTime();
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        return http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                        .setTimeout(config.timeout().toMillis())
                        .putHeader("Content-Type", "application/json")
                        .putHeader("X-Switchboard-Event", type)
                        .putHeader("X-Switchboard-Delivery", deliveryId)
                        .putHeader("X-Switchboard-Timestamp", timestamp)
                        .putHeader("X-Switchboard-Signature", "sha256=" + sign(timestamp + "." + body)))
                .compose(request -> request.send(Buffer.buffer(body)))
                .compose(response -> {
                    latency.record(Duration.ofNanos(System.nanoTime() - started));
                    return response.statusCode() / 100 == 2 ? Future.<Void>succeededFuture()
                            : Future.failedFuture(url + " answered " + response.statusCode());
                });
    }

    /** HMAC-SHA256 over "timestamp.body", hex: receivers recompute it and reject old timestamps. */
    String sign(String payload) {
        return HexFormat.of().formatHex(Sha256.hmac(config.secret().getBytes(StandardCharsets.UTF_8), payload));
    }

    /**
     * A failed delivery is retried once its last attempt has certainly finished (the receiver timeout)
     * and the backoff has passed, so two nodes never post the same event at once.
     */
    private Duration retryAfter(long deliveries) {
        return config.timeout().plus(backoff(deliveries));
    }

    private Duration backoff(long deliveries) {
        long factor = 1L << Math.min(20, Math.max(0, deliveries - 1));
        Duration delay = config.retryBase().multipliedBy(factor);
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    private Counter outcome(String outcome) {
        return Counter.builder("switchboard_webhook_deliveries").description("Webhook deliveries by outcome")
                .tag("outcome", outcome).register(registry);
    }

    /** One warning per 30 s at most: a receiver that is down must not flood the log. */
    private <T> Future<T> future(Supplier<CompletionStage<T>> call) {
        return Future.fromCompletionStage(call.get(), vertx.getOrCreateContext());
    }
}
