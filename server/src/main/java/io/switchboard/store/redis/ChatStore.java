package io.switchboard.store.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Chat state in Redis: transcripts (a list per interaction, appended and published atomically by
 * {@code chat.lua}), session tokens and CSAT scores. Futures complete on the caller's Vert.x context.
 */
public final class ChatStore {
    /** Messages a transcript keeps; a chat longer than this is a process problem, and Redis stays bounded. */
    public static final int MAX_MESSAGES = 2000;
    private static final LuaScript SCRIPT = new LuaScript("chat.lua");

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
        return RedisFutures.onContext(vertx, () -> SCRIPT.<Long>run(redis, ScriptOutputType.INTEGER, keyArray, args));
    }

    public Future<List<String>> transcript(String interactionId) {
        return RedisFutures.onContext(vertx, () -> redis.lrange(keys.chatTranscript(interactionId), 0, -1));
    }

    /** Publishes an event that is not part of the transcript (typing, agent joined, ended). */
    public Future<Void> publish(String channel, JsonObject event) {
        return RedisFutures.onContext(vertx, () -> redis.publish(channel, event.encode())).mapEmpty();
    }

    public Future<Void> saveSession(String token, String interactionId, Duration ttl) {
        return RedisFutures.onContext(vertx, () -> redis.setex(keys.chatSession(token), ttl.toSeconds(), interactionId)).mapEmpty();
    }

    /** Records the score unless the chat was rated already; true if this one counted. */
    public Future<Boolean> rateOnce(String interactionId, int score) {
        return RedisFutures.onContext(vertx, () -> redis.set(keys.chatRating(interactionId), Integer.toString(score),
                SetArgs.Builder.nx().ex(Duration.ofDays(400)))).map("OK"::equals);
    }

    /** Fields of the interaction's hash (null where absent). */
    public Future<List<String>> interactionFields(String interactionId, String... fields) {
        return RedisFutures.onContext(vertx, () -> redis.hmget(keys.interaction(interactionId), fields))
                .map(values -> values.stream().map(v -> v.getValueOrElse(null)).toList());
    }
}
