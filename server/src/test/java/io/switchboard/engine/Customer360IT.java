package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.store.redis.RedisConnection;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Rules;
import io.switchboard.testing.SmtpClient;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The customer's 360° view and CSV import, through the API against a real Redis. */
@ExtendWith(TestRedis.class)
class Customer360IT {
    private static final String CSV = """
            id,name,tier,lifetimeValue,phones,emails,language
            cust-1,"Lovelace, Ada",gold,1200,+1 555 0100;+1 555 0101,ada@example.com,en
            cust-2,Bob,,0,,bob@example.com,de
            """;

    private final TestClock clock = new TestClock();
    private TestNode node;
    private Api admin;

    private String redisUri;
    private RedisKeys keys;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        redisUri = redis.uri();
        String prefix = redis.newPrefix();
        keys = RedisKeys.of(prefix);
        node = TestNode.on(redis, prefix).clock(clock).rules(Rules.folder(temp, Rules.SMALL)).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String interaction(String channel, String customerId) {
        clock.advance(Duration.ofSeconds(1));
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", channel).put("customerId", customerId))
                .expect(201).json().getString("id");
    }

    @Test
    void csvImportMatchesKnownContactsByPhoneOrEmail() {
        assertEquals(new JsonObject().put("imported", 2).put("matched", 0).put("created", 2),
                admin.post("/api/v1/customers", "text/csv", CSV).expect(201).json());
        JsonObject ada = admin.get("/api/v1/customers/cust-1").expect(200).json();
        assertEquals("Lovelace, Ada", ada.getString("name"));
        assertEquals("gold", ada.getString("tier"));
        assertEquals(List.of("+1 555 0100", "+1 555 0101"), ada.getJsonArray("phones").getList());

        JsonObject second = admin.post("/api/v1/customers", "text/csv; charset=utf-8", """
                name,phones,emails,tier
                Ada L.,15550101,,platinum
                Robert,,BOB@example.com,
                Cy,+44 20 7946 0000,cy@example.com,
                """).expect(201).json();
        assertEquals(new JsonObject().put("imported", 3).put("matched", 2).put("created", 1), second);
        assertEquals("platinum", admin.get("/api/v1/customers/cust-1").json().getString("tier"),
                "matched by phone, digits only");
        assertEquals("Robert", admin.get("/api/v1/customers/cust-2").json().getString("name"),
                "matched by email, any case");
        // Ada's first number left her record with that import: a row from it is someone new, not Ada overwritten
        assertEquals(new JsonObject().put("imported", 1).put("matched", 0).put("created", 1), admin.post(
                "/api/v1/customers", "text/csv", "name,phones\nStranger,+1 555 0100\n").expect(201).json());
        assertEquals("Ada L.", admin.get("/api/v1/customers/cust-1").json().getString("name"));

        assertEquals("unprocessable", admin.post("/api/v1/customers", "text/csv", "name,tier\nDee,diamond\n")
                .expect(422).json().getString("error"));
        assertEquals("CSV row 2: 3 fields, the header has 2", admin.post("/api/v1/customers", "text/csv",
                "id,name\nx,Dee,extra\n").expect(400).json().getString("message"));
        assertEquals("CSV row 3: 'dee at example.com' is not an email address", admin.post("/api/v1/customers",
                "text/csv", "name,emails\nAda,ada@example.com\nDee,dee at example.com\n").expect(400).json()
                .getString("message"), "checked as the JSON import checks it");
        assertEquals("CSV: no header; expected id,name,tier,lifetimeValue,phones,emails,language", admin.post(
                "/api/v1/customers", "text/csv", "").expect(400).json().getString("message"), "was a 500");
    }

