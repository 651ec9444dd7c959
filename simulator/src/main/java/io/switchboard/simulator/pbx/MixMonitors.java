package io.switchboard.simulator.pbx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MixMonitor as app_mixmonitor runs it, without the audio: recordings of channels, started by the MixMonitor action
 * (relative files land in the monitor spool, as {@code MIXMONITOR_FILENAME} says), muted and unmuted by
 * MixMonitorMute, stopped by StopMixMonitor or the channel's hangup, each with its event (MixMonitorStart,
 * MixMonitorMute with Direction and State, MixMonitorStop).
 */
public final class MixMonitors {
    /** ast_config_AST_MONITOR_DIR of a stock install. */
    static final String MONITOR_DIR = "/var/spool/asterisk/monitor";

    private record Recording(String id, String file) {
    }

    private final Pbx pbx;
    private final Map<Channel, List<Recording>> recordings = new HashMap<>();
    private long next = 0x7f3a5c001000L;

    MixMonitors(Pbx pbx) {
        this.pbx = pbx;
    }

    /** Starts recording the channel into {@code file}; its MixMonitorID (as Asterisk's, a pointer's text). */
    public String start(Channel ch, String file) {
        String path = file.startsWith("/") ? file : MONITOR_DIR + "/" + file;
        Recording r = new Recording(String.format("0x%x", next), path);
        next += 0x40;
        if (!recordings.containsKey(ch)) {
            ch.afterHangup(() -> stopAll(ch));
        }
        recordings.computeIfAbsent(ch, c -> new ArrayList<>()).add(r);
        pbx.setVariable(ch, "MIXMONITOR_FILENAME", path);
        pbx.publish(Events.mixMonitor("MixMonitorStart", ch));
        return r.id();
    }

    /** Mutes (or unmutes) the channel's recordings in one direction; false when it has none. */
    public boolean mute(Channel ch, String direction, boolean muted) {
        if (!recordings.containsKey(ch)) {
            return false;
        }
        pbx.publish(Events.mixMonitor("MixMonitorMute", ch).header("Direction", direction)
            .header("State", muted ? "1" : "0"));
        return true;
    }

    /** Stops one recording (by MixMonitorID) or, without an id, the channel's first; false when none matched. */
    public boolean stop(Channel ch, String id) {
        List<Recording> list = recordings.get(ch);
        if (list == null) {
            return false;
        }
        Recording r = id == null || id.isEmpty() ? list.get(0)
            : list.stream().filter(x -> x.id().equals(id)).findFirst().orElse(null);
        if (r == null) {
            return false;
        }
        list.remove(r);
        if (list.isEmpty()) {
            recordings.remove(ch);
        }
        pbx.publish(Events.mixMonitor("MixMonitorStop", ch));
        return true;
    }

    private void stopAll(Channel ch) {
        List<Recording> list = recordings.remove(ch);
        if (list != null) {
            list.forEach(r -> pbx.publish(Events.mixMonitor("MixMonitorStop", ch)));
        }
    }
}
