package io.switchboard.simulator;

import io.switchboard.simulator.ami.ManagerUser;
import io.switchboard.simulator.pbx.Dialplan;
import io.switchboard.simulator.pbx.SoundLibrary;
import io.switchboard.simulator.queue.QueueConfig;
import io.switchboard.simulator.traffic.Distribution;
import io.switchboard.simulator.traffic.TrafficGenerator;
import io.switchboard.simulator.traffic.TrafficProfile;
import io.switchboard.simulator.traffic.WeightedChoice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a simulated Asterisk as a process: {@code java -jar simulator.jar --ami-port 5038 --agi-port 4573
 * --calls-per-minute 20}. Flags are documented in README.md and by {@code --help}.
 */
public final class Main {

    static {
        // The library ships no logback.xml (it would clash with its users'); the process uses its own.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "simulator-logback.xml");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private static final String HELP = """
        Switchboard Asterisk simulator (Asterisk 22.10.1 AMI + FastAGI)

          --ami-port N            AMI port (default 5038; 0 = any free port)
          --ami-bind HOST         AMI bind address (default 127.0.0.1)
          --ami-user NAME         AMI user (default cti)
          --ami-secret SECRET     its secret (default ctisecret)
          --timestamp-events      add Timestamp: to events (manager.conf timestampevents)
          --agi-host HOST         FastAGI server (the CTI server) host (default 127.0.0.1)
          --agi-port N            FastAGI server port (default 4573)
          --calls-per-minute R    inbound call rate, Poisson arrivals (default 0: no traffic)
          --max-calls N           stop generating after N calls (default 0: no limit)
          --dialed NUMBERS        comma-separated numbers callers dial (default 8000)
          --dtmf SPEC             menu choices by weight, e.g. 1:50,2:30,3:20 (default)
          --patience-s S          mean caller patience in seconds, exponential (default 60; 0 = endless)
          --answer-delay-s MIN-MAX  agent phones answer uniformly within (default 1-5)
          --no-answer-rate P      share of agent rings never answered (default 0.05)
          --talk-s S              mean agent talk time in seconds, exponential (default 45)
          --seed N                random seed (default 1)
          --time-scale X          simulated seconds per real second (default 1)
          --no-sounds             behave like a box without sound files (as the capture)
          --extensions FILE       extensions.conf to use instead of the captured one
          --queues FILE           queues.conf to use instead of the captured one
          --duration-s S          exit after S real seconds (default: run until killed)
          --help                  this text
        """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        if (opts.containsKey("help")) {
            System.out.print(HELP);
            return;
        }
        SimulatorConfig config = SimulatorConfig.defaults()
            .amiPort(Integer.parseInt(opts.getOrDefault("ami-port", "5038")))
            .amiBindHost(opts.getOrDefault("ami-bind", "127.0.0.1"))
            .agiHost(opts.getOrDefault("agi-host", "127.0.0.1"))
            .agiPort(Integer.parseInt(opts.getOrDefault("agi-port", "4573")))
            .timestampEvents(opts.containsKey("timestamp-events"))
            .randomSeed(Long.parseLong(opts.getOrDefault("seed", "1")))
            .timeScale(Double.parseDouble(opts.getOrDefault("time-scale", "1")));
        if (opts.containsKey("ami-user") || opts.containsKey("ami-secret")) {
            config.clearUsers().user(ManagerUser.allPermissions(opts.getOrDefault("ami-user", "cti"),
                opts.getOrDefault("ami-secret", "ctisecret")));
        }
        if (opts.containsKey("no-sounds")) {
            config.sounds(SoundLibrary.none());
        }
        if (opts.containsKey("extensions")) {
            config.dialplan(Dialplan.parse(read(opts.get("extensions"))));
        }
        if (opts.containsKey("queues")) {
            config.queues(QueueConfig.parse(read(opts.get("queues"))));
        }

        SimulatedAsterisk asterisk = SimulatedAsterisk.start(config);
        LOG.info("Simulated Asterisk {} up: AMI on {}:{}, FastAGI to {}:{}", config.asteriskVersion(),
            config.amiBindHost(), asterisk.amiPort(), config.agiHost(), config.agiPort());

        double rate = Double.parseDouble(opts.getOrDefault("calls-per-minute", "0"));
        TrafficGenerator traffic = null;
        if (rate > 0) {
            traffic = asterisk.startTraffic(profile(opts, rate), Long.parseLong(opts.getOrDefault("seed", "1")));
            LOG.info("Generating {} calls per minute", rate);
        }

        CountDownLatch done = new CountDownLatch(1);
        TrafficGenerator generator = traffic;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (generator != null) {
                generator.stop();
            }
            asterisk.close();
            done.countDown();
        }, "simulator-shutdown"));
        long durationS = Long.parseLong(opts.getOrDefault("duration-s", "0"));
        long deadline = durationS > 0 ? System.currentTimeMillis() + durationS * 1000 : Long.MAX_VALUE;
        while (System.currentTimeMillis() < deadline) {
            long wait = Math.min(10_000, deadline - System.currentTimeMillis());
            if (done.await(wait, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                return;
            }
            LOG.info("{} channels, {} AMI clients, {} calls generated", asterisk.channels().size(),
                asterisk.amiConnections(), generator == null ? 0 : generator.callsPlaced());
        }
        System.exit(0);
    }

    static TrafficProfile profile(Map<String, String> opts, double rate) {
        TrafficProfile p = TrafficProfile.defaults().withCallsPerMinute(rate);
        if (opts.containsKey("dialed")) {
            p = p.withDialedNumbers(List.of(opts.get("dialed").split(",")));
        }
        if (opts.containsKey("dtmf")) {
            p = p.withDtmf(WeightedChoice.parse(opts.get("dtmf")));
        }
        double patience = Double.parseDouble(opts.getOrDefault("patience-s", "60"));
        p = p.withPatience(patience <= 0 ? null : Distribution.exponential(Duration.ofMillis((long) (patience * 1000))));
        String[] answer = opts.getOrDefault("answer-delay-s", "1-5").split("-");
        Distribution answerDelay = Distribution.uniform(
            Duration.ofMillis((long) (Double.parseDouble(answer[0]) * 1000)),
            Duration.ofMillis((long) (Double.parseDouble(answer[answer.length - 1]) * 1000)));
        double talk = Double.parseDouble(opts.getOrDefault("talk-s", "45"));
        p = p.withAgents(answerDelay, Double.parseDouble(opts.getOrDefault("no-answer-rate", "0.05")),
            Distribution.exponential(Duration.ofMillis((long) (talk * 1000))));
        return p.withMaxCalls(Integer.parseInt(opts.getOrDefault("max-calls", "0")));
    }

    /** {@code --name value} and {@code --flag}; unknown flags are an error. */
    static Map<String, String> parse(String[] args) {
        List<String> flags = List.of("timestamp-events", "no-sounds", "help");
        List<String> valued = List.of("ami-port", "ami-bind", "ami-user", "ami-secret", "agi-host", "agi-port",
            "calls-per-minute", "max-calls", "dialed", "dtmf", "patience-s", "answer-delay-s", "no-answer-rate",
            "talk-s", "seed", "time-scale", "extensions", "queues", "duration-s");
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a + "; see --help");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                out.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                out.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown option --" + name + "; known: " + Arrays.toString(valued.toArray())
                    + " and " + flags);
            }
        }
        return out;
    }

    private static String read(String file) throws IOException {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    }
}