    /**
     * A phone or email belongs to one customer: an import that gives another customer's address to someone else is
     * refused whole, naming who has it (it used to take it over, and that person's mail went to the new holder); an
     * address given up earlier in the same batch may be taken.
     */
    @Test
    void anImportCannotTakeAnotherCustomersAddress() {
        admin.post("/api/v1/customers", new JsonArray()
                .add(new JsonObject().put("id", "va").put("name", "Vi").put("emails", new JsonArray().add("vi@v.example")))
                .add(new JsonObject().put("id", "vb").put("name", "Bo").put("emails", new JsonArray().add("bo@v.example"))))
                .expect(201);
        String taken = admin.post("/api/v1/customers", new JsonArray()
                .add(new JsonObject().put("id", "vc").put("name", "Cy"))
                .add(new JsonObject().put("id", "vb").put("name", "Bo").put("emails", new JsonArray()
                        .add("bo@v.example").add("VI@v.example")))).expect(409).json().getString("message");
        assertEquals("customer vb: email 'vi@v.example' belongs to customer va; take it off that customer first (or "
                + "import that customer without it, before this one)", taken);
        admin.get("/api/v1/customers/vc").expect(404); // nothing of the batch
        assertEquals("va", customerByEmail("vi@v.example"));

        String twoPeople = admin.post("/api/v1/customers", "text/csv", "name,emails\nAnn,ann@v.example\n"
                + "Merged,bo@v.example;vi@v.example\n").expect(409).json().getString("message");
        assertEquals("CSV row 3: its phones and emails belong to customers [vb, va]: one row cannot be both", twoPeople);
        admin.post("/api/v1/customers", "text/csv", "id,name,emails\nvb,Bo,\n").expect(201);
        assertEquals("va", customerByEmail("vi@v.example"), "vb never held it: giving it up takes nothing from va");

        // va gives it up and vb takes it, in that order in one batch: a move
        assertEquals(new JsonObject().put("imported", 2).put("matched", 2).put("created", 0), admin.post(
                "/api/v1/customers", "text/csv", "id,name,emails\nva,Vi,vi@new.example\nvb,Bo,vi@v.example\n")
                .expect(201).json());
        assertEquals("vb", customerByEmail("vi@v.example"));
        assertEquals("va", customerByEmail("vi@new.example"));

        // a customer an email created for an address nobody had yields it to the CRM's customer that names it
        try (SmtpClient smtp = new SmtpClient(node.server().smtpPort())) {
            smtp.reply();
            SmtpClient.expect("250", smtp.command("EHLO client.example"));
            SmtpClient.expect("250", smtp.send("new@v.example", "support@example.com",
                    "From: new@v.example\r\nSubject: Hi\r\nMessage-ID: <n1@v.example>\r\n\r\nHello\r\n"));
        }
        String created = customerByEmail("new@v.example");
        assertTrue(created.startsWith("cust-"), created);
        admin.post("/api/v1/customers", new JsonObject().put("id", "crm-7").put("name", "Neil")
                .put("emails", new JsonArray().add("new@v.example"))).expect(201);
        assertEquals("crm-7", customerByEmail("new@v.example"));
    }

