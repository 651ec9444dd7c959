package io.switchboard.store.redis;

/**
 * Key names, one place. Every key starts with {@code {prefix}:} so they share one Redis Cluster hash
 * slot (Lua scripts may only touch one slot) and so tests can work side by side under their own prefix.
 */
public record RedisKeys(String prefix) {
    public static RedisKeys of(String keyPrefix) {
        return new RedisKeys("{" + keyPrefix + "}");
    }

    public String agents() {
        return prefix + ":agents";
    }

    /** String: the agent-index layout and rules fingerprint every agent was last indexed with (see RoutingEngine). */
    public String rulesApplied() {
        return prefix + ":rules:applied";
    }

    public String agent(String id) {
        return prefix + ":agent:" + id;
    }

    public String agentWork(String id) {
        return agent(id) + ":work";
    }

    /** Set of the lines with someone waiting, "<capacity channel>|<pool>" (router.lua's waiting). */
    public String waitingLines() {
        return prefix + ":waiting";
    }

    /** Sorted set: the contacts waiting in a pool's line for a capacity channel (router.lua's pool:<p>:wait:<c>). */
    public String poolWaiting(String pool, String capacityChannel) {
        return prefix + ":pool:" + pool + ":wait:" + capacityChannel;
    }

    public String interaction(String id) {
        return prefix + ":int:" + id;
    }

    public String history(String id) {
        return interaction(id) + ":history";
    }

    /** The agents that refused the interaction last (router.lua's int:<id>:rejected). */
    public String rejected(String id) {
        return interaction(id) + ":rejected";
    }

    public String reservation(String id) {
        return prefix + ":rsv:" + id;
    }

    public String queueByPriority(String queue) {
        return prefix + ":queue:" + queue + ":prio";
    }

    public String queueBySince(String queue) {
        return prefix + ":queue:" + queue + ":since";
    }

    public String poolAvailable(String pool, String capacityChannel) {
        return prefix + ":pool:" + pool + ":avail:" + capacityChannel;
    }

    /** Set: the pools of the rules a node installed last (router.lua's pools, rewritten by its rules command). */
    public String pools() {
        return prefix + ":pools";
    }

    /** Set: the agents of a pool signed in for a capacity channel (router.lua's pool:<p>:on:<c>). */
    public String poolSignedIn(String pool, String capacityChannel) {
        return prefix + ":pool:" + pool + ":on:" + capacityChannel;
    }

    /** Sorted set: the ids of contacts to create later (ScheduledContacts), by when (epoch ms). */
    public String scheduledContacts() {
        return prefix + ":contacts:scheduled";
    }

    /** String: a contact to create later, as JSON. */
    public String scheduledContact(String id) {
        return scheduledContacts() + ":" + id;
    }

    /** Set: the ids of the contacts scheduled for this customer and not made yet (their 360 view). */
    public String customerScheduled(String customerId) {
        return customer(customerId) + ":scheduled";
    }

    /** String with a TTL: a node is making that contact now (ScheduleStore). */
    public String scheduledContactLease(String id) {
        return scheduledContact(id) + ":making";
    }

    /** Set: the queues outside their hours of operation now (router.lua's queues:closed). */
    public String closedQueues() {
        return prefix + ":queues:closed";
    }

    public String timers() {
        return prefix + ":timers";
    }

    /** Hash: normalized phone number to customer id. */
    public String customersByPhone() {
        return prefix + ":customers-by-phone";
    }

    public String customer(String id) {
        return prefix + ":customer:" + id;
    }

    /** Hash: lower-cased email address to customer id. */
    public String customersByEmail() {
        return prefix + ":customers-by-email";
    }

    /** List of the customer's interaction ids, newest first, capped (kept by router.lua's enqueue). */
    public String customerInteractions(String id) {
        return customer(id) + ":interactions";
    }

    /**
     * Sorted set: accepted callbacks still to be dialled, by deadline (ms); beside it a hash per job,
     * {@code <this>:<interaction>} (router.lua's dial_job writes them with the accept; CallbackDialStore).
     */
    public String callbackDials() {
        return prefix + ":voice:callback:dials";
    }

    /** Stream of every routing event, read by webhook delivery through a consumer group. */
    public String events() {
        return prefix + ":events";
    }

    /** Pub/sub channel of agent-facing events (offers, state changes), fanned out to every node. */
    public String bus() {
        return prefix + ":bus";
    }

    /** The SLA timer wheel's slot index; the key the SLA script is called with (see sla.lua for the rest). */
    public String slaSlots() {
        return prefix + ":sla:slots";
    }

    /**
     * The hash that holds timer {@code id}'s payload: one of 16,384 buckets, by the same hash as
     * sla.lua's {@code bucket} (h = h * 31 + byte, mod 16384, over the id's UTF-8 bytes).
     */
    public String slaIndex(String id) {
        int h = 0;
        for (byte b : id.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = (h * 31 + (b & 0xff)) % SLA_BUCKETS;
        }
        return prefix + ":sla:idx:" + h;
    }

    private static final int SLA_BUCKETS = 16384;

    /** Hash: policy version (name@version) to its escalation ladder; a version's ladder never changes. */
    public String slaPolicies() {
        return prefix + ":sla:policies";
    }

