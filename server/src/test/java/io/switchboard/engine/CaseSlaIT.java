package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** SLA targets of cases through the real API and case changes, on a real Redis, with a moved clock. */
@ExtendWith(TestRedis.class)
class CaseSlaIT {
    static final String POLICIES = """
            calendars:
              office:
                timeZone: UTC
                hours:
                  monday: "09:00-17:00"
                  tuesday: "09:00-17:00"
                  wednesday: "09:00-17:00"
                  thursday: "09:00-17:00"
                  friday: "09:00-17:00"
            policies:
              - name: complaint
                match: 'case.type == "complaint"'
                calendar: office
                pauseWhenPendingCustomer: true
                targets: {firstResponse: 4h, resolution: 48h}
              - name: chat-case
                match: 'channel == "chat" && case.type != ""'
                targets: {firstResponse: 2m}
              - name: urgent-email
                match: 'channel == "email" && case.priority == "urgent"'
                targets: {firstResponse: 1h, resolution: 1d}
              - name: email
                match: 'channel == "email"'
                targets: {answer: 4h, firstResponse: 4h, nextResponse: 8h, resolution: 3d}
                escalations:
                  - {at: 0.75, action: warn}
                  - {at: 1.0, action: breach}
                  - {at: 1.0, action: notify}
            """;

