package io.switchboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floor-wide KPIs from Redis, against known traffic on a fixed clock (default costs: agent hour 30,
 * voice 0.05, chat 0.01 per contact).
 *
 * <p>Sam (team t1) logs in (away) at T0 and goes offline at T0 + 30 s: 30 s logged in = 0.25 of agent
 * cost. Two calls arrive at T0, are answered after 10 s (answer SLA 20 s met) and, once the first ended, after 30 s
 * (50 % over: breached, major); two chats follow, rated 5 and 2. Channel cost 2 x 0.05 + 2 x 0.01 = 0.12;
 * 4 contacts handled, so cost per contact = (0.25 + 0.12) / 4 = 0.0925 and 480 handled per agent hour.
 * Two cases resolved at once (first contact), one of them reopened and resolved again: two cases resolved, one at its
 * first contact (the reopened one was not, after all): FCR 1 / 2.
 */
@ExtendWith(TestRedis.class)
class FloorKpiIT {
    private static final Instant T0 = Instant.parse("2026-03-10T10:00:00Z");

    @Test
    void slaCsatFcrAndCostPerContactFollowTheTraffic(TestRedis redis, @TempDir Path temp) throws Exception {
        TestClock clock = new TestClock(T0);
        Path sla = Files.writeString(temp.resolve("sla.yaml"), """
                policies:
                  - name: voice
                    match: 'channel == "voice"'
                    targets: {answer: 20s}
                """);
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, Rules.SMALL))
                .sla(sla).start()) {
            Api admin = node.api();
            admin.put("/api/v1/agents/sam", new JsonObject().put("skills", new JsonObject().put("support", 9))
                    .put("team", "t1").put("pin", "1234")).expect(200);
            Api sam = Agents.login(admin, "sam");
            away(sam);
            String first = call(admin);
            String second = call(admin);
            clock.advance(Duration.ofSeconds(10));
            String held = answer(admin, sam); // the other call waits: voice capacity 1
            Await.until("the answer's SLA met", () -> slaState(admin, held).equals("met"));
            String waiting = held.equals(first) ? second : first;
            clock.advance(Duration.ofSeconds(20));
            sam.post("/api/v1/interactions/" + held + "/complete", "{}").expect(200);
            answerAndComplete(admin, sam);
            Await.until("the late answer's SLA breached", () -> slaState(admin, waiting).equals("breached"));
            chatRated(admin, sam, 5);
            chatRated(admin, sam, 2);
            sam.post("/api/v1/agents/sam/state", new JsonObject().put("state", "offline")).expect(200);
            casesResolved(admin);

            Await.until("ratings and resolutions counted", () -> {
                JsonObject f = today(admin);
                return f.getJsonObject("csat").getLong("count") == 2
                        && f.getJsonObject("firstContactResolution").getLong("resolved") == 2
                        && f.getJsonObject("firstContactResolution").getLong("count") == 1; // only once all is in
            });
            JsonObject floor = today(admin);
            assertEquals(1, floor.getJsonObject("sla").getLong("met"), floor.encode());
            assertEquals(new JsonObject().put("minor", 0L).put("major", 1L).put("critical", 0L),
                    floor.getJsonObject("sla").getJsonObject("breached"));
            assertEquals(0.5, floor.getJsonObject("sla").getDouble("metRate"), 1e-9);
            assertEquals(3.5, floor.getJsonObject("csat").getDouble("average"), 1e-9);
            assertEquals(1, floor.getJsonObject("firstContactResolution").getLong("count"));
            assertEquals(0.5, floor.getJsonObject("firstContactResolution").getDouble("rate"), 1e-9);
            JsonObject cost = floor.getJsonObject("cost");
            assertEquals("EUR", cost.getString("currency"));
            assertEquals(30.0 / 3600, cost.getDouble("agentHours"), 1e-9);
            assertEquals(0.25, cost.getDouble("agent"), 1e-9);
            assertEquals(0.12, cost.getDouble("channel"), 1e-9);
            assertEquals(0.10, cost.getJsonObject("perChannel").getDouble("voice"), 1e-9);
            assertEquals(4, cost.getLong("handled"));
            assertEquals(0.0925, cost.getDouble("perContact"), 1e-9);
            assertEquals(480.0, cost.getDouble("handledPerAgentHour"), 1e-9);

            assertEquals(new JsonObject().put("count", 2L).put("average", 3.5),
                    supportToday(admin).getJsonObject("csat"));
            JsonObject range = admin.get("/api/v1/stats/cumulative?from=" + T0.minusSeconds(3600).toEpochMilli()
                    + "&to=" + T0.plusSeconds(3600).toEpochMilli()).expect(200).json().getJsonObject("floor");
            assertEquals(floor, range, "the same traffic counted over a range that holds it all");

            String scrape = admin.get("/metrics").expect(200).body();
            assertEquals(0.10, value(scrape, "switchboard_channel_cost_total{channel=\"voice\",queue=\"support\"}"), 1e-9);
            assertEquals(0.02, value(scrape, "switchboard_channel_cost_total{channel=\"chat\",queue=\"support\"}"), 1e-9);
            assertEquals(1.0, value(scrape,
                    "switchboard_cases_reopened_total{first_contact=\"true\",type=\"service_request\"}"), 1e-9);
            Await.until("agent cost exported", () -> admin.get("/metrics").body()
                    .contains("switchboard_agent_cost_total{team=\"t1\"} 0.25"));
        }
    }

    /**
     * Handle time in Prometheus has every part the statistics API has: a call's whole talk though it ended before the
     * wrap-up (300 s talk, 4 s wrap-up), and a transferred leg's talk and the wrap-up its timer then runs (60 s talk,
     * the queue's 10 s): AHT (300 + 4 + 60 + 10) / 2 = 187 s both ways, and per agent; a call in wrap-up counts in it
     * once completed, talk and wrap-up together.
     */
    @Test
    void handleTimeCountsTheWholeTalkAndEveryWrapUp(TestRedis redis, @TempDir Path temp) {
        TestClock clock = new TestClock(T0);
        String rules = Rules.SMALL.replaceFirst("wrapUpSeconds: 0", "wrapUpSeconds: 10");
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, rules))
                .env("SWITCHBOARD_PER_AGENT_SERIES", "true").start()) {
            Api admin = node.api();
            Api sam = supportAgent(admin, "sam");
            call(admin);
            String first = answer(admin, sam);
            clock.advance(Duration.ofSeconds(300));
            sam.post("/api/v1/interactions/" + first + "/wrapup", "{}").expect(200);
            clock.advance(Duration.ofSeconds(4));
            sam.post("/api/v1/interactions/" + first + "/complete", "{}").expect(200);
            call(admin);
            String second = answer(admin, sam);
            clock.advance(Duration.ofSeconds(60));
            sam.post("/api/v1/interactions/" + second + "/transfer", new JsonObject().put("queue", "spanish"))
                    .expect(200);

            String scrape = admin.get("/metrics").expect(200).body();
            String support = "{channel=\"voice\",queue=\"support\"}";
            assertEquals(360.0, value(scrape, "switchboard_handle_talk_seconds_sum" + support), 1e-9);
            assertEquals(14.0, value(scrape, "switchboard_handle_wrapup_seconds_sum" + support), 1e-9);
            assertEquals(2.0, value(scrape, "switchboard_contacts_handled_total" + support), 1e-9);
            assertEquals(374.0, value(scrape, "switchboard_agent_handle_seconds_sum{agent=\"sam\"}"), 1e-9);
            assertEquals(2.0, value(scrape, "switchboard_agent_contacts_handled_total{agent=\"sam\"}"), 1e-9);
            JsonObject today = supportToday(admin);
            assertEquals(187.0, today.getDouble("ahtSeconds"), 1e-9, today.encode());

            // a third call in wrap-up after 50 s of talk is not completed yet: its talk is not in the AHT yet either
            clock.advance(Duration.ofSeconds(11)); // sam's wrap-up after the transfer ends
            call(admin);
            String third = answer(admin, sam);
            clock.advance(Duration.ofSeconds(50));
            sam.post("/api/v1/interactions/" + third + "/wrapup", "{}").expect(200);
            JsonObject wrapping = supportToday(admin);
            assertEquals(187.0, wrapping.getDouble("ahtSeconds"), 1e-9, wrapping.encode());
            clock.advance(Duration.ofSeconds(6));
            sam.post("/api/v1/interactions/" + third + "/complete", "{}").expect(200);
            JsonObject done = supportToday(admin);
            assertEquals((374.0 + 56.0) / 3, done.getDouble("ahtSeconds"), 1e-9, done.encode());
        }
    }

    /**
     * A supervisor gives a caller who waited 100 s to an agent of the same queue: the wait goes on (ASA 100 s, not the
     * few seconds since the move) and the queue counts one contact offered, none transferred.
     */
    @Test
    void aWaitingContactGivenToAnAgentOfItsQueueKeepsItsWait(TestRedis redis, @TempDir Path temp) {
        TestClock clock = new TestClock(T0);
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, Rules.SMALL))
                .start()) {
            Api admin = node.api();
            Api sam = supportAgent(admin, "sam");
            away(sam);
            String id = call(admin);
            clock.advance(Duration.ofSeconds(100));
            admin.post("/api/v1/interactions/" + id + "/transfer", new JsonObject().put("agentId", "sam")).expect(200);
            assertEquals(id, answer(admin, sam));

            JsonObject today = supportToday(admin);
            assertEquals(100.0, today.getDouble("asaSeconds"), 1e-9, today.encode());
            assertEquals(1, today.getLong("offered"));
            assertEquals(0, today.getLong("transferred"));
        }
    }

    /** The state an agent is in now counts before it ends: occupancy and agent cost do not wait for a change. */
    @Test
    void timeInTheCurrentStateCountsBeforeTheStateChanges(TestRedis redis, @TempDir Path temp) {
        TestClock clock = new TestClock(T0);
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, Rules.SMALL))
                .start()) {
            Api admin = node.api();
            Agents.available(Agents.create(admin, "pat", new JsonObject().put("support", 5)), "pat");
            clock.advance(java.time.Duration.ofMinutes(30)); // pat stays available: no state change credits it

            JsonObject cost = admin.get("/api/v1/stats/today").expect(200).json().getJsonObject("floor")
                    .getJsonObject("cost");
            assertEquals(0.5, cost.getDouble("agentHours"), 1e-6, cost.encode());
            assertEquals(15.0, cost.getDouble("agent"), 1e-6, "half an hour at 30 per hour");
            JsonObject pat = admin.get("/api/v1/stats/cumulative?from=" + T0.minusSeconds(60).toEpochMilli() + "&to="
                    + clock.millis()).expect(200).json().getJsonArray("agents").stream().map(JsonObject.class::cast)
                    .filter(a -> "pat".equals(a.getString("agentId"))).findFirst().orElseThrow();
            assertEquals(1800.0, pat.getJsonObject("stateSeconds").getDouble("available"), 1e-6, pat.encode());
            io.switchboard.testing.Await.until("the team counter includes the open state", () -> admin.get("/metrics")
                    .expect(200).body().lines().anyMatch(l -> l.startsWith(
                            "switchboard_agent_state_seconds_total{state=\"available\",team=\"none\"} 1800")));
        }
    }

    /**
     * Time in a state is the hours' it was spent in: pat is available from 10:40 to 11:20, then away. Each hour
     * holds 20 minutes of it, per agent and for the team (not 40 minutes in the hour the state ended), and the
     * whole stretch, from the day before, counts once.
     */
    @Test
    void timeInAStateIsCreditedToTheHoursItWasSpentIn(TestRedis redis, @TempDir Path temp) {
        TestClock clock = new TestClock(T0.plus(Duration.ofMinutes(40)));
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, Rules.SMALL))
                .start()) {
            Api admin = node.api();
            admin.put("/api/v1/agents/pat", new JsonObject().put("skills", new JsonObject().put("support", 5))
                    .put("team", "t2").put("pin", "1234")).expect(200);
            Api pat = Agents.login(admin, "pat");
            Agents.available(pat, "pat");
            clock.advance(Duration.ofMinutes(40));
            pat.post("/api/v1/agents/pat/state", new JsonObject().put("state", "offline")).expect(200);
            clock.advance(Duration.ofHours(2));

            assertEquals(1200.0, availableSeconds(admin, T0, T0.plus(Duration.ofHours(1))), 1e-6, "10:40-11:00");
            assertEquals(1200.0, availableSeconds(admin, T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(2))),
                    1e-6, "11:00-11:20");
            assertEquals(2400.0, availableSeconds(admin, T0.minus(Duration.ofDays(1)), T0.plus(Duration.ofHours(2))),
                    1e-6, "the whole stretch once");
            JsonObject firstHour = admin.get("/api/v1/stats/cumulative?from=" + T0.toEpochMilli() + "&to="
                    + T0.plus(Duration.ofHours(1)).toEpochMilli()).expect(200).json().getJsonObject("floor");
            assertEquals(20.0 / 60, firstHour.getJsonObject("cost").getDouble("agentHours"), 1e-6,
                    "the team's hour holds its part too: " + firstHour.encode());
        }
    }

    private static double availableSeconds(Api admin, Instant from, Instant to) {
        return admin.get("/api/v1/stats/cumulative?from=" + from.toEpochMilli() + "&to=" + to.toEpochMilli())
                .expect(200).json().getJsonArray("agents").stream().map(JsonObject.class::cast)
                .filter(a -> "pat".equals(a.getString("agentId"))).findFirst().orElseThrow()
                .getJsonObject("stateSeconds").getDouble("available");
    }

    /**
     * A business in India (UTC+5:30): its day starts at 18:30 UTC. Three calls at 23:50 local belong to
     * yesterday, two at 00:10 to today, though all five share the 18:00 UTC hour bucket; a node in UTC
     * counts all five in its today.
     */
    @Test
    void todayStartsAtTheBusinessMidnight(TestRedis redis, @TempDir Path temp) {
        TestClock clock = new TestClock(Instant.parse("2026-03-10T18:20:00Z"));
        String prefix = redis.newPrefix();
        try (TestNode india = TestNode.on(redis, prefix).clock(clock).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_STATS_TIME_ZONE", "Asia/Kolkata").start();
             TestNode utc = TestNode.on(redis, prefix).clock(clock).rules(Rules.folder(temp, Rules.SMALL)).start()) {
            for (int i = 0; i < 3; i++) {
                call(india.api());
            }
            clock.advance(Duration.ofMinutes(20));
            call(india.api());
            call(india.api());

            assertEquals(2, offeredToday(india.api()));
            assertEquals(5, offeredToday(utc.api()));
            JsonObject today = india.api().get("/api/v1/stats/today").expect(200).json();
            assertEquals(Instant.parse("2026-03-10T18:30:00Z").toEpochMilli(), today.getLong("from"));
            assertEquals("Asia/Kolkata", today.getString("timeZone"));
        }
    }

    private static String slaState(Api admin, String interaction) {
        return admin.get("/api/v1/interactions/" + interaction).json().getJsonObject("sla").getString("state");
    }

    private static JsonObject today(Api admin) {
        return admin.get("/api/v1/stats/today").expect(200).json().getJsonObject("floor");
    }

    private static long offeredToday(Api api) {
        return supportToday(api).getLong("offered");
    }

    /** The support queue's figures for today, as /api/v1/stats/realtime gives them. */
    private static JsonObject supportToday(Api api) {
        return api.get("/api/v1/stats/realtime").expect(200).array().stream().map(JsonObject.class::cast)
                .filter(q -> "support".equals(q.getString("queue"))).findFirst().orElseThrow().getJsonObject("today");
    }

    private static String call(Api admin) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201).json()
                .getString("id");
    }

    private static Api supportAgent(Api admin, String id) {
        admin.put("/api/v1/agents/" + id, new JsonObject().put("skills", new JsonObject().put("support", 9))
                .put("pin", "1234")).expect(200);
        return Agents.login(admin, id);
    }

    private static void away(Api sam) {
        sam.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away")).expect(200);
    }

    private static String answer(Api admin, Api sam) {
        Agents.available(sam, "sam");
        Await.until("an offer to sam", () -> admin.get("/api/v1/agents/sam").json().getString("reservation") != null);
        String rsv = admin.get("/api/v1/agents/sam").json().getString("reservation");
        sam.post("/api/v1/reservations/" + rsv + "/accept", "{}").expect(200);
        return rsv.substring(0, rsv.lastIndexOf('.'));
    }

    private static void answerAndComplete(Api admin, Api sam) {
        String id = answer(admin, sam);
        sam.post("/api/v1/interactions/" + id + "/complete", "{}").expect(200);
    }

    private static void chatRated(Api admin, Api sam, int score) {
        try (AgentSocket customer = admin.chat()) {
            customer.send(new JsonObject().put("type", "start").put("name", "Ada").put("email", "ada@example.com")
                    .put("topic", "support").put("language", "en"));
            customer.await("started");
            String id = answer(admin, sam);
            customer.await("agent_joined");
            sam.post("/api/v1/interactions/" + id + "/complete", "{}").expect(200);
            customer.await("ended");
            customer.send(new JsonObject().put("type", "rating").put("score", score));
            customer.await("rated");
        }
    }

    /** Two cases resolved at once (first contact), one of them reopened and resolved again (not). */
    private static void casesResolved(Api admin) {
        admin.post("/api/v1/customers", new JsonObject().put("id", "cust-bo").put("name", "Bo")).expect(201);
        String a = openCase(admin);
        String b = openCase(admin);
        resolve(admin, a);
        resolve(admin, b);
        admin.patch("/api/v1/cases/" + b, new JsonObject().put("status", "open")).expect(200);
        resolve(admin, b);
    }

    private static String openCase(Api admin) {
        return admin.post("/api/v1/cases", new JsonObject().put("type", "service_request").put("customerId", "cust-bo")
                .put("subject", "Where is my parcel")).expect(201).json().getString("id");
    }

    private static void resolve(Api admin, String caseId) {
        admin.post("/api/v1/cases/" + caseId + "/resolve", new JsonObject().put("resolution", "found")
                .put("disposition", "answered")).expect(200);
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no series " + series + " in\n" + scrape));
    }
}
