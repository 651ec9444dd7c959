package io.switchboard.store.redis;

import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Chat state in Redis: transcripts (a list per interaction, appended and published atomically by
 * {@code chat.lua}), session tokens and CSAT scores. Futures complete on the caller's Vert.x context.
 */
public final class ChatStore {
    /** Messages a transcript keeps; a chat longer than this is a process problem, and Redis stays bounded. */
    public static final int MAX_MESSAGES = 2000;
    private static final LuaScript SCRIPT = LuaScript.resource("chat.lua");
    private static final LuaScript GONE = LuaScript.resource("chat-gone.lua");

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
        return append(interactionId, message, channel, null);
    }

    /**
     * @param heldBy the agent who must hold the chat (assigned) for the line to be kept, checked in the same step;
     *               null for anyone
     * @return the line's seq, 0 when the transcript is full, -1 when the chat is not {@code heldBy}'s now
     */
    public Future<Long> append(String interactionId, JsonObject message, String channel, String heldBy) {
        String[] keyArray = {keys.chatTranscript(interactionId), keys.interaction(interactionId)};
        String[] args = {message.encode(), channel == null ? "" : channel, Integer.toString(MAX_MESSAGES),
                heldBy == null ? "" : heldBy};
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

    /** The address of the chat form, kept as long as the chat's session token. */
    public Future<Void> saveAddress(String interactionId, String email, Duration ttl) {
        return RedisFutures.onContext(vertx, () -> redis.setex(keys.chatAddress(interactionId), ttl.toSeconds(), email))
                .mapEmpty();
    }

    public Future<String> address(String interactionId) {
        return RedisFutures.onContext(vertx, () -> redis.get(keys.chatAddress(interactionId)));
    }

    /** True for the first to ask: a chat's transcript is mailed once ({@link #unclaimTranscriptMail} if it failed). */
    public Future<Boolean> claimTranscriptMail(String interactionId, Duration ttl) {
        return RedisFutures.onContext(vertx, () -> redis.set(keys.chatTranscriptMailed(interactionId), "1",
                SetArgs.Builder.nx().ex(ttl))).map("OK"::equals);
    }

    /** The claim of a transcript now handed to the mailer: kept for {@code ttl} (it was a short lease until then). */
    public Future<Void> keepTranscriptClaim(String interactionId, Duration ttl) {
        return RedisFutures.onContext(vertx, () -> redis.expire(keys.chatTranscriptMailed(interactionId), ttl.toSeconds()))
                .mapEmpty();
    }

    public Future<Void> unclaimTranscriptMail(String interactionId) {
        return RedisFutures.onContext(vertx, () -> redis.del(keys.chatTranscriptMailed(interactionId))).mapEmpty();
    }

    /** Records the score unless the chat was rated already; true if this one counted. */
    public Future<Boolean> rateOnce(String interactionId, int score) {
        return RedisFutures.onContext(vertx, () -> redis.set(keys.chatRating(interactionId), Integer.toString(score),
                SetArgs.Builder.nx().ex(Duration.ofDays(400)))).map("OK"::equals);
    }

    /** The chat a session token names, or null when the token is unknown or expired. */
    public Future<String> sessionInteraction(String token) {
        return RedisFutures.onContext(vertx, () -> redis.get(keys.chatSession(token)));
    }

    /**
     * The customer's socket dropped: marks the chat resumable, by that socket's session id, for ttl, and gives it
     * until {@code deadline} (epoch ms) to be resumed before a sweep ({@link #gone}) ends it, on whichever node.
     */
    public Future<Void> detach(String interactionId, String dropId, Duration ttl, long deadline) {
        return RedisFutures.onContext(vertx, () -> redis.psetex(keys.chatDetached(interactionId), ttl.toMillis(), dropId))
                .compose(ok -> keepAlive(List.of(interactionId), deadline));
    }

    /**
     * This socket (on any node) now holds the chat: a pending drop of an earlier socket will not end it,
     * nor will that earlier socket's late close. Its node confirms it by {@code deadline} (epoch ms) and then
     * regularly ({@link #keepAlive}).
     */
    public Future<Void> attach(String interactionId, String sessionId, Duration ttl, long deadline) {
        // the deadline moves first: a sweep between these steps must not find the old one due and no drop pending
        return keepAlive(List.of(interactionId), deadline)
                .compose(ok -> RedisFutures.onContext(vertx, () -> redis.setex(keys.chatAttached(interactionId),
                        ttl.toSeconds(), sessionId)))
                .compose(ok -> RedisFutures.onContext(vertx, () -> redis.del(keys.chatDetached(interactionId))))
                .mapEmpty();
    }

    /** The chats whose customer sockets a node holds are still wanted until {@code deadline} (epoch ms). */
    public Future<Void> keepAlive(Collection<String> interactionIds, long deadline) {
        if (interactionIds.isEmpty()) {
            return Future.succeededFuture();
        }
        ScoredValue<String>[] entries = interactionIds.stream().map(id -> ScoredValue.just((double) deadline, id))
                .toArray(ScoredValue[]::new);
        return RedisFutures.onContext(vertx, () -> redis.zadd(keys.chatDeadlines(), entries)).mapEmpty();
    }

    /** The chat ended while its customer was there: nothing is left to watch. */
    public Future<Void> forget(String interactionId) {
        return RedisFutures.onContext(vertx, () -> redis.zrem(keys.chatDeadlines(), interactionId)).mapEmpty();
    }

    /**
     * Claims up to {@code batch} chats whose customer is gone (see chat-gone.lua); each is claimed by one node. A chat
     * found resumed meanwhile is watched again until {@code resumedDeadline} (epoch ms).
     */
    public Future<List<String>> gone(long nowMs, int batch, long resumedDeadline) {
        String[] keyArray = {keys.chatDeadlines()};
        String[] args = {Long.toString(nowMs), Integer.toString(batch), keys.interaction(""),
            Long.toString(resumedDeadline)};
        return RedisFutures.onContext(vertx, () -> GONE.<List<String>>run(redis, ScriptOutputType.MULTI, keyArray, args));
    }

    /** Fields of the interaction's hash (null where absent). */
    public Future<List<String>> interactionFields(String interactionId, String... fields) {
        return RedisFutures.onContext(vertx, () -> redis.hmget(keys.interaction(interactionId), fields))
                .map(values -> values.stream().map(v -> v.getValueOrElse(null)).toList());
    }
}
