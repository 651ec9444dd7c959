package io.switchboard.routing;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An agent's profile: who they are and what they can handle. Live state (presence, load, offers)
 * lives in the routing store, not here.
 *
 * @param skills skill name to proficiency, 1 (novice) to 10 (expert)
 * @param capacity how many interactions of each capacity channel the agent may hold at once
 */
public record Agent(String id, String name, String endpoint, String team, Map<String, Integer> skills,
                    Map<Channel, Integer> capacity, Map<String, Object> attributes) {

    public static final Map<Channel, Integer> DEFAULT_CAPACITY = Map.of(Channel.VOICE, 1, Channel.CHAT, 3, Channel.EMAIL, 5);
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
        attributes = AttributeValues.of(attributes);
        name = name == null ? id : name;
        endpoint = endpoint == null ? "" : endpoint;
        team = team == null ? "" : team;
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

    public int proficiency(String skill) {
        return skills.getOrDefault(skill, 0);
    }
}
