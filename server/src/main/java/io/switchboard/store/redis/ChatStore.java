package io.switchboard.store.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Chat state in Redis: transcripts (a list per interaction, appended and published atomically by
 * {@code chat.lua}), session tokens and CSAT scores. Futures complete on the caller's Vert.x context.
 */
public final class ChatStore {
    /** Messages a transcript keeps; a chat longer than this is a process problem, and Redis stays bounded. */
    public static final int MAX_MESSAGES = 2000;
    private static final String SCRIPT = load();
    private static final String SHA = sha1(SCRIPT);

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;

    public ChatStore(RoutingStore store) {
        this.vertx = store.vertx();
        this.redis = store.commands();
        this.keys = store.keys();
    }

    public RedisKeys keys() {
        return keys;
    }

    /**
     * Appends the message (its {@code seq} is set here) and publishes it on {@code channel} in one step.
     * @param channel pub/sub channel, or null to only store it
     * @return the message's seq, or 0 if the transcript is full
     */
    public Future<Long> append(String interactionId, JsonObject message, String channel) {
        String[] keyArray = {keys.chatTranscript(interactionId)};
        String[] args = {message.encode(), channel == null ? "" : channel, Integer.toString(MAX_MESSAGES)};
        return future(() -> redis.<Long>evalsha(SHA, ScriptOutputType.INTEGER, keyArray, args)
                .exceptionallyCompose(e -> unwrap(e) instanceof RedisNoScriptException
                        ? redis.<Long>eval(SCRIPT, ScriptOutputType.INTEGER, keyArray, args)
                        : CompletableFuture.failedStage(e)));
    }

    public Future<List<String>> transcript(String interactionId) {
        return future(() -> redis.lrange(keys.chatTranscript(interactionId), 0, -1));
    }

    /** Publishes an event that is not part of the transcript (typing, agent joined, ended). */
    public Future<Void> publish(String channel, JsonObject event) {
        return future(() -> redis.publish(channel, event.encode())).mapEmpty();
    }

    public Future<Void> saveSession(String token, String interactionId, Duration ttl) {
        return future(() -> redis.setex(keys.chatSession(token), ttl.toSeconds(), interactionId)).mapEmpty();
    }

    /** Records the score unless the chat was rated already; true if this one counted. */
    public Future<Boolean> rateOnce(String interactionId, int score) {
        return future(() -> redis.set(keys.chatRating(interactionId), Integer.toString(score),
                SetArgs.Builder.nx().ex(Duration.ofDays(400)))).map("OK"::equals);
    }

    /** Fields of the interaction's hash (null where absent). */
    public Future<List<String>> interactionFields(String interactionId, String... fields) {
        return future(() -> redis.hmget(keys.interaction(interactionId), fields))
                .map(values -> values.stream().map(v -> v.getValueOrElse(null)).toList());
    }

    private <T> Future<T> future(Supplier<CompletionStage<T>> call) {
        return Future.fromCompletionStage(call.get(), vertx.getOrCreateContext());
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static String load() {
        try (InputStream in = ChatStore.class.getResourceAsStream("chat.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
