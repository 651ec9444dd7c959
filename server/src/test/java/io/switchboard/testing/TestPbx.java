package io.switchboard.testing;

import io.switchboard.simulator.SimulatedAsterisk;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.ami.ManagerUser;
import io.switchboard.simulator.pbx.Dialplan;
import io.switchboard.simulator.pbx.SoundLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A simulated Asterisk running the shipped dialplan snippet (config/asterisk/extensions.conf), ten times faster than
 * real time, whose FastAGI goes to a port chosen here, and the settings that point a node at it. The node logs in as
 * the shipped manager.conf's user, with its read and write classes, so an event or action the shipped user may not
 * see or send fails the tests as it would fail on a real Asterisk.
 */
public final class TestPbx {
    private TestPbx() {
    }

    /** A customer's number that rings and is never answered. */
    public static final String UNANSWERED = "5550000";

    /** A free port for the node's FastAGI, to give both {@link #start} and {@link #wire}. */
    public static int agiPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The simulator's phones are Local channels ({@code Local/<ext>@agents}), and the trunk to customers a context
     * that answers and waits (click-to-dial, consultations out).
     * @param prompts how long each sound of the IVR plays (simulated time)
     */
    public static SimulatedAsterisk start(int agiPort, Duration prompts) {
        try {
            String snippet = Files.readString(Repo.root().resolve("config/asterisk/extensions.conf"))
                    .replace("PJSIP/${EXTEN}@trunk", "Local/${EXTEN}@customers")
                    .replace("PJSIP/${EXTEN}", "Local/${EXTEN}@agents")
                    + "\n[customers]\nexten => _X.,1,Answer()\n same => n,Wait(30)\n"
                    + "exten => " + UNANSWERED + ",1,Wait(120)\n";
            return SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agiPort).timeScale(10)
                    .user(shippedUser()).sounds(SoundLibrary.all(prompts))
                    .dialplan(Dialplan.defaults().append(snippet).global("SB_AGI", "127.0.0.1:" + agiPort)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node takes the simulator's FastAGI on {@code agiPort} and logs in to its AMI as pbx1. */
    public static TestNode.Builder wire(TestNode.Builder node, SimulatedAsterisk asterisk, int agiPort) {
        ManagerUser user = shippedUser();
        return node.env("SWITCHBOARD_AGI_PORT", Integer.toString(agiPort))
                .env("SWITCHBOARD_AMI_URLS", "ami://" + user.username() + ":" + user.secret() + "@127.0.0.1:"
                        + asterisk.amiPort() + "/pbx1");
    }

    /** The one user config/asterisk/manager.conf declares (the section after [general]). */
    static ManagerUser shippedUser() {
        try {
            String conf = Files.readString(Repo.root().resolve("config/asterisk/manager.conf"));
            Matcher section = Pattern.compile("(?m)^\\[(?!general\\])([^\\]]+)\\]\\s*$").matcher(conf);
            if (!section.find()) {
                throw new IllegalStateException("config/asterisk/manager.conf declares no user");
            }
            String body = conf.substring(section.end());
            return ManagerUser.of(section.group(1), setting(body, "secret"), setting(body, "read"),
                    setting(body, "write"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String setting(String section, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\s*=\\s*(\\S+)").matcher(section);
        if (!m.find()) {
            throw new IllegalStateException("config/asterisk/manager.conf: no " + name);
        }
        return m.group(1);
    }
}
