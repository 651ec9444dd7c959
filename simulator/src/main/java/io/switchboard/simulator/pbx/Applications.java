package io.switchboard.simulator.pbx;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The dialplan applications the simulator knows, looked up case-insensitively as Asterisk does. */
final class Applications {

    private final Map<String, Application> apps = new HashMap<>();

    Applications(Pbx pbx) {
        register("NoOp", call -> finished(call, 0));
        register("Verbose", call -> finished(call, 0));
        register("Log", call -> finished(call, 0));
        register("Ringing", call -> finished(call, 0));
        register("Progress", call -> finished(call, 0));
        register("Answer", call -> {
            call.pbx.answer(call.channel);
            return finished(call, 0);
        });
        register("Wait", call -> TimedApp.run(call, Pbx.parseSeconds(call.arg(0), Duration.ZERO)));
        register("MusicOnHold", call -> {
            // MusicOnHold(class,duration): without a duration it plays until hangup or redirect.
            String d = call.arg(1);
            return TimedApp.run(call, d.isEmpty() ? null : Pbx.parseSeconds(d, Duration.ZERO));
        });
        register("Playback", call -> {
            String file = call.arg(0);
            boolean exists = !file.isEmpty() && call.pbx.sounds().exists(file);
            Duration length = exists ? call.pbx.sounds().duration(file) : Duration.ZERO;
            return TimedApp.run(call, length,
                () -> call.pbx.setVariable(call.channel, "PLAYBACKSTATUS", exists ? "SUCCESS" : "FAILED"));
        });
        register("Hangup", call -> {
            int cause = 0;
            try {
                cause = call.data.isBlank() ? 0 : Integer.parseInt(call.data.trim());
            } catch (NumberFormatException e) {
                cause = 0;
            }
            // pbx_builtin_hangup: Normal Clearing unless told otherwise or a cause is already set.
            if (cause > 0) {
                call.channel.hangupCause(cause);
            } else if (call.channel.hangupCause() == 0) {
                call.channel.hangupCause(HangupCause.NORMAL_CLEARING);
            }
            return finished(call, -1);
        });
        register("UserEvent", call -> {
            String[] a = call.args();
            call.pbx.publish(Events.userEvent(call.channel, a.length == 0 ? "" : a[0],
                java.util.Arrays.asList(a).subList(Math.min(1, a.length), a.length)));
            return finished(call, 0);
        });
        register("Set", call -> {
            int eq = call.data.indexOf('=');
            if (eq > 0) {
                call.pbx.setVariable(call.channel, call.data.substring(0, eq).trim(), call.data.substring(eq + 1));
            }
            return finished(call, 0);
        });
        register("Goto", call -> {
            String[] a = call.args();
            Channel ch = call.channel;
            DialplanLocation target = switch (a.length) {
                case 1 -> new DialplanLocation(ch.context(), ch.exten(), parsePriority(call, ch.context(), ch.exten(), a[0]));
                case 2 -> new DialplanLocation(ch.context(), a[0].trim(), parsePriority(call, ch.context(), a[0].trim(), a[1]));
                default -> a.length >= 3
                    ? new DialplanLocation(a[0].trim(), a[1].trim(), parsePriority(call, a[0].trim(), a[1].trim(), a[2]))
                    : null;
            };
            if (target != null && ch.driver() instanceof PbxRunner runner) {
                runner.jumpAfterApp(target);
            }
            return finished(call, 0);
        });
        register("AGI", call -> new AgiApp(call).start());
        register("Dial", call -> new DialApp(call).start());
        register("Queue", call -> pbx.queueEngine().startQueueApp(call));
        register("ChanSpy", ChanSpyApp::start);
    }

    private static int parsePriority(AppCall call, String context, String exten, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            int p = call.pbx.dialplan().findLabel(context, exten, text.trim());
            return Math.max(p, 1);
        }
    }

    private static AppExecution finished(AppCall call, int result) {
        call.finish(result);
        return AppExecution.FINISHED;
    }

    private void register(String name, Application app) {
        apps.put(name.toLowerCase(Locale.ROOT), app);
    }

    Application find(String name) {
        return name == null ? null : apps.get(name.toLowerCase(Locale.ROOT));
    }
}
