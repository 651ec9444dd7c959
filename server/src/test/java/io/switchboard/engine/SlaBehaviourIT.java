package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** SLA timers of interactions through the real API, on a real Redis, with a moved clock. */
@ExtendWith(TestRedis.class)
class SlaBehaviourIT {
    /** Calendar closed-now has today and tomorrow (UTC) as holidays: a target under it counts no time today. */
    static final String POLICIES = """
            calendars:
              closed-now:
                timeZone: UTC
                hours: {monday: "00:00-23:59", tuesday: "00:00-23:59", wednesday: "00:00-23:59",
                        thursday: "00:00-23:59", friday: "00:00-23:59", saturday: "00:00-23:59",
                        sunday: "00:00-23:59"}
                holidays: ["%s", "%s"]
            policies:
              - name: urgent-chat
                match: 'channel == "chat" && attributes.urgent == true'
                targets: {answer: 20s}
              - name: holiday-chat
                match: 'channel == "chat" && "holiday" in attributes'
                calendar: closed-now
                targets: {answer: 60s}
              - name: chat
                match: 'channel == "chat"'
                targets: {answer: 60s}
                escalations:
                  - {at: 0.75, action: warn}
                  - {at: 1.0, action: breach}
                  - {at: 1.0, action: raise_priority, points: 10}
              - name: email
                match: 'channel == "email"'
                targets: {answer: 4h}
                escalations:
                  - {at: 0.75, action: warn}
                  - {at: 1.0, action: breach}
                  - {at: 1.0, action: raise_priority, points: 20}
              - name: callback
                match: 'channel == "callback"'
                targets: {answer: 10s}
                escalations:
                  - {at: 1.0, action: breach}
                  - {at: 1.0, action: widen}
            """.formatted(LocalDate.now(ZoneOffset.UTC), LocalDate.now(ZoneOffset.UTC).plusDays(1));

    private final TestClock clock = new TestClock();
    private RedisKeys keys;
    private String redisUri;
    private TestNode node;
    private Api admin;

    static Path slaFile(Path temp, String yaml) {
        try {
            return Files.writeString(temp.resolve("sla.yaml"), yaml);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        String prefix = redis.newPrefix();
        keys = RedisKeys.of(prefix);
        redisUri = redis.uri();
        node = TestNode.on(redis, prefix).clock(clock).rules(Rules.folder(temp, Rules.SMALL))
                .sla(slaFile(temp, POLICIES)).start();
        admin = node.api();
    }

    /** A counter of the floor's SLA verdicts, in the current minute ("m") or hour ("h") bucket. */
    private String kpi(String bucket, long width, String field) throws Exception {
        try (RedisConnection connection = RedisConnection.connect(redisUri)) {
            return connection.commands().hget(keys.prefix() + ":kpi:" + bucket + ":" + clock.millis() / width, field)
                    .get(5, TimeUnit.SECONDS);
        }
    }

    /** Nothing of an ended timer stays in Redis: not its payload, its place on the wheel, or the at-risk index. */
    private void assertNothingLeftOfTheTimer(String id) throws Exception {
        try (RedisConnection connection = RedisConnection.connect(redisUri)) {
            var redis = connection.commands();
            String timer = id + "|a";
            assertNull(redis.hget(keys.slaIndex(timer), timer).get(5, TimeUnit.SECONDS));
            assertEquals("0", redis.get(keys.slaArmed()).get(5, TimeUnit.SECONDS));
            assertEquals(0, redis.zcard(keys.slaSlots()).get(5, TimeUnit.SECONDS));
            assertEquals(0, redis.zcard(keys.prefix() + ":sla:warned").get(5, TimeUnit.SECONDS));
            assertEquals(List.of(), redis.keys(keys.prefix() + ":sla:w:*").get(5, TimeUnit.SECONDS));
        }
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String create(String channel) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", channel)).expect(201).json()
                .getString("id");
    }

    private JsonObject interaction(String id) {
        return admin.get("/api/v1/interactions/" + id).expect(200).json();
    }

    private JsonObject timer(String id) {
        JsonArray timers = admin.get("/api/v1/sla/timers?interactionId=" + id).expect(200).json().getJsonArray("timers");
        assertEquals(1, timers.size(), timers.encode());
        return timers.getJsonObject(0);
    }

    private double metric(String series) {
        String scrape = admin.get("/metrics").expect(200).body();
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0.0);
    }

