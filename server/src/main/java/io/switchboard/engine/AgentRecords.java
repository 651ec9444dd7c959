package io.switchboard.engine;

import io.switchboard.routing.Agent;
import io.switchboard.routing.AgentStatus;
import io.switchboard.routing.Channel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** How an agent's profile is kept in its Redis hash, and read back. */
final class AgentRecords {
    private AgentRecords() {
    }

    static Map<String, String> profileFields(Agent agent, String pinHash) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", agent.name());
        fields.put("endpoint", agent.endpoint());
        fields.put("team", agent.team());
        fields.put("skills", new JsonObject(new LinkedHashMap<>(agent.skills())).encode());
        fields.put("attributes", new JsonObject(new LinkedHashMap<>(agent.attributes())).encode());
        if (pinHash != null) {
            fields.put("pin", pinHash);
        }
        agent.capacity().forEach((channel, n) -> fields.put("cap:" + channel.wireName(), Integer.toString(n)));
        // the routing script's can_take finds a channel's name in it
        fields.put("exclusive", String.join(" ", agent.exclusive().stream().map(Channel::wireName).toList()));
        fields.put("queuePriority", new JsonObject(new LinkedHashMap<>(agent.queuePriority())).encode());
        fields.put("autoaccept",
                String.join(" ", agent.autoAccept().stream().sorted().map(Channel::wireName).toList()));
        agent.skills().forEach((skill, level) -> fields.put("skill:" + skill, Integer.toString(level)));
        return fields;
    }

    static Agent agent(String id, Map<String, String> hash) {
        Map<String, Integer> skills = new LinkedHashMap<>();
        new JsonObject(hash.getOrDefault("skills", "{}")).forEach(e -> skills.put(e.getKey(), ((Number) e.getValue()).intValue()));
        Map<Channel, Integer> capacity = new EnumMap<>(Channel.class);
        for (Channel c : new Channel[] {Channel.VOICE, Channel.CHAT, Channel.EMAIL}) {
            capacity.put(c, Integer.parseInt(hash.getOrDefault("cap:" + c.wireName(), "0")));
        }
        // an agent written before cross-channel concurrency existed had every channel come alongside: it keeps that
        return new Agent(id, hash.get("name"), hash.get("endpoint"), hash.get("team"), skills, capacity,
                new JsonObject(hash.getOrDefault("attributes", "{}")).getMap(), channels(hash.get("exclusive")),
                queuePriority(hash), channels(hash.get("autoaccept")));
    }

    /** Channel names as the routing script reads them ("voice chat"); absent = none. */
    private static Set<Channel> channels(String words) {
        Set<Channel> channels = EnumSet.noneOf(Channel.class);
        for (String c : (words == null ? "" : words).split(" ")) {
            if (!c.isEmpty()) {
                channels.add(Channel.parse(c));
            }
        }
        return channels;
    }

    private static Map<String, Integer> queuePriority(Map<String, String> hash) {
        Map<String, Integer> priorities = new LinkedHashMap<>();
        new JsonObject(hash.getOrDefault("queuePriority", "{}"))
                .forEach(e -> priorities.put(e.getKey(), ((Number) e.getValue()).intValue()));
        return priorities;
    }

    static AgentStatus status(String id, Map<String, String> hash) {
        Map<Channel, Integer> load = new EnumMap<>(Channel.class);
        for (Channel c : new Channel[] {Channel.VOICE, Channel.CHAT, Channel.EMAIL}) {
            load.put(c, Integer.parseInt(hash.getOrDefault("load:" + c.wireName(), "0")));
        }
        return new AgentStatus(id, hash.getOrDefault("state", "offline"), hash.getOrDefault("presence", "offline"),
                hash.getOrDefault("reason", ""), load,
                Long.parseLong(hash.getOrDefault("stateSince", "0")));
    }

    static JsonObject json(String id, Map<String, String> hash) {
        Agent agent = agent(id, hash);
        AgentStatus status = status(id, hash);
        JsonObject capacity = new JsonObject();
        agent.capacity().forEach((c, n) -> capacity.put(c.wireName(), n));
        JsonObject load = new JsonObject();
        status.load().forEach((c, n) -> load.put(c.wireName(), n));
        return new JsonObject()
                .put("id", id)
                .put("name", agent.name())
                .put("endpoint", agent.endpoint())
                .put("team", agent.team())
                .put("skills", new JsonObject(new LinkedHashMap<>(agent.skills())))
                .put("capacity", capacity)
                .put("crossChannel", new JsonObject(new LinkedHashMap<>(agent.crossChannel())))
                .put("queuePriority", new JsonObject(new LinkedHashMap<>(agent.queuePriority())))
                .put("autoAccept", new JsonArray(agent.autoAccept().stream().sorted().map(Channel::wireName).toList()))
                .put("attributes", new JsonObject(new LinkedHashMap<>(agent.attributes())))
                .put("state", status.state())
                .put("presence", hash.getOrDefault("presence", "offline"))
                .put("reason", status.reason())
                .put("stateSince", status.stateSinceMs())
                .put("load", load)
                .put("reservation", emptyToNull(hash.get("rsv")))
                .put("missedOffers", Integer.parseInt(hash.getOrDefault("missed", "0")));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
