package io.switchboard.voice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.engine.ApiException;
import io.switchboard.store.redis.RoutingStore;
import io.switchboard.voice.ami.AmiLink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.asteriskjava.manager.action.MixMonitorAction;
import org.asteriskjava.manager.action.MixMonitorMuteAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Call recording with Asterisk's MixMonitor on the caller's channel, from the moment the first agent answers: the
 * recording is the channel's, so one file follows the call through holds and transfers (voice.recording.options
 * {@code b}: only while bridged, so neither the queue's music nor a hold's is kept). The agent may pause it while the
 * customer reads out card details (PCI DSS): MixMonitorMute writes silence both ways until resumed. Each start, pause
 * and resume is in the interaction's history; {@code voice:<id>:recording} (JSON) and {@code :recpaused} (since, ms)
 * let any node act and show it.
 */
public final class CallRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(CallRecorder.class);
    /** No call lasts a day. */
    private static final Duration CALL_LIFETIME = Duration.ofDays(1);

    private final RoutingStore store;
    private final SwitchboardConfig.Voice.Recording settings;
    private final Function<String, AmiLink> linkNamed;
    private final MeterRegistry registry;

    CallRecorder(RoutingStore store, SwitchboardConfig.Voice.Recording settings, Function<String, AmiLink> linkNamed,
                 MeterRegistry registry) {
        this.store = store;
        this.settings = settings;
        this.linkNamed = linkNamed;
        this.registry = registry;
        // at 0 from the start, so that increase() sees the first failure (the alert on it)
        recordings("started");
        recordings("failed");
    }

    /**
     * An agent answered an inbound call: the caller's channel is recorded, once (a transfer's next answer finds it
     * recorded already). The future completes once the recording is noted (so the agent's desktop shows it from the
     * start), before Asterisk answers the MixMonitor; a refusal then takes the note back.
     */
    Future<Void> answered(JsonObject interaction) {
        JsonObject voice = CallAttributes.of(interaction);
        AmiLink link = voice == null ? null : linkNamed.apply(voice.getString("asterisk", ""));
        if (!settings.enabled() || link == null) {
            return Future.succeededFuture();
        }
        return record(interaction.getString("id"), link, LineText.require("channel", voice.getString("channel")),
                voice.getString("uniqueId", ""), false);
    }

    /**
     * A callback's agent answered its phone: the agent's channel (Originate's, dialling the customer next) is
     * recorded, which hears both sides once the customer answers.
     */
    Future<Void> dialled(String interactionId, AmiLink link, String channel, String uniqueId) {
        return store.getAndDelete(pausedKey(interactionId)) // an earlier leg's pause (a callback transferred) is over
                .compose(v -> record(interactionId, link, LineText.require("channel", channel), uniqueId, true));
    }

    /** Whether calls are recorded at all (voice.recording.enabled). */
    boolean enabled() {
        return settings.enabled();
    }

    /**
     * @param newLeg the channel is a new leg of the contact (a callback's agent channel, again after a transfer): its
     *               recording replaces the record of the last; otherwise the first record stays (a caller's channel
     *               is recorded once, whoever answers)
     */
    private Future<Void> record(String id, AmiLink link, String channel, String uniqueId, boolean newLeg) {
        String file = file(id, uniqueId);
        String record = new JsonObject().put("file", file).put("startedAt", store.now()).put("channel", channel)
                .put("asterisk", link.endpoint().name()).encode();
        Future<Boolean> noted = newLeg ? store.set(recordingKey(id), record, CALL_LIFETIME).map(true)
                : store.setIfAbsent(recordingKey(id), record, CALL_LIFETIME);
        return noted.map(start -> {
            if (start) {
                start(id, link, channel, file);
            }
            return null;
        });
    }

    /** Only Asterisk's refusal takes the note back: once it records, the agent must be able to pause it. */
    private void start(String id, AmiLink link, String channel, String file) {
        link.send(new MixMonitorAction(channel, file, settings.options())).onSuccess(r -> {
            recordings("started").increment();
            store.appendHistory(id, new JsonObject().put("type", "recording_started").put("file", file))
                    .onFailure(e -> LOG.warn("start of the recording of {} not in its history: {}", id, e.getMessage()));
        }).onFailure(e -> {
            failed(id, e);
            store.getAndDelete(recordingKey(id));
        });
    }

    /** A call that should be recorded is not: logged and counted (the alert on it). */
    void failed(String interactionId, Throwable e) {
        LOG.warn("recording of {} not started: {}", interactionId, e.getMessage());
        recordings("failed").increment();
    }

    /** The file's name: the template with {date} (UTC), {interaction} and {uniqueid} filled in. */
    String file(String interactionId, String uniqueId) {
        return settings.file().replace("{date}", Instant.ofEpochMilli(store.now()).atZone(ZoneOffset.UTC).toLocalDate()
                        .toString())
                .replace("{interaction}", interactionId).replace("{uniqueid}", uniqueId.replaceAll("[^A-Za-z0-9.-]", ""));
    }

    /**
     * The agent pauses the recording (PCI): silence is written both ways until {@link #resume}. Pausing a paused
     * recording tells Asterisk again (a pause and a resume sent at once through two nodes may reach it in either
     * order: pressing again puts it right) and writes no history.
     */
    public Future<JsonObject> pause(JsonObject interaction, String actor) {
        return recorded(interaction).compose(call -> store.setIfAbsent(pausedKey(call.id()), Long.toString(store.now()),
                CALL_LIFETIME).compose(first -> call.link().send(mute(call.channel(), 1))
                .recover(e -> (first ? store.getAndDelete(pausedKey(call.id())) : Future.succeededFuture())
                        .compose(v -> Future.failedFuture(e)))
                .compose(r -> first ? store.appendHistory(call.id(), new JsonObject().put("type", "recording_paused")
                        .put("by", actor)) : Future.<Void>succeededFuture())
                .map(v -> new JsonObject().put("recording", "paused"))));
    }

    /** Recording again (told to Asterisk even when not paused here, as {@link #pause}); the time paused is measured. */
    public Future<JsonObject> resume(JsonObject interaction, String actor) {
        return recorded(interaction).compose(call -> store.getAndDelete(pausedKey(call.id())).compose(since -> {
            long pausedMs = since == null ? 0 : Math.max(0, store.now() - Long.parseLong(since));
            return call.link().send(mute(call.channel(), 0))
                    .recover(e -> (since == null ? Future.<Void>succeededFuture()
                            : store.set(pausedKey(call.id()), since, CALL_LIFETIME)).compose(v -> Future.failedFuture(e)))
                    .compose(r -> since == null ? Future.<Void>succeededFuture()
                            : store.appendHistory(call.id(), new JsonObject().put("type", "recording_resumed")
                                    .put("by", actor).put("pausedSeconds", pausedMs / 1000.0))
                                    .onSuccess(v -> pauses().record(pausedMs, TimeUnit.MILLISECONDS)))
                    .map(v -> new JsonObject().put("recording", "on").put("pausedSeconds", pausedMs / 1000.0));
        }));
    }

    /** What the desktop shows: {@code {file, startedAt, channel, asterisk, pausedSince?}}, or null when not recorded. */
    Future<JsonObject> state(String interactionId) {
        return Future.all(store.get(recordingKey(interactionId)), store.get(pausedKey(interactionId))).map(all -> {
            String record = all.resultAt(0);
            String paused = all.resultAt(1);
            if (record == null) {
                return null;
            }
            JsonObject state = new JsonObject(record);
            return paused == null ? state : state.put("pausedSince", Long.parseLong(paused));
        });
    }

    private record RecordedCall(String id, String channel, AmiLink link) {
    }

    /** The call being talked on and the channel its recording is on (the caller's, or a callback's agent's). */
    private Future<RecordedCall> recorded(JsonObject interaction) {
        if (!"assigned".equals(interaction.getString("status"))) {
            return Future.failedFuture(ApiException.conflict("not a call being talked on"));
        }
        String id = interaction.getString("id");
        return store.get(recordingKey(id)).compose(json -> {
            if (json == null) {
                return Future.failedFuture(ApiException.conflict("the call is not being recorded"));
            }
            JsonObject record = new JsonObject(json);
            AmiLink link = linkNamed.apply(record.getString("asterisk", ""));
            return link == null
                    ? Future.failedFuture(new ApiException(503, "unavailable", "no AMI connection to the call's Asterisk"))
                    : Future.succeededFuture(new RecordedCall(id, LineText.require("channel", record.getString("channel")),
                            link));
        });
    }

    private static MixMonitorMuteAction mute(String channel, int state) {
        return new MixMonitorMuteAction(channel, "both", state);
    }

    private String recordingKey(String interactionId) {
        return store.keys().prefix() + ":voice:" + interactionId + ":recording";
    }

    private String pausedKey(String interactionId) {
        return store.keys().prefix() + ":voice:" + interactionId + ":recpaused";
    }

    private Counter recordings(String outcome) {
        return Counter.builder("switchboard_voice_recordings").description("Calls whose recording started, or failed to")
                .tag("outcome", outcome).register(registry);
    }

    private Timer pauses() {
        return Timer.builder("switchboard_voice_recording_pauses")
                .description("Recording pauses (card details and the like), by length").register(registry);
    }
}
