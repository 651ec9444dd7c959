package io.switchboard.simulator.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** queues.conf: queues with their settings and static members. The default is the captured system's file. */
public final class QueueConfig {

    private final Map<String, Map<String, String>> settings = new LinkedHashMap<>();
    private final Map<String, List<String[]>> members = new LinkedHashMap<>();

    private QueueConfig() {
    }

    public static QueueConfig defaults() {
        try (InputStream in = QueueConfig.class.getResourceAsStream("/io/switchboard/simulator/queues.conf")) {
            if (in == null) {
                throw new IllegalStateException("bundled queues.conf missing");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static QueueConfig empty() {
        return new QueueConfig();
    }

    public static QueueConfig parse(String text) {
        QueueConfig c = new QueueConfig();
        String section = null;
        for (String raw : text.split("\r?\n")) {
            int semi = raw.indexOf(';');
            String line = (semi >= 0 ? raw.substring(0, semi) : raw).trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                int end = line.indexOf(']');
                section = (end > 0 ? line.substring(1, end) : line.substring(1)).trim();
                if (!section.equals("general")) {
                    c.settings.computeIfAbsent(section, k -> new LinkedHashMap<>());
                    c.members.computeIfAbsent(section, k -> new ArrayList<>());
                }
                continue;
            }
            if (section == null || section.equals("general")) {
                continue;
            }
            int arrow = line.indexOf("=>");
            int eq = line.indexOf('=');
            int sep = arrow >= 0 && arrow <= eq ? arrow : eq;
            if (sep < 0) {
                continue;
            }
            String key = line.substring(0, sep).trim().toLowerCase();
            String value = line.substring(sep + (line.startsWith("=>", sep) ? 2 : 1)).trim();
            if (key.equals("member")) {
                c.members.get(section).add(value.split(",", -1));
            } else {
                c.settings.get(section).put(key, value);
            }
        }
        return c;
    }

    public List<String> queueNames() {
        return Collections.unmodifiableList(new ArrayList<>(settings.keySet()));
    }

    /** Builds the live queues; members log in at {@code loginEpoch}. */
    public Map<String, CallQueue> build(long loginEpoch) {
        Map<String, CallQueue> out = new LinkedHashMap<>();
        settings.forEach((name, s) -> {
            List<QueueMember> list = new ArrayList<>();
            for (String[] m : members.getOrDefault(name, List.of())) {
                String iface = m[0].trim();
                int penalty = m.length > 1 && !m[1].isBlank() ? Integer.parseInt(m[1].trim()) : 0;
                String memberName = m.length > 2 && !m[2].isBlank() ? m[2].trim() : iface;
                String stateIface = m.length > 3 && !m[3].isBlank() ? m[3].trim() : iface;
                list.add(new QueueMember(iface, memberName, stateIface, penalty, loginEpoch));
            }
            out.put(name, new CallQueue(name, s, list));
        });
        return out;
    }
}
