package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.simulator.CallSpec;
import io.switchboard.simulator.CallerScript;
import io.switchboard.simulator.SimulatedAsterisk;
import io.switchboard.simulator.pbx.PhoneBehavior;
import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Repo;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestPbx;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric a shipped dashboard or alert rule names is exported by the server once traffic has
 * flowed: a renamed meter cannot silently blank a wallboard.
 */
@ExtendWith(TestRedis.class)
class DashboardsIT {
    private static final Pattern METRIC = Pattern.compile("(?<![:\\w])(switchboard|lettuce)_[a-z0-9_]+");

    private static final String RULES = """
            queues:
              support:
                members: '"support" in agent.skills'
                maxWaitSeconds: 5
                overflow: general
                wrapUpSeconds: 30
              general:
                members: 'size(agent.skills) > 0'
                wrapUpSeconds: 0
            workflow: default
            default:
              steps:
                - queue: support
            """;

    @Test
    void everyMetricTheDashboardsAndRulesUseIsExported(TestRedis redis, @TempDir Path temp) throws Exception {
        Path config = Files.createDirectories(temp.resolve("config"));
        Files.writeString(config.resolve("switchboard.yaml"), """
                webhooks:
                  urls: [http://127.0.0.1:9/closed]
                  secret: a-secret-of-16-chars
                  retryBaseMillis: 50
                  pollMillis: 20
                """);
        Files.writeString(config.resolve("sla.yaml"), """
                policies:
                  - name: voice
                    match: 'channel == "voice"'
                    targets: {answer: 20s}
                  - name: chat
                    match: 'channel == "chat"'
                    targets: {answer: 60s}
                """);
        Files.copy(Repo.root().resolve("config/ivr.yaml"), config.resolve("ivr.yaml"));
        TestClock clock = new TestClock();
        try (SimulatedAsterisk asterisk = TestPbx.start(Duration.ofMillis(100));
             TestNode node = TestPbx.wire(TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, RULES))
                .env("SWITCHBOARD_CONFIG_DIR", config.toString()).sla(config.resolve("sla.yaml")), asterisk)
                .start()) {
            Api admin = node.api();
            admin.put("/api/v1/agents/sam", new JsonObject().put("skills", new JsonObject().put("support", 9))
                    .put("team", "t1").put("pin", "1234")).expect(200);
            Api sam = Agents.login(admin, "sam");
            String overflowing = create(admin);
            clock.advance(Duration.ofSeconds(6));
            Await.until("overflow to general", () -> "general".equals(admin.get("/api/v1/interactions/" + overflowing)
                    .json().getString("queue")));
            String shortAbandon = create(admin);
            admin.post("/api/v1/interactions/" + shortAbandon + "/cancel", new JsonObject().put("abandoned", true)).expect(200);

            Agents.available(sam, "sam");
            String first = accept(admin, sam);
            sam.post("/api/v1/interactions/" + first + "/transfer", new JsonObject().put("queue", "support")).expect(200);
            // the transferring agent is skipped for it a while: a colleague of its team takes it
            admin.put("/api/v1/agents/kim", new JsonObject().put("skills", new JsonObject().put("support", 9))
                    .put("team", "t1").put("pin", "1234")).expect(200);
            Api kim = Agents.login(admin, "kim");
            Agents.available(kim, "kim");
            String second = accept(admin, kim, "kim");
            kim.post("/api/v1/interactions/" + second + "/wrapup", "{}").expect(200);
            kim.post("/api/v1/interactions/" + second + "/complete", new JsonObject().put("disposition", "sale")
                    .put("amount", 49.90)).expect(200);
            kim.post("/api/v1/agents/kim/state", new JsonObject().put("state", "away")).expect(200);

            chatThatBreachesThenIsRated(admin, sam, clock);
            complaintResolvedAtFirstContact(admin);
            callsThroughTheIvr(admin, asterisk);

            // meters that appear a moment after the traffic that feeds them (refreshed or counted asynchronously)
            List<String> late = List.of("switchboard_agent_state_seconds_total", "outcome=\"failure\"",
                    "switchboard_ami_connected{asterisk=\"pbx1\"} 1.0", "switchboard_sla_breached_total",
                    "switchboard_agent_cost_total", "switchboard_agents{");
            try {
                Await.until("late meters", Duration.ofSeconds(20),
                        () -> late.stream().allMatch(admin.get("/metrics").body()::contains));
            } catch (AssertionError e) {
                String body = admin.get("/metrics").body();
                throw new AssertionError("still missing: " + late.stream().filter(m -> !body.contains(m)).toList(), e);
            }
            String scrape = admin.get("/metrics").expect(200).body();
            Set<String> exported = new TreeSet<>();
            scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .forEach(l -> exported.add(l.split("[{ ]", 2)[0]));

            Set<String> used = usedMetrics();
            assertTrue(used.size() > 15, "dashboards and rules name " + used);
            Set<String> missing = new TreeSet<>(used);
            missing.removeAll(exported);
            assertEquals(Set.of(), missing, "named by dashboards or rules but not exported");
        }
    }

    /** A chat nobody answers for 61 s (its 60 s target breached), then answered, completed and rated 4. */
    private static void chatThatBreachesThenIsRated(Api admin, Api sam, TestClock clock) {
        sam.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away")).expect(200);
        try (AgentSocket customer = admin.chat()) {
            customer.send(new JsonObject().put("type", "start").put("name", "Ada").put("email", "ada@example.com")
                    .put("topic", "support").put("language", "en"));
            String id = customer.await("started").getString("interaction");
            clock.advance(Duration.ofSeconds(61));
            Await.until("the chat's SLA breached", () -> "breached".equals(admin.get("/api/v1/interactions/" + id)
                    .json().getJsonObject("sla").getString("state")));
            Agents.available(sam, "sam");
            Await.until("offered to sam", () -> admin.get("/api/v1/agents/sam").json().getString("reservation") != null);
            accept(admin, sam);
            customer.await("agent_joined");
            sam.post("/api/v1/interactions/" + id + "/complete", new JsonObject().put("disposition", "resolved")).expect(200);
            customer.await("ended");
            customer.send(new JsonObject().put("type", "rating").put("score", 4));
            customer.await("rated");
        }
    }

    private static void complaintResolvedAtFirstContact(Api admin) {
        admin.post("/api/v1/customers", new JsonObject().put("id", "cust-bo").put("name", "Bo")).expect(201);
        String id = admin.post("/api/v1/cases", new JsonObject().put("type", "complaint").put("customerId", "cust-bo")
                .put("subject", "Charged twice").put("complaint", new JsonObject().put("category", "billing")
                        .put("product", "plan-s"))).expect(201).json().getString("id");
        admin.post("/api/v1/cases/" + id + "/resolve", new JsonObject().put("resolution", "refunded")
                .put("disposition", "refund")).expect(200);
    }

    /** A caller served by the IVR who rings back (recontact), then one who asks for an agent who answers. */
    private static void callsThroughTheIvr(Api admin, SimulatedAsterisk asterisk) throws Exception {
        for (int i = 0; i < 2; i++) {
            asterisk.placeCall(CallSpec.create().from("15550009999", "Cy").context("switchboard-inbound")
                    .dialing("8000").script(CallerScript.create().press("4"))).awaitEnded(Duration.ofSeconds(15));
        }
        admin.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away")).expect(200); // no phone
        asterisk.agentPhone("301", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(5)));
        admin.put("/api/v1/agents/vic", new JsonObject().put("skills", new JsonObject().put("support", 5))
                .put("pin", "1234").put("endpoint", "Local/301@agents")).expect(200);
        admin.post("/api/v1/agents/vic/state", new JsonObject().put("state", "available")).expect(200);
        asterisk.placeCall(CallSpec.create().from("15550008888", "Di").context("switchboard-inbound")
                .dialing("8000").script(CallerScript.create().press("2")).patience(Duration.ofMinutes(5)));
        Await.until("the call rang vic", Duration.ofSeconds(15),
                () -> admin.get("/metrics").body().contains("switchboard_voice_time_to_ring_seconds"));
        Await.until("vic talking", Duration.ofSeconds(15), () -> "busy".equals(Agents.state(admin, "vic")));
        String call = admin.get("/api/v1/agents/vic").json().getJsonArray("interactions").getString(0);
        // held and taken back (hold time), once Switchboard knows vic's leg of the call
        Await.until("vic's call held", Duration.ofSeconds(15),
                () -> admin.post("/api/v1/interactions/" + call + "/hold", "{}").status() == 200);
        admin.post("/api/v1/interactions/" + call + "/unhold", "{}").expect(200);
    }


    private static String create(Api admin) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201).json().getString("id");
    }

    private static String accept(Api admin, Api sam) {
        return accept(admin, sam, "sam");
    }

    private static String accept(Api admin, Api agent, String id) {
        Await.until("an offer to " + id, () -> admin.get("/api/v1/agents/" + id).json().getString("reservation") != null);
        String rsv = admin.get("/api/v1/agents/" + id).json().getString("reservation");
        agent.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
        return rsv.substring(0, rsv.lastIndexOf('.'));
    }

    static Set<String> usedMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Repo.root().resolve("dashboards"))) {
            files = walk.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".rules.yml")).toList();
        }
        for (Path file : files) {
            Matcher m = METRIC.matcher(Files.readString(file));
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }
}
