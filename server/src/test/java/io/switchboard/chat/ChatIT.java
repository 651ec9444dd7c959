package io.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Browser;
import io.switchboard.testing.Chats;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Web chat over real WebSockets (the JDK's client), real HTTP and a real Redis; no mocks. */
@ExtendWith(TestRedis.class)
class ChatIT {
    private static JsonObject form(String name, String email) {
        return new JsonObject().put("type", "start").put("name", name).put("email", email).put("topic", "support")
                .put("language", "en");
    }

    private static JsonObject say(String text) {
        return new JsonObject().put("type", "message").put("text", text);
    }

    @Test
    void aCustomerOnOneNodeChatsWithAnAgentOnAnotherInOrderBothWays(TestRedis redis, @TempDir Path temp) {
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        try (TestNode nodeA = TestNode.on(redis, prefix).rules(rules).start();
             TestNode nodeB = TestNode.on(redis, prefix).rules(rules).start()) {
            Api adminA = nodeA.api();
            adminA.post("/api/v1/customers", new JsonObject().put("id", "cust-ada").put("name", "Ada")
                    .put("emails", new JsonArray().add("ada@example.com"))).expect(201);
            String openCase = adminA.post("/api/v1/cases", new JsonObject().put("type", "return")
                    .put("customerId", "cust-ada").put("subject", "Wrong size")).expect(201).json().getString("id");
            Api ann = Agents.create(nodeB.api(), "ann", new JsonObject().put("support", 5));

            try (AgentSocket desk = ann.events("ann"); AgentSocket customer = nodeA.api().chat()) {
                customer.send(form("Ada", "ADA@example.com"));
                JsonObject started = customer.await("started");
                String id = started.getString("interaction");
                assertTrue(started.getString("token").startsWith("chs_"));
                assertEquals(null, started.getString("caseId"),
                        "the form's address is no proof: the case number is not told to whoever typed it");
                assertEquals(List.of(id), adminA.get("/api/v1/cases/" + openCase).expect(200).json()
                        .getJsonArray("interactions").getList(), "the chat joins the customer's open case");
                assertEquals(1, customer.await("queued").getInteger("position"));
                customer.send(say("hello, anyone there?"));

                Agents.available(ann, "ann");
                JsonObject offer = desk.await("offer");
                assertEquals(id, offer.getString("interaction"));
                ann.post("/api/v1/reservations/" + offer.getString("reservation") + "/accept", "{}").expect(200);
                customer.await("agent_joined");

                customer.send(new JsonObject().put("type", "typing"));
                assertEquals(id, desk.await("chat_typing").getString("interaction"));
                ann.post("/api/v1/interactions/" + id + "/typing", "{}").expect(200);
                assertEquals("agent", customer.await("typing").getString("from"));

                for (int i = 1; i <= 5; i++) {
                    customer.send(say("c" + i));
                    ann.post("/api/v1/interactions/" + id + "/messages", new JsonObject().put("text", "a" + i)).expect(200);
                }
                List<String> atAgent = new ArrayList<>();
                List<String> atCustomer = new ArrayList<>();
                for (int i = 1; i <= 5; i++) {
                    JsonObject m = desk.await("chat_message");
                    assertEquals("customer", m.getString("from"));
                    atAgent.add(m.getString("text"));
                    atCustomer.add(customer.await(f -> "chat_message".equals(f.getString("type")), "agent message",
                            Await.DEFAULT).getString("text"));
                }
                assertEquals(List.of("c1", "c2", "c3", "c4", "c5"), atAgent);
                assertEquals(List.of("a1", "a2", "a3", "a4", "a5"), atCustomer);

                JsonArray transcript = ann.get("/api/v1/interactions/" + id + "/messages").expect(200).array();
                assertEquals(11, transcript.size());
                assertEquals("hello, anyone there?", transcript.getJsonObject(0).getString("text"));
                for (int i = 0; i < transcript.size(); i++) {
                    assertEquals(i + 1, transcript.getJsonObject(i).getInteger("seq"));
                }
                List<String> customerLines = transcript.stream().map(JsonObject.class::cast)
                        .filter(m -> "customer".equals(m.getString("from"))).map(m -> m.getString("text")).toList();
                assertEquals(List.of("hello, anyone there?", "c1", "c2", "c3", "c4", "c5"), customerLines);

                Api bob = Agents.create(nodeA.api(), "bob", new JsonObject().put("support", 5));
                bob.post("/api/v1/interactions/" + id + "/messages", new JsonObject().put("text", "x")).expect(403);
                ann.post("/api/v1/interactions/" + id + "/complete", new JsonObject().put("disposition", "resolved"))
                        .expect(200);
                customer.await("ended");
                customer.send(new JsonObject().put("type", "rating").put("score", 4));
                assertTrue(customer.await("rated").getBoolean("counted"));
                customer.send(new JsonObject().put("type", "rating").put("score", 1));
                assertFalse(customer.await("rated").getBoolean("counted"), "a chat is rated once");
                ann.post("/api/v1/interactions/" + id + "/messages", new JsonObject().put("text", "late")).expect(409);

                String scrape = adminA.get("/metrics").expect(200).body();
                assertEquals(1.0, value(scrape, "switchboard_csat_score_count{channel=\"chat\",queue=\"support\"}"));
                assertEquals(4.0, value(scrape, "switchboard_csat_score_sum{channel=\"chat\",queue=\"support\"}"));
                assertEquals(0.0, value(scrape, "switchboard_csat_score_bucket{channel=\"chat\",queue=\"support\",le=\"3.0\"}"));
                assertEquals(1.0, value(scrape, "switchboard_csat_score_bucket{channel=\"chat\",queue=\"support\",le=\"4.0\"}"));
                assertEquals(1.0, value(scrape, "switchboard_chats_ended_total{outcome=\"agent_ended\",queue=\"support\"}"),
                        "counted by the customer's node, in the queue the chat ended in");

                JsonObject view = adminA.get("/api/v1/customers/cust-ada").expect(200).json();
                assertEquals(id, view.getJsonArray("interactions").getJsonObject(0).getString("id"));
                assertEquals("chat", view.getJsonArray("interactions").getJsonObject(0).getString("channel"));
                assertEquals(List.of(id), view.getJsonArray("cases").getJsonObject(0).getJsonArray("interactions").getList());
            }
        }
    }

    /** A new address writing from two tabs at once (two nodes): one customer, not two. */
    @Test
    void chatsStartedAtOnceFromOneNewAddressBelongToOneCustomer(TestRedis redis, @TempDir Path temp) {
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        try (TestNode nodeA = TestNode.on(redis, prefix).rules(rules).start();
             TestNode nodeB = TestNode.on(redis, prefix).rules(rules).start()) {
            List<AgentSocket> tabs = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    tabs.add((i % 2 == 0 ? nodeA : nodeB).api().chat());
                }
                tabs.forEach(tab -> tab.send(form("Zoe", "zoe@new.example")));
                java.util.Set<String> customers = new java.util.HashSet<>();
                for (AgentSocket tab : tabs) {
                    String id = tab.await("started").getString("interaction");
                    customers.add(nodeA.api().get("/api/v1/interactions/" + id).expect(200).json().getString("customerId"));
                }
                assertEquals(1, customers.size(), "one customer for one address: " + customers);
            } finally {
                tabs.forEach(AgentSocket::close);
            }
        }
    }

    /**
     * The customer leaves the instant the agent accepts: whichever lands first, the chat ends (abandoned, or wrapped
     * up), the customer is told, and the agent is free again. The leave read the chat as offered and its cancel met
     * the accept's assignment: it was lost, and the chat stayed assigned with nobody in it (about 1 time in 5).
     */
    @Test
    void aLeaveAtTheInstantOfTheAcceptStillEndsTheChat(TestRedis redis, @TempDir Path temp) throws Exception {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_CHAT_RATE_LIMIT", "0").start()) {
            Api admin = node.api();
            Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
            try (AgentSocket desk = ann.events("ann")) {
                Agents.available(ann, "ann");
                for (int i = 0; i < 15; i++) {
                    try (AgentSocket customer = admin.chat()) {
                        customer.send(form("Ada", "ada" + i + "@example.com"));
                        String id = customer.await("started").getString("interaction");
                        String reservation = desk.await(m -> "offer".equals(m.getString("type"))
                                && id.equals(m.getString("interaction")), "offer of " + id, Await.DEFAULT)
                                .getString("reservation");
                        var accepting = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                                ann.post("/api/v1/reservations/" + reservation + "/accept", "{}").status());
                        customer.send(new JsonObject().put("type", "leave"));
                        int accepted = accepting.get(10, java.util.concurrent.TimeUnit.SECONDS);
                        assertTrue(accepted == 200 || accepted == 409, "accept answered " + accepted);
                        String reason = customer.await("ended").getString("reason");
                        assertTrue(List.of("abandoned", "customer_left").contains(reason), reason);
                        Await.until("chat " + id + " over", () -> List.of("abandoned", "completed").contains(
                                admin.get("/api/v1/interactions/" + id).json().getString("status")));
                        Await.until("ann free again", () -> "available".equals(
                                admin.get("/api/v1/agents/ann").json().getString("state")));
                    }
                }
            }
            // each counted once, in its queue: the customer's session may not have learnt the queue yet
            List<String> ended = admin.get("/metrics").body().lines()
                    .filter(l -> l.startsWith("switchboard_chats_ended_total{")).toList();
            assertEquals(15.0, ended.stream().mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .sum(), 1e-9, ended.toString());
            assertTrue(ended.stream().allMatch(l -> l.contains("queue=\"support\"")), ended.toString());
        }
    }

    /** A supervisor cancels a waiting chat as abandoned: the customer is told it ended, not left waiting. */
    @Test
    void aWaitingChatCanceledAsAbandonedEndsForTheCustomer(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).start()) {
            Api admin = node.api();
            try (AgentSocket customer = admin.chat()) {
                customer.send(form("Di", "di@example.com"));
                String id = customer.await("started").getString("interaction");
                admin.post("/api/v1/interactions/" + id + "/cancel", new JsonObject().put("abandoned", true))
                        .expect(200);
                assertEquals("abandoned", customer.await("ended").getString("reason"));
                customer.send(new JsonObject().put("type", "rating").put("score", 1));
                assertEquals("conflict", customer.await("error").getString("code"), "no agent served it: no CSAT");
            }
            assertTrue(admin.get("/metrics").body().lines().noneMatch(l -> l.startsWith("switchboard_csat_score_count")
                    && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) != 0), "nothing counted");
        }
    }

    /** The node that canceled the chat stopped before telling the customer's node: the customer learns it anyway. */
    @Test
    void aWaitingChatEndedWithoutANoticeEndsAtTheNextPositionCheck(TestRedis redis, @TempDir Path temp)
            throws Exception {
        String prefix = redis.newPrefix();
        try (TestNode node = TestNode.on(redis, prefix).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_CHAT_POSITION_MILLIS", "200").start();
             AgentSocket customer = node.api().chat()) {
            customer.send(form("Di", "di@example.com"));
            String id = customer.await("started").getString("interaction");
            customer.await("queued");
            io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
            try (var connection = io.switchboard.store.redis.RedisConnection.connect(redis.uri())) {
                // the routing script alone: no node's observer publishes the chat's end
                var dying = new io.switchboard.store.redis.RoutingStore(vertx, connection,
                        io.switchboard.store.redis.RedisKeys.of(prefix), java.time.InstantSource.system(),
                        Duration.ofSeconds(15), 2, 0.5, 0, Duration.ZERO);
                assertTrue(Await.result(dying.run("cancel", id, "canceled", "withdrawn")).ok());
            } finally {
                Await.result(vertx.close());
            }
            assertEquals("canceled", customer.await("ended").getString("reason"));
        }
    }

    @Test
    void aCustomerWhoLeavesBeforeAnAgentJoinsHasAbandoned(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_CHAT_POSITION_MILLIS", "100").env("SWITCHBOARD_CHAT_RESUME_SECONDS", "0").start()) {
            Api admin = node.api();
            // one agent staffs the queue but takes no chats: the line does not move, and the estimate is
            // position x the default AHT (180 s, nothing handled yet) / 1 agent
            Agents.available(Agents.create(admin, "sol", new JsonObject().put("support", 5),
                    new JsonObject().put("chat", 0)), "sol");
            try (AgentSocket first = admin.chat(); AgentSocket second = admin.chat()) {
                first.send(form("Bo", "bo@example.com"));
                String id = first.await("started").getString("interaction");
                JsonObject firstQueued = first.await("queued");
                assertEquals(1, firstQueued.getInteger("position"));
                assertEquals(180.0, firstQueued.getDouble("estimatedWaitSeconds"));
                second.send(form("Cy", "cy@example.com"));
                JsonObject secondStart = second.await("started");
                assertNotNull(secondStart.getString("caseId"), "a new customer's chat opens a case");
                JsonObject secondQueued = second.await("queued");
                assertEquals(2, secondQueued.getInteger("position"));
                assertEquals(360.0, secondQueued.getDouble("estimatedWaitSeconds"));

                first.close();
                Await.until("the first chat is abandoned", () -> "abandoned".equals(
                        admin.get("/api/v1/interactions/" + id).json().getString("status")));
                second.await(f -> "queued".equals(f.getString("type")) && f.getInteger("position") == 1,
                        "moved up to 1", Await.DEFAULT);
                String customerId = admin.get("/api/v1/interactions/" + id).json().getString("customerId");
                assertEquals("Bo", admin.get("/api/v1/customers/" + customerId).expect(200).json().getString("name"),
                        "an unknown email becomes a new customer");
            }
            Await.until("metrics", () -> {
                String scrape = admin.get("/metrics").body();
                return scrape.contains("switchboard_queue_abandoned_total{channel=\"chat\",queue=\"support\"} 2.0")
                        && value(scrape, "switchboard_chats_ended_total{outcome=\"abandoned\",queue=\"support\"}") >= 2.0;
            });
            assertEquals(2.0, value(admin.get("/metrics").body(),
                    "switchboard_chats_ended_total{outcome=\"abandoned\",queue=\"support\"}"));
        }
    }

    @Test
    void aChatNobodyWritesInIsClosedWithAMessage(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_CHAT_IDLE_SECONDS", "1").start()) {
            Api admin = node.api();
            Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
            try (AgentSocket desk = ann.events("ann"); AgentSocket customer = admin.chat()) {
                Agents.available(ann, "ann");
                customer.send(form("Di", "di@example.com"));
                String id = customer.await("started").getString("interaction");
                ann.post("/api/v1/reservations/" + desk.await("offer").getString("reservation") + "/accept", "{}")
                        .expect(200);
                customer.await("agent_joined");
                JsonObject closed = customer.await("closed", Duration.ofSeconds(5));
                assertEquals("idle", closed.getString("reason"));
                assertEquals("This chat was closed after 1 second without messages.", closed.getString("text"));
                assertEquals("system", desk.await("chat_message").getString("from"));
                Await.until("the agent wraps up", () -> List.of("wrapping", "completed")
                        .contains(admin.get("/api/v1/interactions/" + id).json().getString("status")));
                customer.send(new JsonObject().put("type", "rating").put("score", 2));
                assertTrue(customer.await("rated").getBoolean("counted"));
            }
        }
    }

    @Test
    void theWidgetPageIsServedAndBadFormsAreRefused(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).start()) {
            Api anonymous = node.api().as(null);
            Api.Reply page = anonymous.get("/chat/");
            assertEquals(200, page.status());
            assertTrue(page.body().contains("new WebSocket(url)"), page.body());
            try (AgentSocket customer = anonymous.chat()) {
                customer.send(new JsonObject().put("type", "start").put("name", "Eve").put("email", "not-an-email"));
                assertEquals("a valid email is required", customer.await("error").getString("message"));
                customer.send(new JsonObject().put("type", "start").put("name", new JsonObject().put("a", 1))
                        .put("email", "eve@example.com"));
                assertEquals("'name' must be a string", customer.await("error").getString("message"),
                        "not taken as the text {a=1}");
                customer.send(say("before the form").put("ref", 7));
                JsonObject refused = customer.await("error");
                assertEquals("no chat in progress", refused.getString("message"));
                assertEquals(7, refused.getInteger("ref"), "the widget learns which of its lines was refused");
                customer.send(form("Eve", "eve@example.com"));
                customer.await("started");
                customer.send(say("  ").put("ref", 8));
                JsonObject empty = customer.await("error");
                assertEquals(List.of("'text' is required: an empty message is not sent", 8),
                        List.of(empty.getString("message"), empty.getInteger("ref")));
                customer.send(say("hello").put("ref", "line-9"));
                assertEquals("line-9", customer.await("sent").getString("ref"), "a widget may number its lines in text");
            }
        }
    }

    @Test
    void aCustomerTheWebsiteSignedInIsVerifiedAndAClaimIsNot(TestRedis redis, @TempDir Path temp) throws Exception {
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        String secret = "site-secret-0123456789";
        try (TestNode site = TestNode.on(redis, prefix).rules(rules).env("SWITCHBOARD_CHAT_IDENTITY_SECRET", secret)
                .start();
             TestNode signedInOnly = TestNode.on(redis, prefix).rules(rules)
                     .env("SWITCHBOARD_CHAT_IDENTITY_SECRET", secret).env("SWITCHBOARD_CHAT_REQUIRE_IDENTITY", "true")
                     .start()) {
            Api admin = site.api();
            admin.post("/api/v1/customers", new JsonObject().put("id", "cust-ada").put("name", "Ada")
                    .put("emails", new JsonArray().add("ada@example.com"))).expect(201);
            String adasCase = admin.post("/api/v1/cases", new JsonObject().put("type", "return")
                    .put("customerId", "cust-ada").put("subject", "Wrong size")).expect(201).json().getString("id");
            String signature = hmac(secret, "ada@example.com");
            try (AgentSocket customer = site.api().as(null).chat()) {
                customer.send(form("Ada", "ada@example.com").put("identityHash", hmac("another-site-secret", "ada@example.com")));
                assertEquals("identity_invalid", customer.await("error").getString("code"));
                customer.send(form("Ada", "ADA@example.com").put("identityHash", signature.toUpperCase()));
                String id = customer.await("started").getString("interaction");
                assertEquals(true, admin.get("/api/v1/interactions/" + id).expect(200).json()
                        .getJsonObject("attributes").getBoolean("identityVerified"));
                assertEquals(List.of(id), admin.get("/api/v1/cases/" + adasCase).expect(200).json()
                        .getJsonArray("interactions").getList(), "a signed-in customer's chat continues her case");
            }
            try (AgentSocket claimant = site.api().as(null).chat()) {
                claimant.send(form("Ada?", "ada@example.com"));
                JsonObject started = claimant.await("started");
                String id = started.getString("interaction");
                assertEquals(false, admin.get("/api/v1/interactions/" + id).expect(200).json()
                        .getJsonObject("attributes").getBoolean("identityVerified"));
                assertNotNull(started.getString("caseId"), "an unsigned claim gets a case of its own");
                assertEquals(1, admin.get("/api/v1/cases/" + adasCase).expect(200).json()
                        .getJsonArray("interactions").size(), "and writes nothing into the customer's case");
            }
            try (AgentSocket anonymous = signedInOnly.api().as(null).chat()) {
                anonymous.send(form("Eve", "eve@example.com"));
                assertEquals("identity_required", anonymous.await("error").getString("code"));
                anonymous.send(form("Eve", "eve@example.com").put("identityHash", hmac(secret, "eve@example.com")));
                assertNotNull(anonymous.await("started").getString("interaction"));
            }
        }
    }

    /** The widget in Chromium, embedded by a site with its signed-in customer in the fragment. */
    @Test
    void theWidgetTakesTheSignedInCustomerFromItsFragment(TestRedis redis, @TempDir Path temp) throws Exception {
        String secret = "site-secret-0123456789";
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_CHAT_IDENTITY_SECRET", secret).start();
             Browser browser = Browser.open()) {
            browser.get(node.api().base() + "/chat/#name=Ada%20Lovelace&email=ada%40example.com&identityHash="
                    + hmac(secret, "ada@example.com"));
            assertEquals("Ada Lovelace", browser.untilVisible("#name").getAttribute("value"));
            assertNotNull(browser.find("#email").getAttribute("readonly"), "the signed email cannot be edited");
            browser.click("#form button[type=submit]");
            browser.until("in line", d -> browser.text("#status").startsWith("You are number"));
            JsonArray waiting = node.api().get("/api/v1/queues/support/waiting").expect(200).array();
            assertEquals(true, waiting.getJsonObject(0).getJsonObject("attributes").getBoolean("identityVerified"),
                    waiting.encode());
        }
    }

    /**
     * The agent in a chat is signed out (here by a supervisor): the chat goes back to its line, keeping its age, the
     * customer is told of the transfer, and the next agent takes it; nobody is left writing to an agent who is gone.
     */
    @Test
    void aChatWhoseAgentIsSignedOutGoesBackToItsLine(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).start();
             AgentSocket customer = node.api().chat()) {
            Api admin = node.api();
            Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
            String id = Chats.start(customer, "Ada", "ada@example.com").getString("interaction");
            assertEquals(id, Chats.take(ann, "ann"));
            customer.await("agent_joined");
            long queued = admin.get("/api/v1/interactions/" + id).json().getJsonObject("timestamps").getLong("queued");

            admin.post("/api/v1/agents/ann/sign-out", "{}").expect(200);
            customer.await("transferred");
            JsonObject back = admin.get("/api/v1/interactions/" + id).expect(200).json();
            assertEquals(List.of("queued", "support", queued), List.of(back.getString("status"), back.getString("queue"),
                    back.getJsonObject("timestamps").getLong("queued")), back.encode());
            assertEquals(List.of(), admin.get("/api/v1/agents/ann").json().getJsonArray("interactions").getList());

            Api bob = Agents.create(admin, "bob", new JsonObject().put("support", 5));
            assertEquals(id, Chats.take(bob, "bob"));
            customer.await("agent_joined");
        }
    }

    /** What the website's backend computes for a signed-in customer. */
    private static String hmac(String secret, String email) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(email.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no series " + series + " in\n" + scrape));
    }
}
