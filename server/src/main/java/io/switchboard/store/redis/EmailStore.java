package io.switchboard.store.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The email channel's Redis structures: each email interaction's message and attachments, the case's
 * email thread, and the Message-ID to case map that threads replies. Futures complete on the caller's
 * Vert.x context. Key names: {@link RedisKeys} and server/README.md.
 */
public final class EmailStore {
    private static final LuaScript CLAIM = LuaScript.resource("outbox-claim.lua");
    /** Messages a case thread keeps (the newest); a longer email thread is a process problem. */
    public static final int MAX_THREAD = 1000;

    private final Vertx vertx;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final Duration threadTtl;
    private final RoutingStore routing;

    /** @param threadTtl how long a Message-ID still threads a reply onto its case */
    public EmailStore(RoutingStore store, Duration threadTtl) {
        this.routing = store;
        this.vertx = store.vertx();
        this.redis = store.commands();
        this.keys = store.keys();
        this.threadTtl = threadTtl;
    }

    /** The store this one shares its connection with (for the channel's plain keys). */
    public RoutingStore routing() {
        return routing;
    }

    public Future<Void> keepMessage(String interactionId, Map<String, String> fields) {
        return RedisFutures.onContext(vertx, () -> redis.hset(keys.emailMessage(interactionId), fields)).mapEmpty();
    }

    /** The contact a delivered message became, once it was kept whole ({@link #keptIntake}); else null. */
    public Future<String> intake(String delivery) {
        return RedisFutures.onContext(vertx, () -> redis.get(keys.emailIntake(delivery) + ":kept"));
    }

    /** Claims taking in a delivered message for {@code lease}: false while another delivery of it is being taken in. */
    public Future<Boolean> claimIntake(String delivery, Duration lease) {
        return RedisFutures.onContext(vertx, () -> redis.set(keys.emailIntake(delivery), "taking",
                SetArgs.Builder.nx().px(lease.toMillis()))).map("OK"::equals);
    }

    /** The message is kept whole as this contact: a delivery again within {@code ttl} is known as it. */
    public Future<Void> keptIntake(String delivery, String interactionId, Duration ttl) {
        return RedisFutures.onContext(vertx, () -> redis.setex(keys.emailIntake(delivery) + ":kept", ttl.toSeconds(),
                interactionId)).compose(ok -> releaseIntake(delivery));
    }

    /** The intake ended (kept, or failed: the next delivery is a new attempt). */
    public Future<Void> releaseIntake(String delivery) {
        return RedisFutures.onContext(vertx, () -> redis.del(keys.emailIntake(delivery))).mapEmpty();
    }

    /** The stored message of an email interaction, empty if there is none. */
    public Future<Map<String, String>> message(String interactionId) {
        return RedisFutures.onContext(vertx, () -> redis.hgetall(keys.emailMessage(interactionId)));
    }