    public String slaArmed() {
        return prefix + ":sla:armed";
    }

    public String slaBreaches() {
        return prefix + ":sla:breaches";
    }

    public String slaBreach() {
        return prefix + ":sla:breach";
    }

    /** The floor's live statistics as last read (JSON), shared by every node: see StatsService.floorNow. */
    public String floorNow() {
        return prefix + ":floor:now";
    }

    /** Held (with a TTL of the allowed age) by the node reading the floor, so that one node reads it at a time. */
    public String floorNowLock() {
        return prefix + ":floor:now:lock";
    }

    /** Pub/sub channel of SLA events (warn, breach, severity, met), for supervisors on any node. */
    public String slaEvents() {
        return prefix + ":sla:events";
    }

    /** Counter behind the short case ids ({@code C-10001}). */
    public String caseSequence() {
        return prefix + ":case-seq";
    }

    /** Hash: one case (see cases.lua). */
    public String caseRecord(String id) {
        return prefix + ":case:" + id;
    }

    /** Sorted set of every case id by creation time. */
    public String cases() {
        return prefix + ":cases";
    }

    /** Sorted set of a customer's case ids by creation time. */
    public String casesByCustomer(String customerId) {
        return prefix + ":cases:customer:" + customerId;
    }

    /** The cases assigned to an agent, by creation time. */
    public String casesByAgent(String agentId) {
        return prefix + ":cases:agent:" + agentId;
    }

    /** Sorted set of the case ids in a status (new, open, ...) by creation time. */
    public String casesByStatus(String status) {
        return prefix + ":cases:status:" + status;
    }

    /** Sorted set of the case ids of a type by creation time. */
    public String casesByType(String type) {
        return prefix + ":cases:type:" + type;
    }

    /** List: a chat interaction's transcript, one JSON message an entry, in order (see chat.lua). */
    public String chatTranscript(String interactionId) {
        return interaction(interactionId) + ":transcript";
    }

    /** String: a chat session token's interaction id (expires). */
    public String chatSession(String token) {
        return prefix + ":chat-session:" + token;
    }

    /** String: the customer's CSAT score of a chat, set once. */
    public String chatRating(String interactionId) {
        return interaction(interactionId) + ":csat";
    }

    /** String: the address the customer gave in the chat form (for the transcript by email). */
    public String chatAddress(String interactionId) {
        return interaction(interactionId) + ":chat:address";
    }

    /** String: set once the chat's transcript was mailed (or is being mailed) to its customer. */
    public String chatTranscriptMailed(String interactionId) {
        return interaction(interactionId) + ":chat:mailed";
    }

    /** Pub/sub channel of customer-facing chat events (agent messages, agent joined, ended), to every node. */
    public String chatEvents() {
        return prefix + ":chat";
    }

    /** Zset: acknowledgements to send again, by when (ms); every node sweeps it. */
    public String emailOutbox() {
        return prefix + ":email-outbox";
    }

    /**
     * String: the case of one Message-ID (taken in or sent), so replies find their case; expires after
     * {@code email.threadDays}. One key per id, because a hash field cannot expire on Redis 6.
     */
    public String emailThread(String messageId) {
        return prefix + ":email:msgid:" + messageId;
    }

    /** Hash: an email interaction's message (from, subject, text, messageId, references, caseId, attachments). */
    /**
     * A delivered message being taken in ({@code delivery}: a digest of its sender and Message-ID); with ":kept", the
     * contact it became.
     */
    public String emailIntake(String delivery) {
        return prefix + ":email:intake:" + delivery;
    }

    public String emailMessage(String interactionId) {
        return interaction(interactionId) + ":email";
    }

    /** String: attachment n (0, 1, ...) of an email interaction, base64 (the connection speaks UTF-8 strings). */
    public String emailAttachment(String interactionId, int n) {
        return emailMessage(interactionId) + ":attachment:" + n;
    }

    /** List: a case's email thread, one JSON message an entry (inbound and outbound), oldest first. */
    public String caseEmails(String caseId) {
        return caseRecord(caseId) + ":emails";
    }

    /** String: the claim of one IMAP message (folder's UIDVALIDITY and the UID) by the node taking it. */
    public String imapClaim(String uidValidity, long uid) {
        return prefix + ":email:imap:" + uidValidity + ":" + uid;
    }

    /** String: a request counter for one client of a public endpoint (expires with its window). */
    public String rateLimit(String scope, String client) {
        return prefix + ":rate:" + scope + ":" + client;
    }

    /**
     * Pub/sub channel of every routing event, for supervisor consoles. Apart from the agent bus so that
     * a node without a console drops these unread, and agent delivery never waits behind them.
     */
    public String floor() {
        return prefix + ":floor";
    }

    /** String: the session id of the customer socket that holds the chat now (started or resumed it). */
    public String chatAttached(String interactionId) {
        return interaction(interactionId) + ":attached";
    }

    /** String: the session id of a chat's customer socket that dropped, while the chat may be resumed. */
    public String chatDetached(String interactionId) {
        return interaction(interactionId) + ":detached";
    }

    /** Zset: open chats by the time (ms) until which their customer's socket is known to be there or awaited. */
    public String chatDeadlines() {
        return prefix + ":chat-deadlines";
    }
}
