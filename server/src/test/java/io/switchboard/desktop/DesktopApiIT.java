package io.switchboard.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the browser pages rely on, over plain HTTP: the pages are served, the floor stream, the screen pop. */
@ExtendWith(TestRedis.class)
class DesktopApiIT {
    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis) {
        node = TestNode.on(redis, redis.newPrefix()).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void pagesAreServedWithoutAToken() {
        Api anonymous = admin.as(null);
        for (String page : new String[] {"/agent/", "/supervisor/"}) {
            Api.Reply reply = anonymous.get(page).expect(200);
            assertTrue(reply.body().contains("<script type=\"module\" src=\"app.js\"></script>"), page);
        }
        assertTrue(anonymous.get("/shared/socket.js").expect(200).body().contains("class ReconnectingSocket"));
        anonymous.get("/agent/nope.js").expect(404);
    }

    @Test
    void theFloorStreamRelaysEveryEventToStaffOnly() throws Exception {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create(admin.base().replaceFirst("^http", "ws") + "/api/v1/supervisor/events");

        CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> client.newWebSocketBuilder().header("Authorization", "Bearer " + ann.token())
                        .buildAsync(uri, new WebSocket.Listener() { }).join());
        assertEquals(403, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());

        LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
        WebSocket ws = client.newWebSocketBuilder()
                .buildAsync(URI.create(uri + "?access_token=test-supervisor-key"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            received.add(new JsonObject(partial.toString()));
                            partial.setLength(0);
                        }
                        socket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            assertEquals("hello", next(received).getString("type"));
            String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                    .put("attributes", new JsonObject().put("intent", "support"))).expect(201).json().getString("id");
            JsonObject queued = next(received);
            assertEquals("queued", queued.getString("type"), queued.encode()); // an event naming no agent reaches the console
            assertEquals(id, queued.getString("interaction"));
            assertEquals("support", queued.getString("queue"));
            Agents.available(ann, "ann");
            JsonObject event;
            do {
                event = next(received);
            } while (!"offer".equals(event.getString("type")));
            assertEquals("ann", event.getString("agent"));
        } finally {
            ws.abort();
        }
    }

    @Test
    void anAgentReadsTheCustomerOfItsOwnInteractionOnly() {
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-7").put("name", "Ada").put("tier", "silver"))
                .expect(201);
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        Api bob = Agents.create(admin, "bob", new JsonObject().put("billing", 8));
        Agents.available(ann, "ann");
        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice").put("customerId", "c-7")
                .put("attributes", new JsonObject().put("intent", "support"))).expect(201).json().getString("id");

        JsonObject offered = ann.get("/api/v1/interactions/" + id + "/customer").expect(200).json();
        assertEquals("Ada", offered.getString("name"));
        assertEquals("silver", offered.getString("tier"));
        bob.get("/api/v1/interactions/" + id + "/customer").expect(403);
        bob.get("/api/v1/customers/c-7").expect(403);
        assertEquals("Ada", admin.get("/api/v1/interactions/" + id + "/customer").expect(200).json().getString("name"));

        String anonymous = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("intent", "billing"))).expect(201).json().getString("id");
        assertEquals("not_found", admin.get("/api/v1/interactions/" + anonymous + "/customer").expect(404).json()
                .getString("error"));
    }

    @Test
    void theDirectoryListsTransferTargetsAvailableFirstWithoutSecrets() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        Api zoe = Agents.create(admin, "zoe", new JsonObject().put("billing", 8));
        Agents.create(admin, "bob", new JsonObject().put("billing", 8));
        Agents.available(zoe, "zoe");

        JsonObject directory = ann.get("/api/v1/directory").expect(200).json();
        assertEquals(admin.get("/api/v1/queues").expect(200).array().stream().map(q -> ((JsonObject) q).getString("queue"))
                .toList(), directory.getJsonArray("queues").getList());
        JsonArray agents = directory.getJsonArray("agents");
        assertEquals(List.of("zoe", "ann", "bob"), agents.stream().map(a -> ((JsonObject) a).getString("id")).toList(),
                "available first, then by name");
        assertEquals(new JsonObject().put("id", "zoe").put("name", "Agent zoe").put("team", "").put("state", "available"),
                agents.getJsonObject(0));
        admin.as(null).get("/api/v1/directory").expect(401);
    }

    @Test
    void dispositionsComeFromTheConfigAndOthersAreRefusedOnComplete() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        JsonArray codes = ann.get("/api/v1/dispositions").expect(200).array();
        assertEquals(6, codes.size());
        assertEquals(new JsonObject().put("code", "sale").put("label", "Sale").put("revenue", true), codes.getJsonObject(3));

        Agents.available(ann, "ann");
        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")
                .put("attributes", new JsonObject().put("intent", "support"))).expect(201).json().getString("id");
        String reservation = admin.get("/api/v1/interactions/" + id).json().getString("reservationId");
        ann.post("/api/v1/reservations/" + reservation + "/accept", "{}").expect(200);
        ann.post("/api/v1/interactions/" + id + "/wrapup", "{}").expect(200);
        JsonObject refused = ann.post("/api/v1/interactions/" + id + "/complete",
                new JsonObject().put("disposition", "sold_a_car")).expect(422).json();
        assertEquals("unknown disposition 'sold_a_car' (GET /api/v1/dispositions lists them)", refused.getString("message"));
        assertEquals("wrapping", admin.get("/api/v1/interactions/" + id).json().getString("status"), "nothing changed");
        assertEquals("'amount' is for a disposition with revenue: true (GET /api/v1/dispositions), not 'resolved'",
                ann.post("/api/v1/interactions/" + id + "/complete", new JsonObject().put("disposition", "resolved")
                        .put("amount", 50)).expect(400).json().getString("message"), "no revenue counted for it");
        ann.post("/api/v1/interactions/" + id + "/complete", new JsonObject().put("disposition", "sale")
                .put("amount", 12.5)).expect(200);
        assertEquals("sale", admin.get("/api/v1/interactions/" + id).json().getString("disposition"));
    }

    @Test
    void anAgentWorksTheCasesOfTheCustomerItServesOnly() {
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-9").put("name", "Ada")).expect(201);
        String caseId = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "c-9").put("subject", "Router")).expect(201).json().getString("id");
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        Api bob = Agents.create(admin, "bob", new JsonObject().put("billing", 8));
        ann.get("/api/v1/cases/" + caseId).expect(403); // nothing of c-9 in hand yet

        Agents.available(ann, "ann");
        String id = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice").put("customerId", "c-9")
                .put("attributes", new JsonObject().put("intent", "support"))).expect(201).json().getString("id");
        assertEquals("Router", ann.get("/api/v1/cases/" + caseId).expect(200).json().getString("subject"));
        bob.get("/api/v1/cases/" + caseId).expect(403);
        String reservation = admin.get("/api/v1/interactions/" + id).json().getString("reservationId");
        ann.post("/api/v1/reservations/" + reservation + "/accept", "{}").expect(200);
        ann.post("/api/v1/cases/" + caseId + "/resolve", new JsonObject().put("resolution", "Rebooted")).expect(200);
        assertEquals("resolved", admin.get("/api/v1/cases/" + caseId).json().getString("status"));

        ann.post("/api/v1/interactions/" + id + "/wrapup", "{}").expect(200);
        ann.post("/api/v1/interactions/" + id + "/complete", new JsonObject().put("disposition", "resolved"))
                .expect(200);
        ann.get("/api/v1/cases/" + caseId).expect(403); // done with the customer, done with its cases
    }

    private static JsonObject next(LinkedBlockingQueue<JsonObject> received) throws InterruptedException {
        JsonObject message = received.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no event within 10 s");
        }
        return message;
    }
}
