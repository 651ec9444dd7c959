package io.switchboard.simulator.support;

import io.switchboard.simulator.event.Header;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The captured Asterisk 22.10.1 traffic (test resources copied from shared/asterisk-traces). */
public final class Traces {

    private Traces() {
    }

    public static String text(String name) {
        try (InputStream in = Traces.class.getResourceAsStream("/asterisk-traces/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing trace " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * ami-events.txt split into sections: "login" (after the banner) and one per "### scenario N" line,
     * each a list of frames (header lists).
     */
    public static Map<String, List<List<Header>>> amiSections() {
        Map<String, List<List<Header>>> sections = new LinkedHashMap<>();
        String section = "login";
        List<List<Header>> frames = new ArrayList<>();
        List<Header> frame = new ArrayList<>();
        boolean first = true;
        for (String raw : text("ami-events.txt").split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (first) {
                first = false;
                if (line.startsWith("Asterisk Call Manager/")) {
                    continue;
                }
            }
            if (line.startsWith("###")) {
                sections.put(section, frames);
                section = line.substring(4, line.indexOf(':')).trim();
                frames = new ArrayList<>();
                continue;
            }
            if (line.isEmpty()) {
                if (!frame.isEmpty()) {
                    frames.add(frame);
                    frame = new ArrayList<>();
                }
                continue;
            }
            int colon = line.indexOf(':');
            frame.add(new Header(line.substring(0, colon), line.substring(colon + 1).stripLeading()));
        }
        if (!frame.isEmpty()) {
            frames.add(frame);
        }
        sections.put(section, frames);
        return sections;
    }

    /** The banner line of the AMI capture. */
    public static String amiBanner() {
        String t = text("ami-events.txt");
        return t.substring(0, t.indexOf("\r\n"));
    }

    /** fastagi-session.txt without its comment line. */
    public static String fastAgiSession() {
        StringBuilder sb = new StringBuilder();
        for (String line : text("fastagi-session.txt").split("\n", -1)) {
            if (!line.startsWith("#")) {
                sb.append(line).append('\n');
            }
        }
        String s = sb.toString();
        return s.endsWith("\n\n") ? s.substring(0, s.length() - 1) : s;
    }

    /** The commands the script sent in fastagi-session.txt, in order. */
    public static List<String> fastAgiCommands() {
        List<String> out = new ArrayList<>();
        for (String line : text("fastagi-session.txt").split("\n")) {
            if (line.startsWith(">> ")) {
                out.add(line.substring(3));
            }
        }
        return out;
    }

    /** The environment lines of fastagi-session.txt. */
    public static List<String> fastAgiEnvironment() {
        List<String> out = new ArrayList<>();
        for (String line : text("fastagi-session.txt").split("\n")) {
            if (line.startsWith("agi_")) {
                out.add(line);
            }
        }
        return out;
    }
}
