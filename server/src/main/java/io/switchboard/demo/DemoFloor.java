package io.switchboard.demo;

import io.switchboard.engine.RoutingEngine;
import io.switchboard.routing.Agent;
import io.switchboard.routing.Channel;
import io.switchboard.routing.Customer;
import io.switchboard.simulator.SimulatedAsterisk;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.pbx.Dialplan;
import io.switchboard.simulator.pbx.PhoneBehavior;
import io.switchboard.simulator.pbx.SoundLibrary;
import io.switchboard.simulator.traffic.ContactTraffic;
import io.switchboard.simulator.traffic.Distribution;
import io.switchboard.simulator.traffic.TrafficProfile;
import io.switchboard.simulator.traffic.WeightedChoice;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --demo}: a simulated Asterisk (real AMI and FastAGI on loopback) with callers arriving, a
 * staffed floor of agents whose phones answer and talk, and a few customers, so a newcomer sees calls
 * flow, queues fill and agents work without owning a PBX. Agents' PIN is 1234.
 */
public final class DemoFloor {
    /** Callers per minute: about 8 erlangs against 10 agents, so lines form now and then. */
    private static final double CALLS_PER_MINUTE = 8;
    /** Web chats and emails per minute from simulated customers, beside the calls. */
    private static final double CHATS_PER_MINUTE = 2;
    private static final double EMAILS_PER_MINUTE = 1;
    private static final String AMI_USER = "cti";
    private static final String AMI_SECRET = "ctisecret";

    private DemoFloor() {
    }

    /** A simulated Asterisk whose dialplan is the shipped snippet, sending calls to the given FastAGI port. */
    public static SimulatedAsterisk startAsterisk(Path configDir, int agiPort) {
        String snippet;
        try {
            snippet = Files.readString(configDir.resolve("asterisk/extensions.conf"))
                    .replace("PJSIP/${EXTEN}", "Local/${EXTEN}@agents");
        } catch (IOException e) {
            throw new UncheckedIOException("demo needs config/asterisk/extensions.conf", e);
        }
        return SimulatedAsterisk.start(SimulatorConfig.defaults().amiPort(0).agiPort(agiPort)
                .sounds(SoundLibrary.all(Duration.ofSeconds(2)))
                .dialplan(Dialplan.defaults().append(snippet).global("SB_AGI", "127.0.0.1:" + agiPort)));
    }

    public static String amiUrl(SimulatedAsterisk asterisk) {
        return "ami://" + AMI_USER + ":" + AMI_SECRET + "@127.0.0.1:" + asterisk.amiPort() + "/demo-pbx";
    }

    /** A supervisor's phone on the simulated Asterisk, to listen to, whisper to or barge into calls from the console. */
    public static final String SUPERVISOR_PHONE = "Local/900@agents";

    /** Agents (available), customers, and callers: 8 per minute pressing IVR keys by weight. */
    public static Future<Void> open(RoutingEngine engine, SimulatedAsterisk asterisk) {
        asterisk.agentPhone(SUPERVISOR_PHONE.replaceAll("\\D", ""),
                PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(30)));
        List<Future<?>> setup = new ArrayList<>();
        for (Customer customer : customers()) {
            setup.add(engine.saveCustomer(customer));
        }
        List<Agent> agents = agents();
        for (Agent agent : agents) {
            asterisk.agentPhone(agent.endpoint().replaceAll("\\D", ""),
                    PhoneBehavior.answersAfter(Duration.ofSeconds(3), Duration.ofSeconds(40)));
            setup.add(engine.upsertAgent(agent, "1234")
                    .compose(a -> engine.setAgentState(agent.id(), "available", "")));
        }
        return Future.all(setup).map(v -> {
            asterisk.startTraffic(TrafficProfile.defaults()
                    .withCallsPerMinute(CALLS_PER_MINUTE)
                    .withDialedNumbers(List.of("8000"))
                    .withDtmf(new WeightedChoice<String>().add("1", 35).add("2", 35).add("4", 10).add("9", 15).add("3", 5))
                    .withPatience(Distribution.exponential(Duration.ofSeconds(90)))
                    .withAgents(Distribution.uniform(Duration.ofSeconds(2), Duration.ofSeconds(6)), 0.05,
                            Distribution.exponential(Duration.ofSeconds(40))), 42);
            return null;
        });
    }

    /**
     * Web chats and emails from simulated customers (real {@code /chat} WebSockets and SMTP), answered by the
     * floor's agents at their simulated desktops. Blocking (it logs the agents in): call it off the event loop.
     */
    public static AutoCloseable startContacts(int httpPort, int smtpPort) {
        return startContacts(httpPort, smtpPort, agents().stream().map(Agent::id).toList(), CHATS_PER_MINUTE,
                EMAILS_PER_MINUTE);
    }

    static AutoCloseable startContacts(int httpPort, int smtpPort, List<String> agentIds, double chatsPerMinute,
                                       double emailsPerMinute) {
        DemoDesk desk = DemoDesk.open(httpPort, agentIds, "1234");
        ContactTraffic traffic = ContactTraffic.start("127.0.0.1", httpPort, smtpPort, chatsPerMinute, emailsPerMinute,
                Duration.ofMinutes(3), 7);
        return () -> {
            traffic.close();
            desk.close();
        };
    }

    private static List<Agent> agents() {
        List<Agent> agents = new ArrayList<>();
        String[][] floor = {
            {"ann", "Ann Archer", "support:9,billing:6", "team-a"},
            {"bob", "Bob Baker", "support:7", "team-a"},
            {"cid", "Cid Costa", "support:6,spanish:9,billing:7", "team-a"},
            {"dee", "Dee Dunn", "billing:9,support:5", "team-a"},
            {"eva", "Eva Ortiz", "billing:8,spanish:9", "team-b"},
            {"fay", "Fay Fox", "support:8,sales:7", "team-b"},
            {"gus", "Gus Gill", "sales:9,support:4", "team-b"},
            {"hal", "Hal Hart", "billing:7,support:6", "team-b"},
            {"ivy", "Ivy Ito", "support:9,email:8", "team-b"},
            {"joe", "Joe Jones", "support:5,billing:5", "team-a"},
        };
        for (int i = 0; i < floor.length; i++) {
            Map<String, Integer> skills = new java.util.LinkedHashMap<>();
            for (String s : floor[i][2].split(",")) {
                String[] kv = s.split(":");
                skills.put(kv[0], Integer.parseInt(kv[1]));
            }
            agents.add(new Agent(floor[i][0], floor[i][1], "Local/" + (201 + i) + "@agents", floor[i][3], skills,
                    Map.of(Channel.VOICE, 1, Channel.CHAT, 3, Channel.EMAIL, 5), Map.of()));
        }
        return agents;
    }

    private static List<Customer> customers() {
        return List.of(
                new Customer("cust-1001", "Ann Caller", "gold", 12_500, List.of("+1 555 123 0001"), List.of("ann@example.com"), "en"),
                new Customer("cust-1002", "Bea Buyer", "platinum", 48_000, List.of("+1 555 123 0002"), List.of("bea@example.com"), "en"),
                new Customer("cust-1003", "Carlos Ruiz", "silver", 3_200, List.of("+34 600 000 003"), List.of("carlos@example.com"), "es"));
    }
}
