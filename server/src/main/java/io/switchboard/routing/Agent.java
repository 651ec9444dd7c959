package io.switchboard.routing;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An agent's profile: who they are and what they can handle. Live state (presence, load, offers)
 * lives in the routing store, not here.
 *
 * @param skills skill name to proficiency, 1 (novice) to 10 (expert)
 * @param capacity how many interactions of each capacity channel the agent may hold at once
 * @param exclusive cross-channel concurrency: the capacity channels whose contacts the agent handles alone. While it
 *     holds one (offered, live or in wrap-up), routing offers it more of that channel only, up to its capacity, and
 *     nothing of another (Amazon Connect's "route current channel only"); a channel not in it lets others come
 *     alongside ("route any channel")
 * @param queuePriority per queue, 1 (first, the default for a queue not named) to 9: an agent is offered a queue's
 *     contacts only when nobody free has it at a better priority, and takes the contacts of its better-priority
 *     queues first when it frees up (Amazon Connect's routing-profile priority, app_queue's penalty)
 * @param autoAccept chat and/or email: their offers are accepted at once, in the routing run that makes them (no
 *     accept click; as Chatwoot and Zammad assign conversations, as Amazon Connect's auto-accept). Not voice: the
 *     phone's answer accepts a call
 */
public record Agent(String id, String name, String endpoint, String team, Map<String, Integer> skills,
                    Map<Channel, Integer> capacity, Map<String, Object> attributes, Set<Channel> exclusive,
                    Map<String, Integer> queuePriority, Set<Channel> autoAccept) {

    public static final Map<Channel, Integer> DEFAULT_CAPACITY = Map.of(Channel.VOICE, 1, Channel.CHAT, 3, Channel.EMAIL, 5);
    /**
     * A call or a chat has the agent's attention: no email or other channel is offered alongside it (chats do
     * come alongside chats, up to capacity). An email waits on the agent, so holding one blocks nothing: otherwise
     * an agent with emails open, which they may hold for hours, would get no call or chat all that time.
     */
    public static final Set<Channel> DEFAULT_EXCLUSIVE = Set.of(Channel.VOICE, Channel.CHAT);
    /** Cross-channel concurrency as the API writes it, per capacity channel (Amazon Connect's two behaviours). */
    public static final String CURRENT_CHANNEL_ONLY = "current_channel_only";
    public static final String ANY_CHANNEL = "any_channel";
    public static final int MAX_QUEUE_PRIORITY = 9;
    public static final int MIN_PROFICIENCY = 1;
    public static final int MAX_PROFICIENCY = 10;

    public Agent {
        Objects.requireNonNull(id, "id");
        if (!Ids.isValid(id)) {
            throw new IllegalArgumentException("agent id must be 1-64 letters, digits, '-', '_' or '.': " + id);
        }
        skills = Map.copyOf(skills == null ? Map.of() : skills);
        skills.forEach((skill, level) -> {
            if (level < MIN_PROFICIENCY || level > MAX_PROFICIENCY) {
                throw new IllegalArgumentException("proficiency of skill '" + skill + "' must be 1-10, was " + level);
            }
        });
        Map<Channel, Integer> caps = new EnumMap<>(Channel.class);
        caps.putAll(DEFAULT_CAPACITY);
        if (capacity != null && capacity.containsKey(Channel.CALLBACK) && capacity.containsKey(Channel.VOICE)) {
            throw new IllegalArgumentException("capacity.callback and capacity.voice are one capacity (a callback"
                    + " is a call): give one of them"); // whichever key came last won
        }
        if (capacity != null) {
            capacity.forEach((channel, n) -> {
                if (n < 0 || n > 100) {
                    throw new IllegalArgumentException("capacity of " + channel.wireName() + " must be 0-100, was " + n);
                }
                caps.put(channel.capacityChannel(), n);
            });
        }
        caps.remove(Channel.CALLBACK);
        capacity = Map.copyOf(caps);
        Set<Channel> alone = EnumSet.noneOf(Channel.class);
        (exclusive == null ? DEFAULT_EXCLUSIVE : exclusive).forEach(c -> alone.add(c.capacityChannel()));
        exclusive = Collections.unmodifiableSet(alone); // in channel order, for stable messages
        autoAccept = autoAccept == null ? Set.of() : Set.copyOf(autoAccept);
        if (autoAccept.contains(Channel.VOICE) || autoAccept.contains(Channel.CALLBACK)) {
            throw new IllegalArgumentException("autoAccept takes chat and email: a call is accepted by answering it");
        }
        queuePriority = Map.copyOf(queuePriority == null ? Map.of() : queuePriority);
        queuePriority.forEach((queue, priority) -> {
            if (!Ids.isValid(queue)) {
                throw new IllegalArgumentException("queuePriority: '" + queue + "' is not a queue name");
            }
            if (priority < 1 || priority > MAX_QUEUE_PRIORITY) {
                throw new IllegalArgumentException("queuePriority." + queue + " must be 1-" + MAX_QUEUE_PRIORITY
                        + ", was " + priority);
            }
        });
        attributes = AttributeValues.of(attributes);
        name = name == null ? id : name;
        endpoint = endpoint == null ? "" : endpoint;
        team = team == null ? "" : team;
    }

    /** With the defaults: cross-channel concurrency as {@link #DEFAULT_EXCLUSIVE}, priority 1, no auto-accept. */
    public Agent(String id, String name, String endpoint, String team, Map<String, Integer> skills,
                 Map<Channel, Integer> capacity, Map<String, Object> attributes) {
        this(id, name, endpoint, team, skills, capacity, attributes, null, null, null);
    }

    /** The agent's priority for a queue: 1 unless its queuePriority says otherwise. */
    public int priorityFor(String queue) {
        return queuePriority.getOrDefault(queue, 1);
    }

    /**
     * The exclusive channels an API's {@code crossChannel} gives ({"voice": "any_channel", ...}); a channel it does
     * not name keeps its default.
     */
    public static Set<Channel> exclusiveFrom(Map<String, ?> crossChannel) {
        Set<Channel> exclusive = EnumSet.copyOf(DEFAULT_EXCLUSIVE);
        crossChannel.forEach((name, behaviour) -> {
            if (Channel.parse(name) == Channel.CALLBACK
                    && crossChannel.keySet().stream().anyMatch(k -> Channel.parse(k) == Channel.VOICE)) {
                throw new IllegalArgumentException("crossChannel.callback and crossChannel.voice are one setting (a"
                        + " callback is a call): give one of them");
            }
            Channel channel = Channel.parse(name).capacityChannel();
            if (CURRENT_CHANNEL_ONLY.equals(behaviour)) {
                exclusive.add(channel);
            } else if (ANY_CHANNEL.equals(behaviour)) {
                exclusive.remove(channel);
            } else {
                throw new IllegalArgumentException("crossChannel." + name + " must be " + CURRENT_CHANNEL_ONLY
                        + " or " + ANY_CHANNEL + ", was " + behaviour);
            }
        });
        return exclusive;
    }

    /** Per capacity channel, in channel order: {@link #CURRENT_CHANNEL_ONLY} or {@link #ANY_CHANNEL}. */
    public Map<String, String> crossChannel() {
        Map<String, String> behaviours = new LinkedHashMap<>();
        capacity.keySet().stream().sorted().forEach(c ->
                behaviours.put(c.wireName(), exclusive.contains(c) ? CURRENT_CHANNEL_ONLY : ANY_CHANNEL));
        return behaviours;
    }

    /**
     * The capacity channel of a contact the agent holds (per {@code load}) that keeps {@code channel} from being
     * offered now, or null: cross-channel concurrency, as the routing script applies it.
     */
    public Channel blockerOf(Channel channel, Map<Channel, Integer> load) {
        Channel wanted = channel.capacityChannel();
        for (Channel held : exclusive) {
            if (held != wanted && load.getOrDefault(held, 0) > 0) {
                return held;
            }
        }
        return null;
    }

    /** The variables an agent expression sees: {@code agent.skills.billing >= 7}, {@code agent.team == "t1"}. */
    public Map<String, Object> expressionVariables() {
        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("id", id);
        agent.put("name", name);
        agent.put("team", team);
        agent.put("endpoint", endpoint);
        Map<String, Object> skillValues = new LinkedHashMap<>();
        skills.forEach((k, v) -> skillValues.put(k, v.longValue()));
        agent.put("skills", skillValues);
        agent.put("attributes", attributes);
        return Map.of("agent", agent);
    }
}