    private final TestClock clock = new TestClock();
    private TestNode node;
    private Api admin;
    /** Monday 09:00 UTC, when each test starts. */
    private Instant monday;
    private Path policies;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        monday = clock.instant().atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.next(DayOfWeek.MONDAY))
                .atTime(9, 0).toInstant(ZoneOffset.UTC);
        clock.advance(Duration.between(clock.instant(), monday));
        node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, Rules.SMALL))
                .sla(policies = SlaBehaviourIT.slaFile(temp, POLICIES)).start();
        admin = node.api();
        admin.post("/api/v1/customers", new JsonArray()
                .add(new JsonObject().put("id", "cust-1").put("name", "Ada")))
                .expect(201);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String email() {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", "email").put("customerId", "cust-1"))
                .expect(201).json().getString("id");
    }

    private String openCase(String type, String interactionId) {
        JsonObject body = new JsonObject().put("type", type).put("customerId", "cust-1").put("subject", "Router")
                .put("interactionId", interactionId);
        if (type.equals("complaint")) {
            body.put("complaint", new JsonObject().put("category", "service"));
        }
        String id = admin.post("/api/v1/cases", body).expect(201).json().getString("id");
        // the timers are armed as the case is opened, off the request: wait for them before moving the clock
        Await.until("the case's timers armed", () -> timer(id, "resolution") != null);
        return id;
    }

    /** The case's target as GET /api/v1/sla/timers?caseId= shows it, or null. */
    private JsonObject timer(String caseId, String target) {
        JsonArray timers = admin.get("/api/v1/sla/timers?caseId=" + caseId).expect(200).json().getJsonArray("timers");
        return timers.stream().map(JsonObject.class::cast).filter(t -> target.equals(t.getString("target")))
                .findFirst().orElse(null);
    }

    private JsonObject onCase(String caseId, String target) {
        return admin.get("/api/v1/cases/" + caseId).expect(200).json().getJsonArray("sla").stream()
                .map(JsonObject.class::cast).filter(t -> target.equals(t.getString("target"))).findFirst().orElse(null);
    }

    private void respond(String caseId) {
        admin.post("/api/v1/cases/" + caseId + "/notes", new JsonObject().put("text", "We are on it")
                .put("publicResponse", true)).expect(200);
    }

    private double metric(String series) {
        String scrape = admin.get("/metrics").expect(200).body();
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
    }

    @Test
    void anEmailCaseBreachesItsFirstResponseWithTheStepsInOrder() {
        try (AgentSocket supervisor = admin.as("test-supervisor-key").supervisorEvents()) {
            String caseId = openCase("service_request", email());
            JsonObject first = timer(caseId, "firstResponse");
            assertEquals("email", first.getString("policy"));
            assertEquals("running", first.getString("state"));
            assertEquals(4 * 3_600_000, first.getLong("remainingMs"));
            assertEquals(3 * 86_400_000L, timer(caseId, "resolution").getLong("remainingMs"));
            assertNull(timer(caseId, "nextResponse"), "no next response before an agent responded");

            clock.advance(Duration.ofHours(3));
            JsonObject warn = supervisor.await(e -> "sla_warn".equals(e.getString("type"))
                    && caseId.equals(e.getString("case")), "the case's warn", Duration.ofSeconds(10));
            assertEquals("firstResponse", warn.getString("target"));
            assertEquals(3_600_000, warn.getLong("remainingMs"));
            assertEquals("email", warn.getString("channel"));

            clock.advance(Duration.ofHours(1));
            supervisor.await(e -> "sla_notify".equals(e.getString("type")) && caseId.equals(e.getString("case")),
                    "the case's notify", Duration.ofSeconds(10));
            List<String> order = supervisor.all().stream().filter(e -> caseId.equals(e.getString("case")))
                    .map(e -> e.getString("type")).toList();
            assertEquals(List.of("sla_warn", "sla_breach", "sla_notify"), order);
            Await.until("the breach shows on the case", () -> "breached".equals(onCase(caseId, "firstResponse")
                    .getString("state")));
            assertEquals("minor", onCase(caseId, "firstResponse").getString("severity"));
            assertEquals("running", onCase(caseId, "resolution").getString("state"));

            clock.advance(Duration.ofHours(1)); // 25 % over: major
            supervisor.await(e -> "sla_severity".equals(e.getString("type")) && caseId.equals(e.getString("case")),
                    "the case's severity", Duration.ofSeconds(10));
            JsonObject breach = admin.get("/api/v1/sla/breaches?severity=major").expect(200).json()
                    .getJsonArray("breaches").stream().map(JsonObject.class::cast)
                    .filter(b -> caseId.equals(b.getString("case"))).findFirst().orElseThrow();
            assertEquals("firstResponse", breach.getString("target"));
            assertEquals(monday.plus(Duration.ofHours(4)).toEpochMilli(), breach.getLong("dueAt"));

            JsonObject complaint = admin.post("/api/v1/cases", new JsonObject().put("type", "complaint")
                    .put("customerId", "cust-1").put("subject", "Nobody answered")
                    .put("complaint", new JsonObject().put("category", "service"))
                    .put("fromBreach", breach.getString("id"))).expect(201).json();
            assertTrue(complaint.getJsonObject("complaint").getString("slaOverrun")
                    .startsWith("major breach of firstResponse (policy email) on case " + caseId), complaint.encode());
            admin.post("/api/v1/cases", new JsonObject().put("type", "complaint").put("customerId", "cust-1")
                    .put("subject", "x").put("complaint", new JsonObject().put("category", "service"))
                    .put("fromBreach", "nope")).expect(422);
            admin.post("/api/v1/customers", new JsonObject().put("id", "cust-other").put("name", "Other")).expect(201);
            assertEquals("breach '" + breach.getString("id") + "' is of another customer's contact", admin.post(
                    "/api/v1/cases", new JsonObject().put("type", "complaint").put("customerId", "cust-other")
                    .put("subject", "x").put("complaint", new JsonObject().put("category", "service"))
                    .put("fromBreach", breach.getString("id"))).expect(422).json().getString("message"),
                    "a complaint quotes its own customer's broken promise");

            respond(caseId);
            Await.until("the late response ends the timer at its final severity", () ->
                    metric("switchboard_sla_breached_total{policy=\"email\",severity=\"major\",target=\"firstResponse\"}") == 1.0);
            JsonObject ended = onCase(caseId, "firstResponse");
            assertEquals("breached", ended.getString("state"));
            assertEquals("major", ended.getString("severity"));
            assertEquals(clock.millis(), ended.getLong("metAt"));
        }
    }

    @Test
    void aResponseWithinTargetIsMetAndACustomerReplyArmsTheNextResponse() {
        String caseId = openCase("service_request", email());
        clock.advance(Duration.ofHours(1));
        respond(caseId);
        Await.until("first response met", () -> "met".equals(timer(caseId, "firstResponse").getString("state")));
        assertEquals(3_600_000, timer(caseId, "firstResponse").getLong("elapsedMs"));
        Await.until("firstResponse met counted", () -> metric("switchboard_sla_met_total{policy=\"email\",target=\"firstResponse\"}") >= 1.0);
        assertEquals(1.0, metric("switchboard_sla_met_total{policy=\"email\",target=\"firstResponse\"}"));
        assertNull(timer(caseId, "nextResponse"));

        admin.post("/api/v1/cases/" + caseId + "/interactions", new JsonObject().put("interactionId", email()))
                .expect(200);
        Await.until("next response armed by the customer's reply", () -> timer(caseId, "nextResponse") != null);
        JsonObject next = timer(caseId, "nextResponse");
        assertEquals("running", next.getString("state"));
        assertEquals(8 * 3_600_000, next.getLong("remainingMs"));

        clock.advance(Duration.ofHours(2));
        respond(caseId);
        Await.until("next response met", () -> "met".equals(timer(caseId, "nextResponse").getString("state")));
        assertEquals(2 * 3_600_000, timer(caseId, "nextResponse").getLong("elapsedMs"));
        Await.until("nextResponse met counted", () -> metric("switchboard_sla_met_total{policy=\"email\",target=\"nextResponse\"}") >= 1.0);
        assertEquals(1.0, metric("switchboard_sla_met_total{policy=\"email\",target=\"nextResponse\"}"));

        admin.post("/api/v1/cases/" + caseId + "/resolve", new JsonObject().put("resolution", "Replaced")).expect(200);
        Await.until("resolution met", () -> "met".equals(timer(caseId, "resolution").getString("state")));
        Await.until("resolution met counted", () -> metric("switchboard_sla_met_total{policy=\"email\",target=\"resolution\"}") >= 1.0);
        assertEquals(1.0, metric("switchboard_sla_met_total{policy=\"email\",target=\"resolution\"}"));

        clock.advance(Duration.ofHours(1));
        admin.patch("/api/v1/cases/" + caseId, new JsonObject().put("status", "open")).expect(200);
        Await.until("reopening arms the resolution again", () -> "running".equals(timer(caseId, "resolution")
                .getString("state")));
        assertEquals(3 * 86_400_000L, timer(caseId, "resolution").getLong("remainingMs"));
    }

    /**
     * A case resolved before anyone answered it (its first response canceled), and the customer writes again: a
     * response is due (the next response), not no clock at all.
     */
    @Test
    void aCustomerWritingOnACaseNeverAnsweredGetsAResponseTarget() {
        String caseId = openCase("service_request", email());
        admin.post("/api/v1/cases/" + caseId + "/resolve", new JsonObject().put("resolution", "Duplicate")).expect(200);
        Await.until("first response ended unmet", () -> !"running".equals(timer(caseId, "firstResponse").getString("state")));
        // as the customer's mail on a resolved case does: the case opens again, the message is linked
        admin.patch("/api/v1/cases/" + caseId, new JsonObject().put("status", "open")).expect(200);
        admin.post("/api/v1/cases/" + caseId + "/interactions", new JsonObject().put("interactionId", email()))
                .expect(200);
        Await.until("a response is due again", () -> timer(caseId, "nextResponse") != null);
        assertEquals("running", timer(caseId, "nextResponse").getString("state"));
    }

    /** Each round of a case's next response is a target of its own: two late rounds are two breaches, both kept. */
    @Test
    void everyLateRoundOfTheNextResponseIsABreachOfItsOwn() {
        String caseId = openCase("service_request", email());
        respond(caseId);
        Await.until("first response met", () -> "met".equals(timer(caseId, "firstResponse").getString("state")));
        for (int round = 1; round <= 2; round++) {
            admin.post("/api/v1/cases/" + caseId + "/interactions", new JsonObject().put("interactionId", email()))
                    .expect(200);
            Await.until("next response armed", () -> timer(caseId, "nextResponse") != null
                    && "running".equals(timer(caseId, "nextResponse").getString("state")));
            clock.advance(Duration.ofHours(9)); // 8 h target: 12.5 % over, minor
            int breaches = round;
            Await.until("round " + round + " breached", () -> nextResponseBreaches(caseId).size() == breaches);
            respond(caseId);
            Await.until("round " + round + " ended, its breach counted", () -> metric(
                    "switchboard_sla_breached_total{policy=\"email\",severity=\"minor\",target=\"nextResponse\"}")
                    == breaches);
        }
        List<JsonObject> both = nextResponseBreaches(caseId);
        assertEquals(2, both.stream().map(b -> b.getString("id")).distinct().count(), both.toString());
        assertEquals(List.of("minor", "minor"), both.stream().map(b -> b.getString("severity")).toList());
        assertEquals(List.of(3_600_000L, 3_600_000L), both.stream()
                .map(b -> b.getLong("breachedAt") - b.getLong("dueAt")).toList(), "each found an hour late");
        assertTrue(both.get(0).getLong("breachedAt") > both.get(1).getLong("breachedAt"),
                "newest first: a console's \"latest breaches\" are the newest");
        for (JsonObject b : both) {
            admin.post("/api/v1/cases", new JsonObject().put("type", "complaint").put("customerId", "cust-1")
                    .put("subject", "Slow again").put("complaint", new JsonObject().put("category", "service"))
                    .put("fromBreach", b.getString("id"))).expect(201);
        }
    }

    private List<JsonObject> nextResponseBreaches(String caseId) {
        return admin.get("/api/v1/sla/breaches").expect(200).json().getJsonArray("breaches").stream()
                .map(JsonObject.class::cast).filter(b -> caseId.equals(b.getString("case"))
                        && "nextResponse".equals(b.getString("target"))).toList();
    }

    @Test
    void pendingCustomerPausesTheResolutionAndKeepsTheRemainingBusinessTime() {
        String caseId = openCase("complaint", null);
        JsonObject resolution = timer(caseId, "resolution");
        assertEquals("complaint", resolution.getString("policy"));
        assertEquals("office", resolution.getString("calendar"));
        // 48 h of Monday-Friday 09-17: six working days, so Monday of the next week at 17:00
        assertEquals(monday.plus(Duration.ofDays(7)).plus(Duration.ofHours(8)).toEpochMilli(), resolution.getLong("dueAt"));

        clock.advance(Duration.ofHours(2));
        admin.patch("/api/v1/cases/" + caseId, new JsonObject().put("status", "pending_customer")).expect(200);
        Await.until("paused", () -> "paused".equals(timer(caseId, "resolution").getString("state")));
        clock.advance(Duration.ofDays(3));
        JsonObject paused = timer(caseId, "resolution");
        assertEquals(46 * 3_600_000L, paused.getLong("remainingMs"));
        assertNull(paused.getValue("dueAt"));
        assertEquals("paused", timer(caseId, "firstResponse").getString("state"));

        admin.patch("/api/v1/cases/" + caseId, new JsonObject().put("status", "open")).expect(200);
        Await.until("resumed", () -> "running".equals(timer(caseId, "resolution").getString("state")));
        JsonObject resumed = timer(caseId, "resolution");
        assertEquals(46 * 3_600_000L, resumed.getLong("remainingMs"));
        // from Thursday 11:00, 46 working hours end on the Thursday after at 17:00
        assertEquals(monday.plus(Duration.ofDays(10)).plus(Duration.ofHours(8)).toEpochMilli(), resumed.getLong("dueAt"));

        admin.patch("/api/v1/cases/" + caseId, new JsonObject().put("status", "closed")).expect(200);
        Await.until("closing ends the timers without a verdict",
                () -> "canceled".equals(timer(caseId, "resolution").getString("state")));
        assertEquals(0.0, metric("switchboard_sla_met_total{policy=\"complaint\",target=\"resolution\"}"));
    }

    private List<JsonObject> atRisk(long withinSeconds) {
        return admin.get("/api/v1/sla/at-risk?withinSeconds=" + withinSeconds).expect(200).json().getJsonArray("timers")
                .stream().map(JsonObject.class::cast).toList();
    }

    @Test
    void atRiskListsWarnedAndSoonDueTimersSoonestFirst() {
        String warned = openCase("service_request", email());
        clock.advance(Duration.ofHours(3));
        Await.until("the first response warned", () -> atRisk(300).stream()
                .anyMatch(t -> warned.equals(t.getString("id")) && "warned".equals(t.getString("state"))));
        String later = openCase("service_request", email());

        List<JsonObject> soon = atRisk(300);
        JsonObject first = soon.stream().filter(t -> "case".equals(t.getString("kind"))).findFirst().orElseThrow();
        assertEquals(warned, first.getString("id"));
        assertEquals("firstResponse", first.getString("target"));
        assertEquals("email", first.getString("policy"));
        assertEquals(monday.plus(Duration.ofHours(4)).toEpochMilli(), first.getLong("dueAt"));
        assertTrue(soon.stream().noneMatch(t -> later.equals(t.getString("id"))), "due in 4 h: not within 5 min");
        assertTrue(soon.stream().anyMatch(t -> "interaction".equals(t.getString("kind"))
                && "answer".equals(t.getString("target"))), "the warned email's answer target is at risk too");

        List<JsonObject> window = atRisk(4 * 3600 + 1);
        JsonObject laterFirst = window.stream().filter(t -> later.equals(t.getString("id"))
                && "firstResponse".equals(t.getString("target"))).findFirst().orElseThrow();
        assertEquals("running", laterFirst.getString("state"));
        assertEquals(clock.millis() + 4 * 3_600_000L, laterFirst.getLong("dueAt"));
        List<Long> due = window.stream().map(t -> t.getLong("dueAt")).toList();
        assertEquals(due.stream().sorted().toList(), due, "soonest first");
        assertEquals(1, admin.get("/api/v1/sla/at-risk?withinSeconds=86400&limit=1").expect(200).json()
                .getJsonArray("timers").size());

        clock.advance(Duration.ofHours(1));
        Await.until("a breached timer is no longer at risk", () -> atRisk(300).stream()
                .noneMatch(t -> warned.equals(t.getString("id"))));
        admin.get("/api/v1/sla/at-risk?withinSeconds=0").expect(400);
        admin.get("/api/v1/sla/at-risk?withinSeconds=soon").expect(400);
    }

    @Test
    void retargetOverHttpAndWhenTheCasePriorityChanges() {
        String emailId = email();
        String caseId = openCase("service_request", emailId);
        clock.advance(Duration.ofMinutes(30));
        admin.patch("/api/v1/cases/" + caseId, new JsonObject().put("priority", "urgent")).expect(200);
        Await.until("the first response re-targeted to the urgent policy's",
                () -> timer(caseId, "firstResponse").getLong("targetMs") == 3_600_000);
        assertEquals(30 * 60_000, timer(caseId, "firstResponse").getLong("remainingMs"));
        assertEquals(86_400_000, timer(caseId, "resolution").getLong("targetMs"));
        assertEquals("urgent-email", timer(caseId, "firstResponse").getString("policy"), "the urgent policy's timer");
        assertEquals("urgent-email", timer(caseId, "resolution").getString("policy"));
        assertEquals("urgent-email", onCase(caseId, "resolution").getString("policy"));

        JsonObject retargeted = admin.post("/api/v1/cases/" + caseId + "/sla/retarget", new JsonObject()
                .put("target", "resolution").put("targetSeconds", 7200)).expect(200).json();
        assertTrue(retargeted.getBoolean("changed"));
        assertEquals(90 * 60_000, timer(caseId, "resolution").getLong("remainingMs"));
        assertEquals(clock.millis() + 90 * 60_000, onCase(caseId, "resolution").getLong("dueAt"));

        JsonObject answer = admin.post("/api/v1/interactions/" + emailId + "/sla/retarget",
                new JsonObject().put("targetSeconds", 3600)).expect(200).json();
        assertEquals(30 * 60_000, answer.getJsonArray("timers").getJsonObject(0).getLong("remainingMs"));
        admin.post("/api/v1/interactions/" + emailId + "/sla/retarget", new JsonObject().put("targetSeconds", 0))
                .expect(400);
        // a target the subject does not have: refused, not a 200 that changed nothing
        admin.post("/api/v1/cases/" + caseId + "/sla/retarget", new JsonObject().put("target", "answer")
                .put("targetSeconds", 60)).expect(400);
        admin.post("/api/v1/interactions/" + emailId + "/sla/retarget", new JsonObject().put("target", "resolution")
                .put("targetSeconds", 60)).expect(400);
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        sam.post("/api/v1/cases/" + caseId + "/sla/retarget", new JsonObject().put("targetSeconds", 60)).expect(403);
    }

    @Test
    void aBadPolicyEditIsRejectedAndTheOldPoliciesKeepWorking() throws IOException {
        String armedBefore = openCase("service_request", email());
        Files.writeString(policies, POLICIES.replace("firstResponse: 4h, nextResponse", "firstResponse: soon, nextResponse"));
        Await.result(node.server().slaWatcher().check());
        String error = node.server().slaWatcher().status().getString("lastError");
        assertTrue(error != null && error.contains("sla.yaml:24:") && error.contains("duration"), error);
        String armedDuring = openCase("service_request", email());
        assertEquals(4 * 3_600_000, timer(armedDuring, "firstResponse").getLong("targetMs"), "the old policies apply");

        Files.writeString(policies, POLICIES.replace("firstResponse: 4h, nextResponse", "firstResponse: 2h, nextResponse"));
        Await.result(node.server().slaWatcher().check());
        assertNull(node.server().slaWatcher().status().getValue("lastError"));
        String armedAfter = openCase("service_request", email());
        assertEquals(2 * 3_600_000, timer(armedAfter, "firstResponse").getLong("targetMs"), "the new policies apply");
        assertEquals(4 * 3_600_000, timer(armedBefore, "firstResponse").getLong("targetMs"),
                "an armed timer keeps the version it was armed with");
        clock.advance(Duration.ofHours(3));
        Await.until("the old timer warns on its own ladder, at 3 h of 4", () -> "running".equals(onCase(armedBefore,
                "firstResponse").getString("state")) && admin.get("/api/v1/sla/at-risk?withinSeconds=1").json()
                .getJsonArray("timers").stream().map(JsonObject.class::cast)
                .anyMatch(t -> armedBefore.equals(t.getString("id")) && "warned".equals(t.getString("state"))));
    }

    @Test
    void anAnsweredCallOnTheCaseIsTheFirstResponse() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        try (AgentSocket samEvents = sam.events("sam")) {
            String call = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                    .put("customerId", "cust-1")).expect(201).json().getString("id");
            String linkedFirst = openCase("complaint", call);
            clock.advance(Duration.ofMinutes(10));
            Agents.available(sam, "sam");
            String rsv = samEvents.await("offer").getString("reservation");
            sam.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
            Await.until("answering the call met the first response",
                    () -> "met".equals(timer(linkedFirst, "firstResponse").getString("state")));
            assertEquals(600_000, timer(linkedFirst, "firstResponse").getLong("elapsedMs"));

            String linkedAfter = openCase("complaint", null);
            clock.advance(Duration.ofMinutes(5));
            admin.post("/api/v1/cases/" + linkedAfter + "/interactions", new JsonObject().put("interactionId", call))
                    .expect(200);
            Await.until("linking the answered call met the first response",
                    () -> "met".equals(timer(linkedAfter, "firstResponse").getString("state")));
            assertNull(timer(linkedAfter, "nextResponse"), "an answered call is no customer reply waiting");
        }
    }

    @Test
    void anAgentsChatMessageIsTheFirstResponse() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
        try (AgentSocket desk = ann.events("ann"); AgentSocket customer = admin.chat()) {
            customer.send(new JsonObject().put("type", "start").put("name", "Bo").put("email", "bo@example.com")
                    .put("topic", "support").put("language", "en"));
            JsonObject started = customer.await("started");
            String chat = started.getString("interaction");
            String caseId = started.getString("caseId");
            Await.until("the chat's case armed", () -> timer(caseId, "firstResponse") != null);
            assertEquals("chat-case", timer(caseId, "firstResponse").getString("policy"));
            Agents.available(ann, "ann");
            ann.post("/api/v1/reservations/" + desk.await("offer").getString("reservation") + "/accept", "{}")
                    .expect(200);
            clock.advance(Duration.ofSeconds(30));
            assertEquals("running", timer(caseId, "firstResponse").getString("state"), "joining is no response yet");

            ann.post("/api/v1/interactions/" + chat + "/messages", new JsonObject().put("text", "Hello Bo")).expect(200);
            Await.until("the agent's message met the first response",
                    () -> "met".equals(timer(caseId, "firstResponse").getString("state")));
            assertEquals(30_000, timer(caseId, "firstResponse").getLong("elapsedMs"));
        }
    }
}
