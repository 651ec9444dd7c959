package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.store.redis.RedisConnection;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Redis is the truth: restarts lose nothing, events cross nodes, bad rules never replace good ones. */
@ExtendWith(TestRedis.class)
class DurabilityIT {

    @Test
    void aRestartLosesNoWaitingInteractionOrTimer(TestRedis redis, @TempDir Path temp) {
        String prefix = redis.newPrefix();
        TestClock clock = new TestClock();
        Path rules = Rules.folder(temp, Rules.SMALL);
        String waiting;
        String offered;
        try (TestNode first = TestNode.on(redis, prefix).clock(clock).rules(rules).start()) {
            Api admin = first.api();
            Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
            Agents.available(sam, "sam");
            offered = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201)
                    .json().getString("id");
            waiting = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201)
                    .json().getString("id");
            assertEquals("reserved", admin.get("/api/v1/interactions/" + offered).json().getString("status"));
        }
        // the offer's 15 s timeout passes while no node runs
        clock.advance(Duration.ofSeconds(20));
        try (TestNode second = TestNode.on(redis, prefix).clock(clock).rules(rules).start()) {
            Api admin = second.api();
            Await.until("the missed offer fired on the new node", () ->
                    "queued".equals(admin.get("/api/v1/interactions/" + offered).json().getString("status"))
                            || "sam".equals(admin.get("/api/v1/interactions/" + waiting).json().getString("agentId")));
            JsonObject first = admin.get("/api/v1/interactions/" + offered).json();
            assertEquals(1, admin.get("/api/v1/agents/sam").json().getInteger("missedOffers"));
            assertTrue(first.getJsonArray("history").encode().contains("\"reason\":\"timeout\""), first.encode());
            // sam is skipped for the one he missed, so he is offered the other, which kept its place
            assertEquals("sam", admin.get("/api/v1/interactions/" + waiting).json().getString("agentId"));
            // both still wait for an answer: the missed one in line, the other while it is offered to sam
            assertEquals(2, admin.get("/api/v1/queues/support/stats").json().getLong("waiting"));
        }
    }

    @Test
    void offersReachTheAgentOnWhicheverNodeItIsConnectedTo(TestRedis redis, @TempDir Path temp) {
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        try (TestNode a = TestNode.on(redis, prefix).rules(rules).start();
             TestNode b = TestNode.on(redis, prefix).rules(rules).start()) {
            Api samOnB = Agents.create(b.api(), "sam", new JsonObject().put("support", 9));
            try (AgentSocket events = samOnB.events("sam")) {
                Agents.available(samOnB, "sam");
                String id = a.api().post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201)
                        .json().getString("id");
                JsonObject offer = events.await("offer");
                assertEquals(id, offer.getString("interaction"));
                // and the agent token issued by node B works on node A
                Api samOnA = a.api().as(samOnB.token());
                samOnA.post("/api/v1/reservations/" + offer.getString("reservation") + "/accept", "{}").expect(200);
                assertEquals(id, events.await("assigned").getString("interaction"));
            }
        }
    }

    /**
     * A chat waits at a narrowed last step (no timeout); the step's agents are edited, which gives it another pool: the
     * chat is not stranded in the old one, and the queue's agent gets it.
     */
    @Test
    void aContactWaitingAtAStepWhoseAgentsAreEditedIsNotStranded(TestRedis redis, @TempDir Path temp) throws IOException {
        String narrowed = """
                queues:
                  support:
                    members: '"support" in agent.skills'
                workflow: default
                default:
                  steps:
                    - queue: support
                      agents: 'agent.skills.support >= 8'
                """;
        Path rules = Rules.folder(temp, narrowed);
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(rules).start()) {
            Api admin = node.api();
            Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 9));
            String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json()
                    .getString("id");
            long loads = admin.get("/api/v1/routing/rules").json().getLong("loads");
            Files.writeString(rules.resolve("rules.yaml"), narrowed.replace(">= 8", ">= 7"));
            Await.until("the edited step applied", () -> admin.get("/api/v1/routing/rules").json().getLong("loads")
                    == loads + 1);
            Await.until("its agents re-indexed", () -> admin.post("/api/v1/routing/explain", new JsonObject()
                    .put("channel", "chat")).expect(200).json().encode().contains("ann"));
            Agents.available(ann, "ann");
            Await.until("ann is offered the chat that waited", () -> "ann".equals(admin.get("/api/v1/interactions/" + id)
                    .json().getString("agentId")));
        }
    }

    /**
     * A rules edit that removes the queue a contact waits in, or stops it serving the contact's channel, leaves that
     * line without agents: the contact is routed again by its workflow (it waited for ever, in no queue's figures).
     */
    @Test
    void contactsOnALineTheNewRulesLeaveWithoutAgentsAreRoutedAgain(TestRedis redis, @TempDir Path temp)
            throws IOException {
        Path rules = Rules.folder(temp, Rules.SMALL);
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(rules).start()) {
            Api admin = node.api();
            String spanish = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")
                    .put("attributes", new JsonObject().put("language", "es"))).expect(201).json().getString("id");
            String email = admin.post("/api/v1/interactions", new JsonObject().put("channel", "email")).expect(201)
                    .json().getString("id");
            Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5), new JsonObject().put("chat", 1)
                    .put("email", 0));
            Agents.available(ann, "ann");
            assertEquals("queued", admin.get("/api/v1/interactions/" + spanish).json().getString("status"));

            // the spanish queue and its filter gone; support serves chat only now (and a new queue takes email)
            Files.writeString(rules.resolve("rules.yaml"), """
                    queues:
                      support:
                        members: '"support" in agent.skills'
                        wrapUpSeconds: 0
                        channels: [voice, chat]
                      mail:
                        members: '"mail" in agent.skills'
                        wrapUpSeconds: 0
                        channels: [email]
                    workflow: default
                    default:
                      steps:
                        - queue: support
                        - queue: mail
                    """);
            Await.until("the Spanish chat offered to ann on the support line", () -> "ann".equals(
                    admin.get("/api/v1/interactions/" + spanish).json().getString("agentId")));
            Await.until("the email moved to the mail line", () -> "mail".equals(
                    admin.get("/api/v1/interactions/" + email).json().getString("queue")));
            assertTrue(admin.get("/api/v1/interactions/" + spanish).json().getJsonArray("history").stream()
                    .map(JsonObject.class::cast).anyMatch(e -> "rules_changed".equals(e.getString("type"))));
        }
    }

    @Test
    void anInvalidRuleChangeKeepsThePreviousRulesAndAValidOneApplies(TestRedis redis, @TempDir Path temp)
            throws IOException {
        Path rules = Rules.folder(temp, Rules.SMALL);
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(rules).start()) {
            Api admin = node.api();
            Files.writeString(rules.resolve("rules.yaml"), Rules.SMALL.replace("queue: support", "queue: nowhere"));
            Await.until("the bad file is reported", () -> admin.get("/api/v1/routing/rules").json()
                    .encode().contains("unknown queue 'nowhere'"));
            assertEquals("support", admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat"))
                    .expect(201).json().getString("queue"), "the previous rules still route");
            // the bad edit undone: the files are the rules in force again, and the error is no longer reported
            Files.writeString(rules.resolve("rules.yaml"), Rules.SMALL);
            Await.until("the undone error cleared", () -> admin.get("/api/v1/routing/rules").json()
                    .getString("lastError") == null);
            Files.writeString(rules.resolve("rules.yaml"), Rules.SMALL.replace("queue: support", "queue: nowhere"));
            Await.until("reported again", () -> admin.get("/api/v1/routing/rules").json().getString("lastError") != null);

            Files.writeString(rules.resolve("rules.yaml"), Rules.SMALL.replace("""
                    default:
                      steps:
                        - queue: support""", """
                    default:
                      steps:
                        - queue: spanish"""));
            Await.until("the good file is applied", () -> "spanish".equals(admin.post("/api/v1/interactions",
                    new JsonObject().put("channel", "chat")).expect(201).json().getString("queue")));
            // the status clears once the new rules' pools are registered, a moment after they route
            Await.until("the error cleared", () -> admin.get("/api/v1/routing/rules").json().getString("lastError") == null);
        }
    }

    /**
     * A node started on a Redis written by older versions (without the index of the channels an agent is indexed as
     * free in; agents' pools as sets per channel, the lines with someone waiting as a set per channel; agents indexed
     * under layout 2) rebuilds what it derives when its rules load (the lines are read again, every agent is indexed
     * again): the waiting contacts reach the agent who frees up, the one waiting for that agent alone included, and
     * an agent who leaves is taken out of every availability index the older layout put it in.
     */
    @Test
    void aNodeOnOlderStateRebuildsWhatItDerives(TestRedis redis, @TempDir Path temp) throws Exception {
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        RedisKeys keys = RedisKeys.of(prefix);
        String inLine;
        String forSam;
        TestClock clock = new TestClock(); // stands still: the contact for sam stays on its first step, sam's line
        try (TestNode first = TestNode.on(redis, prefix).clock(clock).rules(rules).start()) {
            Api admin = first.api();
            Agents.create(admin, "sam", new JsonObject().put("support", 9), new JsonObject().put("voice", 2));
            Agents.available(Agents.create(admin, "kim", new JsonObject().put("spanish", 9)), "kim");
            inLine = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201)
                    .json().getString("id");
            forSam = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice").put("attributes",
                    new JsonObject().put("preferredAgentId", "sam"))).expect(201).json().getString("id");
            assertEquals("queued", admin.get("/api/v1/interactions/" + inLine).json().getString("status"));
            assertEquals("queued", admin.get("/api/v1/interactions/" + forSam).json().getString("status"));
        }
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            var commands = connection.commands();
            String applied = commands.get(keys.rulesApplied()).get(5, TimeUnit.SECONDS);
            commands.set(keys.rulesApplied(), "2" + applied.substring(applied.indexOf(':'))).get(5, TimeUnit.SECONDS);
            commands.hdel(keys.agent("kim"), "free").get(5, TimeUnit.SECONDS); // not written before layout 2 either
            // what layout 2 wrote instead: the lines with someone waiting as a set of pools per channel
            for (String line : commands.smembers(keys.prefix() + ":waiting").get(5, TimeUnit.SECONDS)) {
                String[] channelAndPool = line.split("\\|", 2);
                commands.sadd(keys.prefix() + ":waiting:" + channelAndPool[0], channelAndPool[1]).get(5, TimeUnit.SECONDS);
            }
            commands.del(keys.prefix() + ":waiting").get(5, TimeUnit.SECONDS);
            // and an agent's pools as a set per channel, without their order
            for (String agent : List.of("sam", "kim")) {
                for (String line : commands.smembers(keys.agent(agent) + ":lines").get(5, TimeUnit.SECONDS)) {
                    String[] channelAndPool = line.split("\\|", 2);
                    commands.sadd(keys.agent(agent) + ":pools:" + channelAndPool[0], channelAndPool[1])
                            .get(5, TimeUnit.SECONDS);
                }
                commands.del(keys.agent(agent) + ":lines").get(5, TimeUnit.SECONDS);
                commands.hdel(keys.agent(agent), "pools:voice", "pools:chat", "pools:email").get(5, TimeUnit.SECONDS);
            }
        }
        try (TestNode second = TestNode.on(redis, prefix).clock(clock).rules(rules).start()) {
            Api admin = second.api();
            Agents.login(admin, "kim").post("/api/v1/agents/kim/state", new JsonObject().put("state", "away")
                    .put("reason", "break")).expect(200);
            Api sam = Agents.login(admin, "sam");
            Agents.available(sam, "sam");
            for (int offer = 0; offer < 2; offer++) {
                String reservation = admin.get("/api/v1/agents/sam").json().getString("reservation");
                assertNotNull(reservation, "offer " + (offer + 1) + " of the two waiting contacts");
                sam.post("/api/v1/reservations/" + reservation + "/accept", "{}").expect(200);
            }
            assertEquals("sam", admin.get("/api/v1/interactions/" + inLine).json().getString("agentId"),
                    "the queue's waiting line was found again");
            assertEquals("sam", admin.get("/api/v1/interactions/" + forSam).json().getString("agentId"),
                    "the line of the contact waiting for sam alone was found again");
            String spanish = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                    .put("attributes", new JsonObject().put("language", "es"))).expect(201).json().getString("id");
            assertEquals("queued", admin.get("/api/v1/interactions/" + spanish).json().getString("status"),
                    "kim, away, is in no availability index any more");
        }
    }

    /**
     * A node starting on the rules every agent is already indexed with does not index them again (a rolling
     * restart of a large floor would re-index every agent once per node), nor does a reload that changes only
     * filters; new members or a node starting on other rules do.
     */
    @Test
    void agentsAreReIndexedOnlyWhenTheirMembershipCanChange(TestRedis redis, @TempDir Path temp) throws IOException {
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp.resolve("same"), Rules.SMALL);
        try (TestNode first = TestNode.on(redis, prefix).rules(rules).start()) {
            Api admin = first.api();
            for (String id : new String[] {"sam", "ann", "joe"}) {
                Agents.create(admin, id, new JsonObject().put("support", 9));
            }
            try (TestNode second = TestNode.on(redis, prefix).rules(rules).start()) {
                Api staff = second.api();
                assertEquals(0.0, upserts(staff), "nothing re-indexed");
                Agents.available(Agents.login(staff, "ann"), "ann");
                String id = staff.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201)
                        .json().getString("id");
                assertEquals("ann", staff.get("/api/v1/interactions/" + id).json().getString("agentId"),
                        "the index the first node built routes on the second");

                long loads = loads(staff);
                Files.writeString(rules.resolve("rules.yaml"), Rules.SMALL.replace("match: 'attributes.language == \"es\"'",
                        "match: 'attributes.language in [\"es\", \"xq\"]'"));
                Await.until("the new filter is applied", () -> loads(staff) == loads + 1); // counted once applied
                assertEquals("spanish", staff.post("/api/v1/routing/explain", new JsonObject().put("channel", "voice")
                        .put("attributes", new JsonObject().put("language", "xq"))).expect(200).json().getString("filter"));
                assertEquals(0.0, upserts(staff), "a filter changes no one's pools");
                Files.writeString(rules.resolve("rules.yaml"),
                        Rules.SMALL.replace("'\"support\" in agent.skills'", "'agent.skills.support >= 1'"));
                Await.until("the new members are applied", () -> loads(staff) == loads + 2);
                assertEquals(3.0, upserts(staff), "new members: every agent indexed again");
            }
            Path changed = Rules.folder(temp.resolve("changed"),
                    Rules.SMALL.replace("'\"support\" in agent.skills'", "'agent.skills.support >= 5'"));
            try (TestNode third = TestNode.on(redis, prefix).rules(changed).start()) {
                assertEquals(3.0, upserts(third.api()), "other members: every agent indexed again");
            }
        }
    }

    private static long loads(Api api) {
        return api.get("/api/v1/routing/rules").json().getLong("loads");
    }

    private static double upserts(Api api) {
        String series = "switchboard_routing_command_seconds_count{command=\"upsert\"}";
        return api.get("/metrics").expect(200).body().lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
    }
}
