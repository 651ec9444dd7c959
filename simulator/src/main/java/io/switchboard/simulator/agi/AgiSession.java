package io.switchboard.simulator.agi;

import io.switchboard.simulator.pbx.AgiLauncher;
import io.switchboard.simulator.pbx.Channel;
import io.switchboard.simulator.pbx.Pbx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Asterisk's side of one FastAGI session (res_agi's launch_netscript + run_agi): sends the environment,
 * executes one command at a time, publishes AGIExecStart/AGIExecEnd, and after a hangup tells the script
 * {@code HANGUP} and only runs the commands allowed on a dead channel. The session ends when the script
 * closes the connection; AGISTATUS is SUCCESS, FAILURE (a command failed on a live channel, e.g. a missing
 * sound file) or HANGUP.
 */
public final class AgiSession implements AgiLauncher.AgiRun {

    private static final Logger LOG = LoggerFactory.getLogger(AgiSession.class);

    static final String DEAD_CHANNEL = "511 Command Not Permitted on a dead channel or intercepted channel";

    private final Pbx pbx;
    private final Channel channel;
    private final String request;
    private final String script;
    private final List<String> args;
    private final Consumer<String> onDone;
    private final AgiTranscript transcript;
    private final Deque<String> pending = new ArrayDeque<>();
    private AgiTransport transport;
    private Command current;
    private boolean dead;
    private boolean hangupBeforeConnect;
    private boolean closed;
    private boolean finished;
    private boolean draining;
    private String status = "SUCCESS";

    AgiSession(Pbx pbx, Channel channel, String request, String script, List<String> args, Consumer<String> onDone) {
        this.pbx = pbx;
        this.channel = channel;
        this.request = request;
        this.script = script;
        this.args = args;
        this.onDone = onDone;
        this.transcript = new AgiTranscript(channel.name());
    }

    public AgiTranscript transcript() {
        return transcript;
    }

    public Channel channel() {
        return channel;
    }

    Pbx pbx() {
        return pbx;
    }

    boolean dead() {
        return dead;
    }

    // ------------------------------------------------------------------ transport events

    void connected(AgiTransport t) {
        this.transport = t;
        sendEnvironment();
        if (hangupBeforeConnect || channel.destroyed() || channel.hangupRequested()) {
            goDead();
        }
    }

    void connectFailed(String why) {
        LOG.warn("FastAGI connection to '{}' failed: {}", request, why);
        transcript.closed();
        finish("FAILURE");
    }

    void onLine(String line) {
        if (closed) {
            return;
        }
        pending.add(line);
        drain();
    }

    void onLineTooLong() {
        LOG.warn("AGI command line from '{}' too long, discarded", request);
    }

    void onClosed() {
        if (closed) {
            return;
        }
        closed = true;
        pending.clear();
        if (current != null) {
            current.abandon();
            current = null;
        }
        transcript.closed();
        finish(status);
    }

    private void finish(String agiStatus) {
        if (!finished) {
            finished = true;
            onDone.accept(agiStatus);
        }
    }

    // ------------------------------------------------------------------ AgiRun

    @Override
    public void channelHungUp() {
        if (transport == null) {
            hangupBeforeConnect = true;
            return;
        }
        if (current != null) {
            current.interrupt();
        } else if (!dead) {
            goDead();
        }
    }

    @Override
    public void channelRedirected() {
        // An async goto shows as a hangup to the AGI: it gets HANGUP and runs dead until the script quits.
        channelHungUp();
    }

    // ------------------------------------------------------------------ protocol

    private void sendEnvironment() {
        env("agi_network: yes");
        if (!script.isEmpty()) {
            env("agi_network_script: " + script);
        }
        env("agi_request: " + request);
        env("agi_channel: " + channel.name());
        env("agi_language: " + channel.language());
        env("agi_type: " + channel.type());
        env("agi_uniqueid: " + channel.uniqueid());
        env("agi_version: " + pbx.config().asteriskVersion());
        env("agi_callerid: " + orUnknown(channel.callerNum()));
        env("agi_calleridname: " + orUnknown(channel.callerName()));
        env("agi_callingpres: 0");
        env("agi_callingani2: 0");
        env("agi_callington: 0");
        env("agi_callingtns: 0");
        env("agi_dnid: unknown");
        env("agi_rdnis: unknown");
        env("agi_context: " + channel.context());
        env("agi_extension: " + channel.exten());
        env("agi_priority: " + channel.priority());
        env("agi_enhanced: 0.0");
        env("agi_accountcode: " + channel.accountCode());
        env("agi_threadid: " + pbx.nextAgiThreadId());
        for (int i = 0; i < args.size(); i++) {
            env("agi_arg_" + (i + 1) + ": " + args.get(i));
        }
        transport.send("");
    }

