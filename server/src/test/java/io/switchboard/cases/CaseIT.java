package io.switchboard.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Cases through the API against a real Redis: life cycle, rules, search, metrics, two nodes at once. */
@ExtendWith(TestRedis.class)
class CaseIT {
    private final TestClock clock = new TestClock();
    private TestRedis redis;
    private String prefix;
    private Path rules;
    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        this.redis = redis;
        this.prefix = redis.newPrefix();
        this.rules = Rules.folder(temp, Rules.SMALL);
        node = TestNode.on(redis, prefix).clock(clock).rules(rules).start();
        admin = node.api();
        admin.post("/api/v1/customers", new JsonArray()
                .add(new JsonObject().put("id", "cust-1").put("name", "Ada").put("tier", "gold"))
                .add(new JsonObject().put("id", "cust-2").put("name", "Bob"))).expect(201);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String interaction(String customerId) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice").put("customerId", customerId))
                .expect(201).json().getString("id");
    }

    private JsonObject open(JsonObject body) {
        return admin.post("/api/v1/cases", body).expect(201).json();
    }

    @Test
    void aServiceRequestResolvedOnItsFirstCallCountsAsFirstContactResolution() {
        String call = interaction("cust-1");
        JsonObject opened = open(new JsonObject().put("type", "service_request").put("customerId", "cust-1")
                .put("subject", "Router does not connect").put("interactionId", call));
        String id = opened.getString("id");
        assertEquals("C-10001", id);
        assertEquals("new", opened.getString("status"));
        assertEquals(List.of(call), opened.getJsonArray("interactions").getList());

        admin.patch("/api/v1/cases/" + id, new JsonObject().put("status", "open").put("priority", "high")
                .put("team", "tier1")).expect(200);
        assertTrue(admin.patch("/api/v1/cases/" + id, new JsonObject().put("subject", "Renamed")).expect(400).json()
                .getString("message").startsWith("a case's 'subject' cannot be changed"), "not a silent 200");
        admin.post("/api/v1/cases/" + id + "/notes", new JsonObject().put("text", "Asked for the router model")).expect(200);
        clock.advance(Duration.ofMinutes(10));
        JsonObject resolved = admin.post("/api/v1/cases/" + id + "/resolve", new JsonObject()
                .put("resolution", "Firmware reset").put("disposition", "fixed_remotely")).expect(200).json();
        assertEquals("resolved", resolved.getString("status"));
        assertTrue(resolved.getBoolean("firstContactResolution"));
        assertEquals("high", resolved.getString("priority"));
        assertEquals("tier1", resolved.getString("team"));
        assertEquals(List.of("fixed_remotely"), resolved.getJsonArray("dispositions").getList());
        assertEquals("admin", resolved.getJsonArray("notes").getJsonObject(0).getString("author"));
        assertEquals(resolved, admin.get("/api/v1/cases/" + id).expect(200).json());

        String scrape = admin.get("/metrics").expect(200).body();
        assertEquals(1.0, value(scrape, "switchboard_cases_opened_total{type=\"service_request\"}"));
        assertEquals(1.0, value(scrape, "switchboard_cases_resolved_total{type=\"service_request\"}"));
        assertEquals(1.0, value(scrape, "switchboard_cases_first_contact_resolved_total{type=\"service_request\"}"));
        assertEquals(600.0, value(scrape, "switchboard_case_resolution_seconds_sum{type=\"service_request\"}"));
        assertEquals(0.0, value(scrape,
                "switchboard_case_resolution_seconds_bucket{type=\"service_request\",le=\"300.0\"}"));
        assertEquals(1.0, value(scrape,
                "switchboard_case_resolution_seconds_bucket{type=\"service_request\",le=\"900.0\"}"));
    }

    @Test
    void statusRulesAndBadInputAnswerLikeTheRestOfTheApi() {
        String id = open(new JsonObject().put("type", "return").put("customerId", "cust-1")
                .put("subject", "Wrong size")).getString("id");
        JsonObject same = admin.patch("/api/v1/cases/" + id, new JsonObject().put("status", "new")).expect(200).json();
        admin.patch("/api/v1/cases/" + id, new JsonObject().put("status", "closed")).expect(200);
        JsonObject reopen = admin.patch("/api/v1/cases/" + id, new JsonObject().put("status", "open")).expect(409).json();
        assertEquals("conflict", reopen.getString("error"));
        assertTrue(reopen.getString("message").contains("cannot go from closed to open"), reopen.encode());
        admin.post("/api/v1/cases/" + id + "/resolve", new JsonObject().put("resolution", "x")).expect(409);
        assertEquals("new", same.getString("status"), "the same status is no change");

        admin.post("/api/v1/cases", new JsonObject().put("type", "gripe").put("customerId", "cust-1")
                .put("subject", "x")).expect(400);
        admin.post("/api/v1/cases", new JsonObject().put("type", "return").put("customerId", "cust-1")).expect(400);
        assertEquals("unprocessable", admin.post("/api/v1/cases", new JsonObject().put("type", "return")
                .put("customerId", "nobody").put("subject", "x")).expect(422).json().getString("error"));
        admin.get("/api/v1/cases/C-99999").expect(404);
        admin.get("/api/v1/cases?status=sleeping").expect(400);

        String other = open(new JsonObject().put("type", "information_request").put("customerId", "cust-2")
                .put("subject", "Opening hours")).getString("id");
        admin.post("/api/v1/cases/" + other + "/interactions",
                new JsonObject().put("interactionId", interaction("cust-1"))).expect(422);
        admin.post("/api/v1/cases/" + other + "/interactions",
                new JsonObject().put("interactionId", "no-such-interaction")).expect(404);
    }

    @Test
    void aComplaintKeepsItsCauseAndUniformResponseAndIsCountedByCategory() {
        JsonObject complaint = new JsonObject().put("category", "delivery").put("product", "Blender X2")
                .put("slaOverrun", "Promised in 2 days, delivered in 8");
        String id = open(new JsonObject().put("type", "complaint").put("customerId", "cust-1")
                .put("subject", "Late delivery").put("complaint", complaint)).getString("id");
        complaint.put("response", new JsonObject().put("apology", "We are sorry for the delay")
                .put("assurance", "We changed carrier for your area")
                .put("gesture", new JsonObject().put("kind", "voucher").put("value", 15.0)));
        JsonObject updated = admin.patch("/api/v1/cases/" + id, new JsonObject().put("complaint", complaint))
                .expect(200).json();
        assertEquals(complaint, updated.getJsonObject("complaint"));

        admin.post("/api/v1/cases", new JsonObject().put("type", "complaint").put("customerId", "cust-1")
                .put("subject", "x")).expect(400);
        admin.post("/api/v1/cases", new JsonObject().put("type", "complaint").put("customerId", "cust-1")
                .put("subject", "x").put("complaint", new JsonObject().put("category", "weather"))).expect(400);

        String scrape = admin.get("/metrics").expect(200).body();
        assertEquals(1.0, value(scrape, "switchboard_complaints_total{category=\"delivery\"}"));
        assertEquals(0.0, value(scrape, "switchboard_complaints_total{category=\"billing\"}"));
        assertEquals(1.0, value(scrape, "switchboard_cases_opened_total{type=\"complaint\"}"));
    }

    @Test
    void searchFiltersByCustomerStatusAndTypeNewestFirst() {
        String a = open(new JsonObject().put("type", "return").put("customerId", "cust-1").put("subject", "a")).getString("id");
        clock.advance(Duration.ofSeconds(1));
        String b = open(new JsonObject().put("type", "service_request").put("customerId", "cust-1").put("subject", "b")).getString("id");
        clock.advance(Duration.ofSeconds(1));
        String c = open(new JsonObject().put("type", "return").put("customerId", "cust-2").put("subject", "c")).getString("id");
        admin.patch("/api/v1/cases/" + b, new JsonObject().put("status", "open")).expect(200);

        assertEquals(List.of(b, a), ids(admin.get("/api/v1/cases?customerId=cust-1")));
        assertEquals(List.of(c, a), ids(admin.get("/api/v1/cases?type=return")));
        assertEquals(List.of(c, a), ids(admin.get("/api/v1/cases?status=new")));
        assertEquals(List.of(b), ids(admin.get("/api/v1/cases?status=open&customerId=cust-1")));
        assertEquals(List.of(a), ids(admin.get("/api/v1/cases?customerId=cust-1&type=return")));
        assertEquals(List.of(c), ids(admin.get("/api/v1/cases?limit=1")));
    }

    @Test
    void anAgentWorksOnlyTheCasesAssignedToIt() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
        ann.post("/api/v1/cases", new JsonObject().put("type", "service_request").put("customerId", "cust-1")
                .put("subject", "a customer ann does not serve")).expect(403);
        String mine = open(new JsonObject().put("type", "service_request").put("customerId", "cust-1")
                .put("subject", "mine").put("agentId", "ann")).getString("id");
        String theirs = open(new JsonObject().put("type", "service_request").put("customerId", "cust-1")
                .put("subject", "theirs")).getString("id");
        assertEquals("ann", ann.get("/api/v1/cases/" + mine).expect(200).json().getString("agentId"));
        ann.get("/api/v1/cases/" + theirs).expect(403);
        ann.post("/api/v1/cases/" + theirs + "/notes", new JsonObject().put("text", "x")).expect(403);
        ann.patch("/api/v1/cases/" + mine, new JsonObject().put("agentId", "bob")).expect(403);
        assertEquals(List.of(mine), ids(ann.get("/api/v1/cases?customerId=cust-1")));
        JsonObject noted = ann.post("/api/v1/cases/" + mine + "/notes", new JsonObject().put("text", "called back"))
                .expect(200).json();
        assertEquals("ann", noted.getJsonArray("notes").getJsonObject(0).getString("author"));

        // offered a contact of the customer, ann may open a case for it
        interaction("cust-1");
        Agents.available(ann, "ann");
        io.switchboard.testing.Await.until("a contact of cust-1 offered to ann",
                () -> admin.get("/api/v1/agents/ann").json().getString("reservation") != null);
        assertEquals("ann", ann.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "cust-1").put("subject", "asked on the phone")).expect(201).json()
                .getString("agentId"));
    }

    /** An agent's cases are found by their assignee, however many newer cases the floor opened since. */
    @Test
    void anAgentsOldCaseIsListedBehindManyNewerOnes() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
        String old = open(new JsonObject().put("type", "service_request").put("customerId", "cust-1")
                .put("subject", "old").put("agentId", "ann")).getString("id");
        for (int i = 0; i < io.switchboard.engine.CaseService.MAX_SEARCH + 1; i++) {
            open(new JsonObject().put("type", "information_request").put("customerId", "cust-2").put("subject", "n" + i));
        }
        assertEquals(List.of(old), ids(ann.get("/api/v1/cases")));
        assertEquals(List.of(old), ids(admin.get("/api/v1/cases?agentId=ann")));
        assertEquals("no agent 'bob' to assign the case to", admin.patch("/api/v1/cases/" + old,
                new JsonObject().put("agentId", "bob")).expect(422).json().getString("message"), "not yet an agent");
        Agents.create(admin, "bob", new JsonObject().put("support", 5));
        admin.patch("/api/v1/cases/" + old, new JsonObject().put("agentId", "bob")).expect(200);
        assertEquals(List.of(), ids(admin.get("/api/v1/cases?agentId=ann")), "reassigned: off ann's list");
        assertEquals(List.of(old), ids(admin.get("/api/v1/cases?agentId=bob")));
    }

    @Test
    void twoNodesChangingOneCaseAtOnceLoseNoUpdate() throws Exception {
        String id = open(new JsonObject().put("type", "service_request").put("customerId", "cust-1")
                .put("subject", "busy case")).getString("id");
        try (TestNode other = TestNode.on(redis, prefix).clock(clock).rules(rules).start();
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Api> apis = List.of(admin, other.api());
            List<Future<Integer>> notes = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Api api = apis.get(i % 2);
                String text = "note " + i;
                notes.add(pool.submit(() -> api.post("/api/v1/cases/" + id + "/notes",
                        new JsonObject().put("text", text)).status()));
            }
            for (Future<Integer> status : notes) {
                assertEquals(200, status.get());
            }
            JsonObject c = other.api().get("/api/v1/cases/" + id).expect(200).json();
            assertEquals(40, c.getJsonArray("notes").size());
            assertEquals("C-10002", other.api().post("/api/v1/cases", new JsonObject().put("type", "return")
                    .put("customerId", "cust-2").put("subject", "next")).expect(201).json().getString("id"),
                    "case numbers are shared by the nodes");
        }
        assertFalse(admin.get("/api/v1/cases/" + id).json().getJsonArray("notes").isEmpty());
    }

    private static List<Object> ids(io.switchboard.testing.Api.Reply reply) {
        return reply.expect(200).array().stream().map(o -> ((JsonObject) o).getValue("id")).toList();
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no series " + series + " in\n" + scrape));
    }
}
