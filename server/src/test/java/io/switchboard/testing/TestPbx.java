package io.switchboard.testing;

import io.switchboard.simulator.SimulatedAsterisk;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.ami.ManagerUser;
import io.switchboard.simulator.pbx.Dialplan;
import io.switchboard.simulator.pbx.SoundLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    /**
     * The simulator's phones are Local channels ({@code Local/<ext>@agents}), and the trunk to customers a context
     * that answers and waits (click-to-dial, consultations out). Its FastAGI goes to the node {@link #wire}d to it.
     * @param prompts how long each sound of the IVR plays (simulated time)
     */
    public static SimulatedAsterisk start(Duration prompts) {
        try {
            String snippet = Files.readString(Repo.root().resolve("config/asterisk/extensions.conf"))
                    .replace("PJSIP/${EXTEN}@trunk", "Local/${EXTEN}@customers")
                    .replace("PJSIP/${EXTEN}", "Local/${EXTEN}@agents")
                    + "\n[customers]\nexten => _X.,1,Answer()\n same => n,Wait(30)\n"
                    + "exten => " + UNANSWERED + ",1,Wait(120)\n";
            return SimulatedAsterisk.start(SimulatorConfig.defaults().timeScale(10)
                    .user(shippedUser()).sounds(SoundLibrary.all(prompts))
                    .dialplan(Dialplan.defaults().append(snippet)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The node logs in to the simulator's AMI as pbx1 and takes its FastAGI: on a free port of the node's own, to
     * which the simulator is pointed once the node listens (a port picked beforehand may be taken meanwhile by any
     * outgoing connection: it is in the ephemeral range). A node started again takes the calls again.
     */
    public static TestNode.Builder wire(TestNode.Builder node, SimulatedAsterisk asterisk) {
        return amiOnly(node, asterisk).whenStarted(n -> asterisk.agiTarget("127.0.0.1", n.server().agiPort()));
    }

    /** The node logs in to the simulator's AMI as pbx1 only: the simulator's calls go on to the node wired before. */
    public static TestNode.Builder amiOnly(TestNode.Builder node, SimulatedAsterisk asterisk) {
        return node.env("SWITCHBOARD_AMI_URLS", amiUrl("pbx1", asterisk.amiPort()));
    }

    /** The shipped AMI user's URL for an Asterisk named {@code name} on a loopback port. */
    public static String amiUrl(String name, int port) {
        ManagerUser user = shippedUser();
        return "ami://" + user.username() + ":" + user.secret() + "@127.0.0.1:" + port + "/" + name;
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