    @Test
    void aChatAnsweredWithinTargetIsMet() throws Exception {
        // every verdict's series from 0 before the first: one that appeared at 1 hid that verdict from increase()
        List<String> before = admin.get("/metrics").expect(200).body().lines().toList();
        for (String series : List.of("switchboard_sla_met_total{policy=\"chat\",target=\"answer\"} 0.0",
                "switchboard_sla_breached_total{policy=\"email\",severity=\"critical\",target=\"answer\"} 0.0",
                "switchboard_sla_breached_total{policy=\"urgent-chat\",severity=\"minor\",target=\"answer\"} 0.0")) {
            assertTrue(before.contains(series), series + " not in " + before);
        }
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        try (AgentSocket supervisor = admin.as("test-supervisor-key").supervisorEvents();
             AgentSocket samEvents = sam.events("sam")) {
            Agents.available(sam, "sam");
            String id = create("chat");
            JsonObject armed = interaction(id).getJsonObject("sla");
            assertEquals("chat", armed.getString("policy"));
            assertEquals("running", armed.getString("state"));
            assertEquals(60_000, armed.getLong("dueAt") - interaction(id).getJsonObject("timestamps").getLong("created"));
            assertEquals(60_000, timer(id).getLong("remainingMs"));

            clock.advance(Duration.ofSeconds(12));
            String rsv = samEvents.await("offer").getString("reservation");
            sam.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
            assertEquals("met", samEvents.await("assigned").getString("slaState"),
                    "a 24/7 target met in the run that answered, atomically with the answer");

            JsonObject met = supervisor.await("sla_met");
            assertEquals(id, met.getString("interaction"));
            assertEquals(12_000, met.getLong("elapsedMs"));
            assertEquals(60_000, met.getLong("targetMs"));
            assertEquals("chat", met.getString("policy"));
            assertEquals("answer", met.getString("target"));
            assertEquals(id + "|a", met.getString("id"));
            assertEquals(clock.millis(), met.getLong("at"));
            assertEquals(clock.millis(), interaction(id).getJsonObject("sla").getLong("metAt"));
            assertEquals("1", kpi("m", 60_000, "answer:sla_met"));
            assertNull(kpi("h", 3_600_000, "answer:sla_met"), "the hour is summed from its minutes once over");
            Await.until("met recorded", () -> "met".equals(interaction(id).getJsonObject("sla").getString("state")));
            JsonObject sla = interaction(id).getJsonObject("sla");
            assertEquals(12_000, sla.getLong("elapsedMs"));
            assertNull(sla.getValue("breachedAt"));
            JsonObject ended = timer(id);
            assertEquals("met", ended.getString("state"));

            clock.advance(Duration.ofMinutes(5));
            assertEquals("met", timer(id).getString("state"), "a cancelled timer never fires");
            assertEquals(1.0, metric("switchboard_sla_met_total{policy=\"chat\",target=\"answer\"}"));
            assertTrue(supervisor.all().stream().noneMatch(e -> e.getString("type").equals("sla_warn")));
            assertNothingLeftOfTheTimer(id);

            Api kim = Agents.create(admin, "kim", new JsonObject().put("support", 9));
            try (AgentSocket kimEvents = kim.events("kim")) {
                Agents.available(kim, "kim");
                sam.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("agentId", "kim")).expect(200);
                String again = kimEvents.await("offer").getString("reservation");
                kim.post("/api/v1/reservations/" + again + "/accept", "{}").expect(200);
                assertEquals(1.0, metric("switchboard_sla_met_total{policy=\"chat\",target=\"answer\"}"),
                        "the answer target ends once, at the first answer");
            }
        }
    }

    @Test
    void anAnswerAfterTheWarnIsMetAndLeavesTheAtRiskList() throws Exception {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        try (AgentSocket supervisor = admin.as("test-supervisor-key").supervisorEvents();
             AgentSocket samEvents = sam.events("sam")) {
            String id = create("chat");
            clock.advance(Duration.ofSeconds(50)); // the warn is due at 45 s
            supervisor.await("sla_warn");
            Await.until("at risk", () -> atRisk().contains(id));

            answer(sam, samEvents);

            assertEquals("met", samEvents.await("assigned").getString("slaState"));
            assertEquals(50_000, supervisor.await("sla_met").getLong("elapsedMs"));
            assertEquals(List.of(), atRisk());
            assertNothingLeftOfTheTimer(id);
        }
    }

    /**
     * A bot flags the waiting chat urgent 15 s in: it now falls under the urgent agreement, 20 s, with the 15 s it
     * waited counted, so it breaches 5 s later instead of 45 s later under the chat one.
     */
    @Test
    void newAttributesMoveAWaitingContactsTimerToTheAgreementTheyMatch() {
        try (AgentSocket supervisor = admin.as("test-supervisor-key").supervisorEvents()) {
            String id = create("chat");
            clock.advance(Duration.ofSeconds(15));
            admin.patch("/api/v1/interactions/" + id, new JsonObject().put("attributes", new JsonObject()
                    .put("urgent", true))).expect(200);
            Await.until("the urgent agreement applies", () -> "urgent-chat".equals(timer(id).getString("policy")));
            JsonObject changed = supervisor.await("sla_policy_changed");
            assertEquals(id, changed.getString("interaction"));
            assertEquals("urgent-chat", changed.getString("policy"));
            assertEquals("chat", changed.getString("from"));
            assertEquals(5_000, timer(id).getLong("remainingMs"));
            assertEquals("urgent-chat", interaction(id).getJsonObject("sla").getString("policy"));

            clock.advance(Duration.ofSeconds(6));
            assertEquals("urgent-chat", supervisor.await("sla_breach").getString("policy"));
            admin.patch("/api/v1/interactions/" + id, new JsonObject().put("attributes", new JsonObject()
                    .put("urgent", false))).expect(200);
            Await.holds("a breach stays under the agreement it broke", Duration.ofMillis(500),
                    () -> "urgent-chat".equals(timer(id).getString("policy")));
        }
    }

    @Test
    void anAnswerAfterTheBreachStaysBreachedAtItsSeverity() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        try (AgentSocket supervisor = admin.as("test-supervisor-key").supervisorEvents();
             AgentSocket samEvents = sam.events("sam")) {
            String id = create("chat");
            clock.advance(Duration.ofSeconds(65));
            supervisor.await("sla_breach");
            // a longer target now (the customer upgraded): the answer is within it, but the breach stands
            admin.post("/api/v1/interactions/" + id + "/sla/retarget", new JsonObject().put("target", "answer")
                    .put("targetSeconds", 120)).expect(200);
            answer(sam, samEvents);

            assertEquals("breached", samEvents.await("assigned").getString("slaState"), "SlaService ends it");
            Await.until("breach counted", () ->
                    metric("switchboard_sla_breached_total{policy=\"chat\",severity=\"minor\",target=\"answer\"}") == 1.0);
            JsonObject sla = interaction(id).getJsonObject("sla");
            assertEquals("breached", sla.getString("state"));
            assertEquals(65_000, sla.getLong("elapsedMs"));
            assertEquals(0.0, metric("switchboard_sla_met_total{policy=\"chat\",target=\"answer\"}"));
        }
    }

    /**
     * Breached whether the sweep fired the breach first or not (it runs every 100 ms here; SlaWebhookIT answers
     * between the deadline and a sweep every 10 s).
     */
    @Test
    void anAnswerPastTheTargetIsBreached() throws Exception {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        try (AgentSocket samEvents = sam.events("sam")) {
            String id = create("chat");
            clock.advance(Duration.ofSeconds(50));
            Agents.available(sam, "sam");
            String rsv = samEvents.await("offer").getString("reservation");
            clock.advance(Duration.ofSeconds(11));
            sam.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);

            assertNotEquals("met", samEvents.await("assigned").getString("slaState"));
            Await.until("breach counted", () ->
                    metric("switchboard_sla_breached_total{policy=\"chat\",severity=\"minor\",target=\"answer\"}") == 1.0);
            assertEquals(61_000, interaction(id).getJsonObject("sla").getLong("elapsedMs"));
            assertEquals(0.0, metric("switchboard_sla_met_total{policy=\"chat\",target=\"answer\"}"));
            assertNothingLeftOfTheTimer(id);
        }
    }

    @Test
    void aPausedAnswerTimerIsMetByItsCountedTime() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        try (AgentSocket supervisor = admin.as("test-supervisor-key").supervisorEvents();
             AgentSocket samEvents = sam.events("sam")) {
            String id = create("chat");
            clock.advance(Duration.ofSeconds(10));
            admin.post("/api/v1/interactions/" + id + "/sla/pause", "{}").expect(200);
            clock.advance(Duration.ofSeconds(5));
            answer(sam, samEvents);

            assertEquals(10_000, supervisor.await("sla_met").getLong("elapsedMs"), "the paused 5 s do not count");
            Await.until("met recorded", () -> "met".equals(interaction(id).getJsonObject("sla").getString("state")));
            // counted once the node has the end's reply, a moment after the state is written
            Await.until("met counted", () -> metric("switchboard_sla_met_total{policy=\"chat\",target=\"answer\"}") >= 1.0);
            assertEquals(1.0, metric("switchboard_sla_met_total{policy=\"chat\",target=\"answer\"}"));
        }
    }

    @Test
    void aResumedAnswerTimerIsMetByItsRunningTimeOnly() throws Exception {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        try (AgentSocket supervisor = admin.as("test-supervisor-key").supervisorEvents();
             AgentSocket samEvents = sam.events("sam")) {
            String id = create("chat");
            clock.advance(Duration.ofSeconds(10));
            admin.post("/api/v1/interactions/" + id + "/sla/pause", "{}").expect(200);
            clock.advance(Duration.ofSeconds(40));
            admin.post("/api/v1/interactions/" + id + "/sla/resume", "{}").expect(200);
            clock.advance(Duration.ofSeconds(20)); // 70 s since it was queued, 30 s of them counted
            answer(sam, samEvents);

            assertEquals("met", samEvents.await("assigned").getString("slaState"));
            assertEquals(30_000, supervisor.await("sla_met").getLong("elapsedMs"));
            assertEquals(30_000, interaction(id).getJsonObject("sla").getLong("elapsedMs"));
            assertNothingLeftOfTheTimer(id);
        }
    }

    /** A calendar's working time is SlaService's to count: none of today's, a holiday, counts. */
    @Test
    void anAnswerUnderACalendarIsMetByWorkingTime() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        try (AgentSocket supervisor = admin.as("test-supervisor-key").supervisorEvents();
             AgentSocket samEvents = sam.events("sam")) {
            String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")
                    .put("attributes", new JsonObject().put("holiday", "yes"))).expect(201).json().getString("id");
            assertEquals("holiday-chat", interaction(id).getJsonObject("sla").getString("policy"));
            clock.advance(Duration.ofSeconds(30)); // 30 s of wall time, none of it counted on a holiday
            answer(sam, samEvents);

            JsonObject met = supervisor.await("sla_met");
            assertEquals("holiday-chat", met.getString("policy"));
            assertEquals(0, met.getLong("elapsedMs"));
            // counted by the node that ended the timer, which may publish the event before it counts it
            Await.until("met counted", () ->
                    metric("switchboard_sla_met_total{policy=\"holiday-chat\",target=\"answer\"}") == 1.0);
        }
    }

    /** Sam becomes available, is offered the contact waiting and accepts it. */
    private static void answer(Api sam, AgentSocket samEvents) {
        Agents.available(sam, "sam");
        String rsv = samEvents.await("offer").getString("reservation");
        sam.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
    }

    private List<String> atRisk() {
        return admin.get("/api/v1/sla/at-risk?withinSeconds=3600").expect(200).json().getJsonArray("timers").stream()
                .map(t -> ((JsonObject) t).getString("id")).toList();
    }

    @Test
    void anEmailBreachesWithWarnThenBreachThenRaisedPriority() {
        try (AgentSocket supervisor = admin.as("test-supervisor-key").supervisorEvents()) {
            String id = create("email");
            double priority = interaction(id).getDouble("priority");

            clock.advance(Duration.ofHours(3));
            JsonObject warn = supervisor.await("sla_warn");
            assertEquals(id, warn.getString("interaction"));
            assertEquals(3_600_000, warn.getLong("remainingMs"));
            assertEquals("running", interaction(id).getJsonObject("sla").getString("state"));

            clock.advance(Duration.ofHours(1));
            JsonObject breach = supervisor.await("sla_breach");
            assertEquals("minor", breach.getString("severity"));
            assertEquals("support", breach.getString("queue"));
            Await.until("priority raised", () -> interaction(id).getDouble("priority") == priority + 20);
            List<String> order = supervisor.all().stream().map(e -> e.getString("type"))
                    .filter(t -> t.startsWith("sla_")).toList();
            assertEquals(List.of("sla_warn", "sla_breach"), order);
            List<String> history = interaction(id).getJsonArray("history").stream()
                    .map(h -> ((JsonObject) h).getString("type")).toList();
            assertEquals("priority_raised", history.get(history.size() - 1));

            JsonObject sla = interaction(id).getJsonObject("sla");
            assertEquals("breached", sla.getString("state"));
            assertEquals("minor", sla.getString("severity"));
            assertEquals(clock.millis(), sla.getLong("breachedAt"), 1_000.0);

            clock.advance(Duration.ofHours(1)); // 25 % over: major
            assertEquals("major", supervisor.await("sla_severity").getString("severity"));
            JsonArray major = admin.get("/api/v1/sla/breaches?severity=major&queue=support").expect(200).json()
                    .getJsonArray("breaches");
            assertEquals(1, major.size());
            assertEquals(id, major.getJsonObject(0).getString("interaction"));
            assertEquals(0, admin.get("/api/v1/sla/breaches?severity=minor").json().getInteger("count"));
            assertEquals(0, admin.get("/api/v1/sla/breaches?queue=spanish").json().getInteger("count"));
            assertEquals(0, admin.get("/api/v1/sla/breaches?to=" + (clock.millis() - 7_200_000)).json().getInteger("count"));

            admin.post("/api/v1/interactions/" + id + "/cancel", new JsonObject().put("abandoned", true)).expect(200);
            Await.until("breach counted at its final severity", () ->
                    metric("switchboard_sla_breached_total{policy=\"email\",severity=\"major\",target=\"answer\"}") == 1.0);
            assertEquals("breached", timer(id).getString("state"));
            assertEquals(0.0, metric("switchboard_sla_met_total{policy=\"email\",target=\"answer\"}"));
        }
    }

    /**
     * The node that ends a contact ends its timers right after; one that stops in between leaves them armed. A timer
     * with a step still to fire finds that out when the step comes (stale); one with every step fired, or paused, is on
     * no wheel: the sweep's watch looks at it every 5 minutes. The contact's end is written here as such a node left
     * it: in the interaction's record, its timer untouched.
     */
    @Test
    void timersLeftArmedByANodeThatStoppedAreEndedByTheWatch() throws Exception {
        String exhausted = create("chat");
        String paused = create("chat");
        admin.post("/api/v1/interactions/" + paused + "/sla/pause", "{}").expect(200);
        assertEquals(clock.millis() + 300_000, watched(paused), "paused: looked at 5 minutes on");
        clock.advance(Duration.ofSeconds(125)); // every step of the 60 s chat target fired, the last at 2x
        Await.until("every step fired", () -> watched(exhausted) != null);
        endedByANodeThatStopped(exhausted);
        endedByANodeThatStopped(paused);

        clock.advance(Duration.ofMinutes(5));
        Await.until("both ended", () -> List.of("breached", "canceled").equals(List.of(
                interaction(exhausted).getJsonObject("sla").getString("state"),
                interaction(paused).getJsonObject("sla").getString("state"))));
        assertNothingLeftOfTheTimer(exhausted);
        assertNothingLeftOfTheTimer(paused);
        assertNull(watched(exhausted));
        assertNull(watched(paused));
    }

    /** When the watch looks at the interaction's answer timer next; null when it is not watched. */
    private Double watched(String id) {
        try (RedisConnection connection = RedisConnection.connect(redisUri)) {
            return connection.commands().zscore(keys.prefix() + ":sla:watch", id + "|a").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void endedByANodeThatStopped(String id) throws Exception {
        try (RedisConnection connection = RedisConnection.connect(redisUri)) {
            String now = Long.toString(clock.millis());
            connection.commands().hset(keys.interaction(id), java.util.Map.of("status", "canceled", "reason", "canceled",
                    "ended", now, "updated", now)).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void pauseAndResumeKeepTheRemainingTime() {
        String id = create("chat");
        clock.advance(Duration.ofSeconds(20));
        JsonObject paused = admin.post("/api/v1/interactions/" + id + "/sla/pause", "{}").expect(200).json();
        assertEquals("paused", paused.getJsonArray("timers").getJsonObject(0).getString("state"));
        clock.advance(Duration.ofHours(2));
        assertEquals(40_000, timer(id).getLong("remainingMs"));
        assertEquals("paused", interaction(id).getJsonObject("sla").getString("state"));
        assertEquals(null, interaction(id).getJsonObject("sla").getValue("dueAt"), "no deadline while paused");

        admin.post("/api/v1/interactions/" + id + "/sla/resume", "{}").expect(200);
        assertEquals(clock.millis() + 40_000, interaction(id).getJsonObject("sla").getLong("dueAt"),
                "the interaction's deadline moved by the pause");
        clock.advance(Duration.ofSeconds(30));
        JsonObject running = timer(id);
        assertEquals("running", running.getString("state"));
        assertEquals(10_000, running.getLong("remainingMs"));
        assertEquals(clock.millis() + 10_000, running.getLong("dueAt"));
        clock.advance(Duration.ofSeconds(10));
        Await.until("breached 60 s of running time after it started",
                () -> "breached".equals(interaction(id).getJsonObject("sla").getString("state")));
    }

    /** Rules.SMALL: Spanish contacts wait 30 s for an agent with spanish >= 8, then any Spanish speaker. */
    @Test
    void aBreachThatWidensMovesTheInteractionToItsNextStepBeforeTheStepTimesOut() throws Exception {
        Api rosa = Agents.create(admin, "rosa", new JsonObject().put("spanish", 5));
        try (AgentSocket rosaEvents = rosa.events("rosa")) {
            Agents.available(rosa, "rosa");
            String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "callback")
                    .put("attributes", new JsonObject().put("language", "es"))).expect(201).json().getString("id");
            assertEquals("queued", interaction(id).getString("status"), "rosa is below the first step's spanish >= 8");

            clock.advance(Duration.ofSeconds(11)); // past the 10 s answer target, long before the 30 s step timeout
            assertEquals(id, rosaEvents.await("offer").getString("interaction"));
            JsonObject widened = interaction(id);
            assertTrue(widened.getJsonArray("history").stream().map(JsonObject.class::cast)
                    .anyMatch(e -> "widened".equals(e.getString("type")) && "sla".equals(e.getString("reason"))),
                    widened.encode());
            assertEquals("breached", widened.getJsonObject("sla").getString("state"));
            // the widening was leased like a raise (a node stopping before it leaves it to the next sweep), then done
            try (RedisConnection connection = RedisConnection.connect(redisUri)) {
                Await.until("the widening's lease released", () -> {
                    try {
                        return connection.commands().zcard(keys.prefix() + ":sla:raises").get(5, TimeUnit.SECONDS) == 0;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            assertEquals(1, widened.getJsonArray("history").stream().map(JsonObject.class::cast)
                    .filter(e -> "widened".equals(e.getString("type"))).count(), "widened once");
        }
    }

    @Test
    void interactionsWithoutAMatchingPolicyHaveNoAgreement() {
        String id = create("voice");
        assertNull(interaction(id).getValue("sla"));
        assertEquals(0, admin.get("/api/v1/sla/timers?interactionId=" + id).expect(200).json().getJsonArray("timers").size());
        admin.get("/api/v1/sla/timers?interactionId=nope").expect(404);
    }
}
