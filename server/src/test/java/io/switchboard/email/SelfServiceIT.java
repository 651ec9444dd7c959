package io.switchboard.email;

import static io.switchboard.email.EmailReplyIT.deliver;
import static io.switchboard.email.EmailReplyIT.inbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Api;
import io.switchboard.testing.Browser;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Web self-service: the API end to end (no login, no leaks, limits), and the page in a real Chromium. */
@ExtendWith(TestRedis.class)
class SelfServiceIT {
    private TestNode node;
    private Api admin;
    private Api anonymous;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).start();
        admin = node.api();
        anonymous = admin.as(null);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String openCase() {
        String id = deliver(node, "ada@example.com", inbound("s1@example.com", "Broken kettle", "", "It leaks."));
        String caseId = admin.get("/api/v1/interactions/" + id + "/email").expect(200).json().getString("caseId");
        admin.post("/api/v1/cases/" + caseId + "/notes", new JsonObject().put("text", "internal: ask the warehouse"))
                .expect(200);
        return caseId;
    }

    private Api.Reply lookup(String caseId, String email) {
        return anonymous.post("/api/v1/self-service/case", new JsonObject().put("caseId", caseId).put("email", email));
    }

    @Test
    void theCustomerReadsTheCaseAndWritesOnItLikeAnEmailReply() {
        String caseId = openCase();
        JsonObject view = lookup(caseId, "ADA@example.com ").expect(200).json();
        assertEquals(caseId, view.getString("caseId"));
        assertEquals("Broken kettle", view.getString("subject"));
        assertEquals("new", view.getString("status"));
        assertEquals(List.of("you: It leaks."), updates(view));
        assertFalse(view.encode().contains("warehouse"), "internal notes are never shown");

        String wrongEmail = lookup(caseId, "eve@example.com").expect(404).json().getString("message");
        assertEquals(wrongEmail, lookup("C-99999", "ada@example.com").expect(404).json().getString("message"),
                "a wrong number and a wrong address look the same");
        assertEquals(wrongEmail, lookup("nonsense", "ada@example.com").expect(404).json().getString("message"));
        assertEquals(400, anonymous.post("/api/v1/self-service/case", new JsonObject().put("caseId", caseId)).status());

        admin.post("/api/v1/cases/" + caseId + "/resolve", new JsonObject().put("resolution", "Replaced")).expect(200);
        JsonObject after = anonymous.post("/api/v1/self-service/case/message", new JsonObject().put("caseId", caseId)
                .put("email", "ada@example.com").put("text", "The new one leaks too.")).expect(200).json();
        assertEquals("open", after.getString("status"), "a message reopens a resolved case");
        assertEquals(List.of("you: It leaks.", "you: The new one leaks too."), updates(after));

        JsonArray interactions = admin.get("/api/v1/cases/" + caseId).expect(200).json().getJsonArray("interactions");
        assertEquals(2, interactions.size());
        JsonObject routed = admin.get("/api/v1/interactions/" + interactions.getString(1)).expect(200).json();
        assertEquals("email", routed.getString("channel"), "taken like an email reply, routed to agents");
        assertEquals("support", routed.getString("queue"));
        assertEquals("Re: Broken kettle [#" + caseId + "]", routed.getJsonObject("attributes").getString("subject"));
        assertEquals(422, anonymous.post("/api/v1/self-service/case/message", new JsonObject().put("caseId", caseId)
                .put("email", "ada@example.com").put("text", "x".repeat(10_001))).status());

        admin.patch("/api/v1/cases/" + caseId, new JsonObject().put("status", "closed")).expect(200);
        JsonObject closed = anonymous.post("/api/v1/self-service/case/message", new JsonObject().put("caseId", caseId)
                .put("email", "ada@example.com").put("text", "Hello?")).expect(409).json();
        assertTrue(closed.getString("message").contains("write to us by email"), closed.encode());
        assertEquals("closed", lookup(caseId, "ada@example.com").expect(200).json().getString("status"));
    }

    @Test
    void guessingIsCutOffPerCaseAndPerClient() {
        String caseId = openCase();
        for (int i = 0; i < SelfService.FAILURES_PER_CASE; i++) {
            lookup(caseId, "guess" + i + "@example.com").expect(404);
        }
        JsonObject locked = lookup(caseId, "ada@example.com").expect(429).json();
        assertEquals("too_many_requests", locked.getString("error"));

        int used = SelfService.FAILURES_PER_CASE + 1;
        for (int i = used; i < SelfService.REQUESTS_PER_CLIENT; i++) {
            lookup("C-" + (20_000 + i), "ada@example.com").expect(404);
        }
        assertEquals(429, lookup("C-30000", "ada@example.com").status(), "the client's window is used up");
    }

    @Test
    void thePageShowsTheCaseAndSendsAMessage() throws Exception {
        String caseId = openCase();
        HttpResponse<String> page;
        try (HttpClient client = HttpClient.newHttpClient()) {
            page = client.send(HttpRequest.newBuilder(URI.create(admin.base() + "/self-service/")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'self'"));

        try (Browser browser = Browser.open()) {
            browser.get(admin.base() + "/self-service");
            browser.untilVisible("#case-id").sendKeys(caseId.toLowerCase());
            browser.find("#email").sendKeys("eve@example.com");
            browser.find("#lookup button").click();
            browser.untilText("#error", "no case with this number and email address");

            browser.find("#email").clear();
            browser.find("#email").sendKeys("ada@example.com");
            browser.find("#lookup button").click();
            browser.untilText("#case-status", "received");
            assertTrue(browser.text("#updates").contains("It leaks."), browser.text("#updates"));

            browser.find("#text").sendKeys("Any news <b>please</b>?");
            browser.find("#write button").click();
            browser.untilText("#sent", "Sent. We will answer by email.");
            assertTrue(browser.text("#updates").contains("Any news <b>please</b>?"), "shown as text, not markup");
        }
        assertEquals(2, admin.get("/api/v1/cases/" + caseId).json().getJsonArray("interactions").size());
    }

    private static List<String> updates(JsonObject view) {
        return view.getJsonArray("updates").stream().map(u -> (JsonObject) u)
                .map(u -> u.getString("from") + ": " + u.getString("text")).toList();
    }
}