    /** The case of the first of these Message-IDs that Switchboard has seen (taken in or sent), or null. */
    public Future<String> caseOfAny(List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Future.succeededFuture();
        }
        // every key carries the {prefix} hash tag: one MGET, one cluster slot
        String[] keyArray = messageIds.stream().map(keys::emailThread).toArray(String[]::new);
        return RedisFutures.onContext(vertx, () -> redis.mget(keyArray))
                .map(values -> values.stream().filter(KeyValue::hasValue).map(KeyValue::getValue).findFirst()
                        .orElse(null));
    }

    public Future<Void> rememberMessageId(String messageId, String caseId) {
        return RedisFutures.onContext(vertx, () -> redis.setex(keys.emailThread(messageId), threadTtl.toSeconds(), caseId))
                .mapEmpty();
    }

    /** Appends a message to the case's email thread, which keeps the newest {@link #MAX_THREAD}. */
    public Future<Void> appendToThread(String caseId, JsonObject message) {
        String key = keys.caseEmails(caseId);
        return RedisFutures.onContext(vertx, () -> redis.rpush(key, message.encode()))
                .compose(length -> length <= MAX_THREAD ? Future.succeededFuture()
                        : RedisFutures.onContext(vertx, () -> redis.ltrim(key, -MAX_THREAD, -1)).mapEmpty());
    }

    /**
     * The thread entries of an interaction's email move from one case's thread to another's (the email was attached to
     * the right case), and its messages' ids name the new case, so a follow-up that quotes them threads there.
     * KEYS: from thread, to thread; ARGV: interaction, message-id key before the id, the new case.
     */
    private static final LuaScript MOVE_THREAD = new LuaScript("""
            local moved = 0
            for _, entry in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
              local e = cjson.decode(entry)
              if e.interactionId == ARGV[1] then
                redis.call('LREM', KEYS[1], 1, entry)
                redis.call('RPUSH', KEYS[2], entry)
                if type(e.messageId) == 'string' and e.messageId ~= ''
                    and redis.call('EXISTS', ARGV[2] .. e.messageId) == 1 then
                  redis.call('SET', ARGV[2] .. e.messageId, ARGV[3], 'KEEPTTL')
                end
                moved = moved + 1
              end
            end
            if moved > 0 then redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1) end
            return moved
            """);

    public Future<Void> moveThread(String interactionId, String fromCase, String toCase) {
        String[] keyArray = {keys.caseEmails(fromCase), keys.caseEmails(toCase)};
        String[] args = {interactionId, keys.emailThread(""), toCase, Integer.toString(MAX_THREAD)};
        return RedisFutures.onContext(vertx, () -> MOVE_THREAD.<Long>run(redis, ScriptOutputType.INTEGER, keyArray, args))
                .mapEmpty();
    }

    /** The case's email thread, oldest first. */
    public Future<List<JsonObject>> thread(String caseId) {
        return RedisFutures.onContext(vertx, () -> redis.lrange(keys.caseEmails(caseId), 0, -1))
                .map(entries -> entries.stream().map(JsonObject::new).toList());
    }

    /**
     * Claims an IMAP message for this node; false if another node holds it. The claim lapses after
     * {@code ttl} unless {@link #keepClaim} makes it last, so a node that dies mid-message leaves it to others.
     */
    public Future<Boolean> claim(String uidValidity, long uid, Duration ttl) {
        return RedisFutures.onContext(vertx, () -> redis.set(keys.imapClaim(uidValidity, uid), "taken",
                SetArgs.Builder.nx().px(ttl.toMillis()))).map("OK"::equals);
    }

    /** Keeps the claim of a message that was taken (or refused for good) for {@code ttl}. */
    public Future<Void> keepClaim(String uidValidity, long uid, Duration ttl) {
        return RedisFutures.onContext(vertx, () -> redis.pexpire(keys.imapClaim(uidValidity, uid), ttl.toMillis()))
                .mapEmpty();
    }

    /** Gives a message back to the next poll (of any node). */
    public Future<Void> releaseClaim(String uidValidity, long uid) {
        return RedisFutures.onContext(vertx, () -> redis.del(keys.imapClaim(uidValidity, uid))).mapEmpty();
    }

    public Future<Void> keepAttachment(String interactionId, int n, byte[] content) {
        String encoded = Base64.getEncoder().encodeToString(content);
        return RedisFutures.onContext(vertx, () -> redis.set(keys.emailAttachment(interactionId, n), encoded))
                .mapEmpty();
    }

    /** Attachment n of the interaction's email, or null if there is none. */
    public Future<byte[]> attachment(String interactionId, int n) {
        return RedisFutures.onContext(vertx, () -> redis.get(keys.emailAttachment(interactionId, n)))
                .map(encoded -> encoded == null ? null : Base64.getDecoder().decode(encoded));
    }

    /** Keeps a message to send again at {@code dueMs} (epoch ms) in the outbox every node sweeps. */
    public Future<Void> retryLater(String entry, long dueMs) {
        return RedisFutures.onContext(vertx, () -> redis.zadd(keys.emailOutbox(), (double) dueMs, entry)).mapEmpty();
    }

    /**
     * Claims up to {@code batch} messages due again, leased to this node until {@code leaseEndMs}: one it has not sent
     * ({@link #sent}) by then is due again for any node, so a node that stops mid-send loses no mail.
     */
    public Future<List<String>> dueRetries(long nowMs, long leaseEndMs, int batch) {
        String[] keyArray = {keys.emailOutbox()};
        return RedisFutures.onContext(vertx, () -> CLAIM.<List<String>>run(redis, ScriptOutputType.MULTI, keyArray,
                new String[] {Long.toString(nowMs), Long.toString(leaseEndMs), Integer.toString(batch)}));
    }

    /** A claimed message is done with (sent, or kept again as a later attempt): out of the outbox. */
    public Future<Void> sent(String entry) {
        return RedisFutures.onContext(vertx, () -> redis.zrem(keys.emailOutbox(), entry)).mapEmpty();
    }
}