    /** Whose the address is in the index an inbound email's sender is looked up in. */
    private String customerByEmail(String address) {
        try (RedisConnection connection = RedisConnection.connect(redisUri)) {
            return connection.commands().hget(keys.customersByEmail(), address).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A customer that is not well formed is refused with a 400 naming the field, and nothing of the batch is kept. */
    @Test
    void aMalformedCustomerIsRefusedNamingTheField() {
        Map<Object, String> refused = new LinkedHashMap<>();
        refused.put(new JsonObject().put("name", "No id"), "customer: 'id' is required");
        refused.put(new JsonObject().put("id", "c-1").put("lifetimeValue", "lots"),
                "customer: 'lifetimeValue' must be a number");
        refused.put(new JsonObject().put("id", "c-1").put("emails", "a@b.example"),
                "customer: 'emails' must be a JSON array of strings");
        refused.put(new JsonObject().put("id", "c-1").put("emails", new JsonArray().add("not an email")),
                "customer: 'emails' holds 'not an email', which is not an email address");
        refused.put(new JsonObject().put("id", "c-1").put("phones", new JsonArray().add(1)),
                "customer: 'phones' holds '1', which is not a phone number");
        refused.put(new JsonObject().put("id", "c-1").put("name", 7), "customer: 'name' must be a string");
        refused.put(new JsonArray().add(new JsonObject().put("id", "c-2")).add("c-3"), "customer[1]: must be a JSON object");
        refused.forEach((body, message) -> {
            String said = admin.post("/api/v1/customers", body.toString()).expect(400).json().getString("message");
            assertTrue(said.startsWith(message), said);
        });
        admin.get("/api/v1/customers/c-2").expect(404);
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-1").put("lifetimeValue", 120)
                .put("phones", new JsonArray().add("+44 (0)20 7946-0000")).put("emails",
                        new JsonArray().add(" Ada@Example.com "))).expect(201);
    }

    @Test
    void theTimelineShowsEveryChannelNewestFirstAndTheCases() {
        admin.post("/api/v1/customers", "text/csv", CSV).expect(201);
        String call = interaction("voice", "cust-1");
        String chat = interaction("chat", "cust-1");
        String email = interaction("email", "cust-1");
        interaction("voice", "cust-2");
        String caseId = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "cust-1").put("subject", "Invoice twice").put("interactionId", call))
                .expect(201).json().getString("id");

        JsonObject view = admin.get("/api/v1/customers/cust-1").expect(200).json();
        JsonArray interactions = view.getJsonArray("interactions");
        assertEquals(List.of(email, chat, call), ids(interactions));
        assertEquals(List.of("email", "chat", "voice"),
                interactions.stream().map(o -> ((JsonObject) o).getString("channel")).toList());
        assertEquals("queued", interactions.getJsonObject(0).getString("status"));
        assertEquals(List.of(caseId), ids(view.getJsonArray("cases")));
        assertEquals(List.of(call), view.getJsonArray("cases").getJsonObject(0).getJsonArray("interactions").getList());
        admin.get("/api/v1/customers/nobody").expect(404);
    }

    @Test
    void theTimelineKeepsTheNewest200() {
        admin.post("/api/v1/customers", new JsonObject().put("id", "busy").put("name", "Busy")).expect(201);
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 203; i++) {
            created.add(admin.post("/api/v1/interactions", new JsonObject().put("channel", "email")
                    .put("customerId", "busy")).expect(201).json().getString("id"));
        }
        List<Object> shown = ids(admin.get("/api/v1/customers/busy").expect(200).json().getJsonArray("interactions"));
        assertEquals(200, shown.size());
        assertEquals(created.get(202), shown.get(0));
        assertEquals(created.get(3), shown.get(199));
    }

    @Test
    void anAgentReadsTheCustomerOfAnInteractionItIsOfferedOrHolds() {
        admin.post("/api/v1/customers", "text/csv", CSV).expect(201);
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
        ann.get("/api/v1/customers/cust-1").expect(403);
        try (AgentSocket events = ann.events("ann")) {
            Agents.available(ann, "ann");
            String call = interaction("voice", "cust-1");
            JsonObject offer = events.await("offer");
            assertEquals(call, offer.getString("interaction"));
            assertEquals("Lovelace, Ada", ann.get("/api/v1/customers/cust-1").expect(200).json().getString("name"));
            ann.get("/api/v1/customers/cust-2").expect(403);
            ann.post("/api/v1/reservations/" + offer.getString("reservation") + "/accept", "{}").expect(200);
            assertEquals(List.of(call),
                    ids(ann.get("/api/v1/customers/cust-1").expect(200).json().getJsonArray("interactions")));
            ann.post("/api/v1/interactions/" + call + "/complete", "{}").expect(200);
            ann.get("/api/v1/customers/cust-1").expect(403);
        }
    }

    private static List<Object> ids(JsonArray array) {
        return array.stream().map(o -> ((JsonObject) o).getValue("id")).toList();
    }
}