    private static String orUnknown(String s) {
        return s == null || s.isEmpty() ? "unknown" : s;
    }

    private void env(String line) {
        transcript.environment(line);
        transport.send(line);
    }

    /** Runs queued command lines one after the other (the script may pipeline them). */
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (current == null && !closed && !pending.isEmpty()) {
                execute(pending.poll());
            }
        } finally {
            draining = false;
        }
    }

    private void execute(String line) {
        transcript.command(line);
        int commandId = pbx.newCommandId();
        pbx.agiExecStart(channel, commandId, line);
        List<String> argv = AgiCommandLine.parse(line);
        AgiCommands.Spec spec = AgiCommands.find(argv);
        if (spec == null) {
            reply("510 Invalid or unknown command");
            pbx.agiExecEnd(channel, commandId, line, 510, "Invalid or unknown command");
            return;
        }
        if (dead && !spec.deadSafe()) {
            reply(DEAD_CHANNEL);
            pbx.agiExecEnd(channel, commandId, line, 511, "Command not permitted on a dead channel or intercepted channel");
            return;
        }
        Command cmd = new Command(line, commandId, argv, spec);
        current = cmd;
        try {
            spec.handler().accept(cmd);
        } catch (RuntimeException e) {
            LOG.warn("AGI command '{}' failed in the simulator", line, e);
            cmd.complete(CommandResult.failure("200 result=-1"));
        }
    }

    private void reply(String line) {
        transcript.reply(line);
        if (transport != null) {
            transport.send(line);
        }
    }

    private void goDead() {
        if (dead) {
            return;
        }
        dead = true;
        if ("SUCCESS".equals(status)) {
            status = "HANGUP";
        }
        transcript.unsolicited("HANGUP");
        if (transport != null) {
            transport.send("HANGUP");
        }
    }

    private void afterCommand() {
        if (!dead && (channel.hangupRequested() || channel.destroyed())) {
            goDead();
        }
        drain();
    }

    /** One running command. */
    private final class Command implements CommandContext {
        private final String line;
        private final int commandId;
        private final List<String> argv;
        private final AgiCommands.Spec spec;
        private Runnable interrupt;
        private boolean done;

        Command(String line, int commandId, List<String> argv, AgiCommands.Spec spec) {
            this.line = line;
            this.commandId = commandId;
            this.argv = argv;
            this.spec = spec;
        }

        @Override
        public List<String> argv() {
            return argv;
        }

        @Override
        public AgiSession session() {
            return AgiSession.this;
        }

        @Override
        public void onHangup(Runnable action) {
            this.interrupt = action;
        }

        void interrupt() {
            if (interrupt != null) {
                Runnable r = interrupt;
                interrupt = null;
                r.run();
            }
        }

        /** The script went away mid-command: stop without replying. */
        void abandon() {
            done = true;
            if (interrupt != null) {
                Runnable r = interrupt;
                interrupt = null;
                r.run();
            }
        }

        @Override
        public void complete(CommandResult result) {
            if (done) {
                return;
            }
            done = true;
            if (result.code() == CommandResult.Code.USAGE) {
                pbx.agiExecEnd(channel, commandId, line, 520, "Usage");
                reply("520-Invalid command syntax.  Proper usage follows:");
                for (String u : AgiCommands.usage(spec)) {
                    reply(u);
                }
                reply("520 End of proper usage.");
            } else {
                result.reply().forEach(AgiSession.this::reply);
                pbx.agiExecEnd(channel, commandId, line, result.code().resultCode, result.code().text);
            }
            if (result.code() == CommandResult.Code.FAILURE && (dead || !channel.hangupRequested())) {
                status = "FAILURE";
            }
            current = null;
            afterCommand();
        }
    }
}
