package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * SLA events leave through the webhooks (a real HTTP receiver checks the signature), and a response
 * after the deadline that beats the sweep is still a listed breach.
 */
@ExtendWith(TestRedis.class)
class SlaWebhookIT {
    private static final String SECRET = "sla-webhook-secret-0123456789";

    private final Vertx vertx = Vertx.vertx();
    private final TestClock clock = new TestClock();
    private final List<JsonObject> received = new CopyOnWriteArrayList<>();
    private final List<String> badSignatures = new CopyOnWriteArrayList<>();
    private HttpServer receiver;
    private TestNode node;
    private Api admin;

    @BeforeEach
    void receiver() throws Exception {
        receiver = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            String expected = "sha256=" + hmac(request.getHeader("X-Switchboard-Timestamp") + "." + body);
            if (!expected.equals(request.getHeader("X-Switchboard-Signature"))) {
                badSignatures.add(body.toString());
            }
            received.add(body.toJsonObject().put("header", request.getHeader("X-Switchboard-Event")));
            request.response().setStatusCode(204).end();
        })).listen(0).toCompletionStage().toCompletableFuture().get();
    }

    @AfterEach
    void close() throws Exception {
        if (node != null) {
            node.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private void start(TestRedis redis, Path temp, String extraConfig) throws IOException {
        Path config = Files.createDirectories(temp.resolve("config"));
        Files.writeString(config.resolve("switchboard.yaml"), """
                webhooks:
                  urls: [http://127.0.0.1:%d/hook]
                  secret: %s
                  retryBaseMillis: 50
                  timeoutMillis: 500
                  pollMillis: 20
                %s""".formatted(receiver.actualPort(), SECRET, extraConfig));
        node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_CONFIG_DIR", config.toString()).sla(SlaBehaviourIT.slaFile(temp, CaseSlaIT.POLICIES))
                .start();
        admin = node.api();
        admin.post("/api/v1/customers", new JsonArray().add(new JsonObject().put("id", "cust-1").put("name", "Ada")))
                .expect(201);
    }

    private String openEmailCase() {
        String email = admin.post("/api/v1/interactions", new JsonObject().put("channel", "email")
                .put("customerId", "cust-1")).expect(201).json().getString("id");
        String id = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "cust-1").put("subject", "Router").put("interactionId", email)).expect(201).json()
                .getString("id");
        Await.until("the case's timers armed", () -> admin.get("/api/v1/sla/timers?caseId=" + id).json()
                .getJsonArray("timers").size() == 2);
        return id;
    }

    private void respond(String caseId) {
        admin.post("/api/v1/cases/" + caseId + "/notes", new JsonObject().put("text", "On it")
                .put("publicResponse", true)).expect(200);
    }

    private List<String> typesForCase(String caseId) {
        return received.stream().filter(e -> caseId.equals(e.getString("case"))).map(e -> e.getString("type")).toList();
    }

    @Test
    void slaEventsReachTheWebhooksSigned(TestRedis redis, @TempDir Path temp) throws IOException {
        start(redis, temp, "");
        String kept = openEmailCase();
        clock.advance(Duration.ofHours(1));
        respond(kept);
        String missed = openEmailCase();
        clock.advance(Duration.ofHours(3));
        Await.until("the warn delivered", Duration.ofSeconds(15), () -> typesForCase(missed).contains("sla_warn"));
        clock.advance(Duration.ofHours(1));
        Await.until("breach and notify delivered", Duration.ofSeconds(15),
                () -> typesForCase(missed).containsAll(List.of("sla_breach", "sla_notify")));

        // at-least-once: a delivery whose answer came too late is sent again, with the same id
        assertEquals(java.util.Set.of("sla_met"), java.util.Set.copyOf(typesForCase(kept)));
        JsonObject met = received.stream().filter(e -> kept.equals(e.getString("case"))).findFirst().orElseThrow();
        assertEquals("firstResponse", met.getString("target"));
        assertEquals(3_600_000, met.getLong("elapsedMs"));
        JsonObject breach = received.stream().filter(e -> missed.equals(e.getString("case"))
                && "sla_breach".equals(e.getString("type"))).findFirst().orElseThrow();
        assertEquals("email", breach.getString("policy"));
        assertEquals("minor", breach.getString("severity"));
        assertTrue(received.stream().allMatch(e -> e.getString("type").equals(e.getString("header"))),
                "X-Switchboard-Event names the event");
        assertEquals(List.of(), badSignatures);
    }

    @Test
    void aResponseAfterTheDeadlineBeforeTheSweepIsAListedBreach(TestRedis redis, @TempDir Path temp)
            throws IOException {
        // a sweep every 10 s: the response lands between the deadline and the sweep that would fire the breach
        start(redis, temp, "routing:\n  timerSweepMillis: 10000\n");
        String caseId = openEmailCase();
        clock.advance(Duration.ofHours(4).plusMinutes(6)); // 2.5 % over: minor
        respond(caseId);

        Await.until("the late response is a listed breach", () -> admin.get("/api/v1/sla/breaches").json()
                .getJsonArray("breaches").stream().map(JsonObject.class::cast)
                .anyMatch(b -> caseId.equals(b.getString("case")) && "firstResponse".equals(b.getString("target"))));
        JsonObject listed = admin.get("/api/v1/sla/breaches").json().getJsonArray("breaches").stream()
                .map(JsonObject.class::cast).filter(b -> caseId.equals(b.getString("case"))).findFirst().orElseThrow();
        assertEquals("minor", listed.getString("severity"));
        assertEquals(clock.millis(), listed.getLong("breachedAt"));
        assertEquals(clock.millis() - 6 * 60_000, listed.getLong("dueAt"));
        JsonObject onCase = admin.get("/api/v1/sla/timers?caseId=" + caseId).json().getJsonArray("timers").stream()
                .map(JsonObject.class::cast).filter(t -> "firstResponse".equals(t.getString("target"))).findFirst()
                .orElseThrow();
        assertEquals("breached", onCase.getString("state"));
        assertEquals(clock.millis(), onCase.getLong("breachedAt"));
        Await.until("the breach told to the webhooks", Duration.ofSeconds(15),
                () -> typesForCase(caseId).contains("sla_breach"));
    }

    /** An interaction's answer target: met in the routing run that answers, or breached when the answer is late. */
    @Test
    void anAnswerReachesTheWebhooksAsMetOrWhenLateAsABreach(TestRedis redis, @TempDir Path temp) throws IOException {
        // a sweep every 10 s: the late answer lands between its deadline and the sweep that would fire the breach
        start(redis, temp, "routing:\n  timerSweepMillis: 10000\n");
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        try (AgentSocket samEvents = sam.events("sam")) {
            String kept = email();
            clock.advance(Duration.ofHours(1));
            answer(sam, "sam", samEvents, kept);
            sam.post("/api/v1/agents/sam/state", new JsonObject().put("state", "away").put("reason", "break"))
                    .expect(200);
            String late = email();
            clock.advance(Duration.ofHours(4).plusMinutes(6)); // 2.5 % over: minor
            answer(sam, "sam", samEvents, late);

            Await.until("the met answer told to the webhooks", Duration.ofSeconds(15),
                    () -> typesForInteraction(kept).contains("sla_met"));
            JsonObject met = received.stream().filter(e -> kept.equals(e.getString("interaction"))
                    && "sla_met".equals(e.getString("type"))).findFirst().orElseThrow();
            assertEquals("email", met.getString("policy"));
            assertEquals(3_600_000, met.getLong("elapsedMs"));
            assertEquals("sla_met", met.getString("header"), "X-Switchboard-Event names the event");
            assertEquals(List.of(), badSignatures);
            Await.until("the late answer told as a breach", Duration.ofSeconds(15),
                    () -> typesForInteraction(late).contains("sla_breach"));
            assertFalse(typesForInteraction(late).contains("sla_met"));
            JsonObject breach = admin.get("/api/v1/sla/breaches").json().getJsonArray("breaches").stream()
                    .map(JsonObject.class::cast).filter(b -> late.equals(b.getString("interaction"))).findFirst()
                    .orElseThrow();
            assertEquals("minor", breach.getString("severity"));
            assertEquals(clock.millis(), breach.getLong("breachedAt"));
        }
    }

    private String email() {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", "email")).expect(201).json()
                .getString("id");
    }

    private static void answer(Api agent, String agentId, AgentSocket events, String interaction) {
        Agents.available(agent, agentId);
        JsonObject offer = events.await("offer");
        assertEquals(interaction, offer.getString("interaction"));
        agent.post("/api/v1/reservations/" + offer.getString("reservation") + "/accept", "{}").expect(200);
    }

    private List<String> typesForInteraction(String interaction) {
        return received.stream().filter(e -> interaction.equals(e.getString("interaction")))
                .map(e -> e.getString("type")).toList();
    }

    private static String hmac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
