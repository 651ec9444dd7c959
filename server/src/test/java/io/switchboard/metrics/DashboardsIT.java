package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Repo;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
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
    private static final Pattern METRIC = Pattern.compile("(?<![:\\w])switchboard_[a-z0-9_]+");

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
    void everyMetricTheDashboardsAndRulesUseIsExported(TestRedis redis, @TempDir Path temp) throws IOException {
        Path config = Files.createDirectories(temp.resolve("config"));
        Files.writeString(config.resolve("switchboard.yaml"), """
                webhooks:
                  urls: [http://127.0.0.1:9/closed]
                  secret: a-secret-of-16-chars
                  retryBaseMillis: 50
                  pollMillis: 20
                """);
        TestClock clock = new TestClock();
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, RULES))
                .env("SWITCHBOARD_CONFIG_DIR", config.toString()).start()) {
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
            String second = accept(admin, sam);
            sam.post("/api/v1/interactions/" + second + "/wrapup", "{}").expect(200);
            sam.post("/api/v1/interactions/" + second + "/complete", new JsonObject().put("disposition", "upsell")
                    .put("amount", 49.90)).expect(200);

            Await.until("floor gauges and webhook failures", Duration.ofSeconds(15), () -> {
                String s = admin.get("/metrics").body();
                return s.contains("switchboard_agent_state_seconds_total") && s.contains("outcome=\"failure\"");
            });
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

    private static String create(Api admin) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201).json().getString("id");
    }

    private static String accept(Api admin, Api sam) {
        String rsv = admin.get("/api/v1/agents/sam").json().getString("reservation");
        sam.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
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
