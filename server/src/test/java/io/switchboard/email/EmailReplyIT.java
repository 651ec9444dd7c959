package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.SmtpClient;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's answer by email, end to end over real SMTP both ways: the customer writes to our listener,
 * the agent replies through the API, GreenMail (a real SMTP server) receives the reply, and the customer's
 * answer to it threads onto the same case.
 */
@ExtendWith(TestRedis.class)
class EmailReplyIT {
    private static final String SUPPORT = "support@switchboard.example";

    @RegisterExtension
    static final GreenMailExtension RELAY = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path temp;
    private TestNode node;
    private String prefix;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private TestNode start(TestRedis redis, int relayPort, boolean acknowledge) {
        prefix = redis.newPrefix();
        node = TestNode.on(redis, prefix).rules(Rules.folder(temp, Rules.SMALL))
                .sla(io.switchboard.testing.Repo.root().resolve("config/sla.yaml"))
                .env("SWITCHBOARD_EMAIL_FROM", SUPPORT)
                .env("SWITCHBOARD_EMAIL_AUTO_ACKNOWLEDGE", Boolean.toString(acknowledge))
                .env("SWITCHBOARD_SMTP_OUT_ENABLED", "true")
                .env("SWITCHBOARD_SMTP_OUT_HOST", "127.0.0.1")
                .env("SWITCHBOARD_SMTP_OUT_PORT", Integer.toString(relayPort))
                .env("SWITCHBOARD_SMTP_OUT_STARTTLS", "false").start();
        return node;
    }

    static String inbound(String messageId, String subject, String headers, String body) {
        return "From: Ada Lovelace <ada@example.com>\nTo: " + SUPPORT + "\nSubject: " + subject
                + "\nMessage-ID: <" + messageId + ">\n" + headers + "\n" + body + "\n";
    }

    static String deliver(TestNode node, String from, String message) {
        try (SmtpClient smtp = new SmtpClient(node.server().smtpPort())) {
            smtp.reply();
            SmtpClient.expect("250", smtp.command("EHLO client.example"));
            String reply = smtp.send(from, SUPPORT, message);
            SmtpClient.expect("250", reply);
            return reply.substring(reply.lastIndexOf(' ') + 1);
        }
    }

    /** Ann (support, email capacity) is offered the interaction and accepts it. */
    static Api annHolds(TestNode node, String interactionId) {
        Api admin = node.api();
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8), new JsonObject().put("email", 5));
        Agents.available(ann, "ann");
        Await.until("the email is offered to ann", () -> "ann".equals(
                admin.get("/api/v1/interactions/" + interactionId).expect(200).json().getString("agentId")));
        String reservation = admin.get("/api/v1/interactions/" + interactionId).json().getString("reservationId");
        ann.post("/api/v1/reservations/" + reservation + "/accept", new JsonObject()).expect(200);
        return ann;
    }

    @Test
    void theAgentsReplyIsThreadedAndTheCustomersAnswerComesBackToTheCase(TestRedis redis) throws Exception {
        start(redis, RELAY.getSmtp().getPort(), true);
        Api admin = node.api();
        String first = deliver(node, "ada@example.com", inbound("q1@example.com", "Charged twice",
                "References: <older@example.com>\nReply-To: Ada at home <ada@home.example>\n", "I was charged twice."));
        String caseId = admin.get("/api/v1/interactions/" + first + "/email").expect(200).json().getString("caseId");
        Api ann = annHolds(node, first);

        JsonObject sent = ann.post("/api/v1/interactions/" + first + "/reply", new JsonObject()
                .put("text", "We refunded the second charge.").put("html", "<p>We <b>refunded</b> the second charge.</p>")
                .put("pendingCustomer", true)).expect(200).json();
        assertEquals("sent", sent.getString("status"));
        assertEquals("pending_customer", sent.getString("caseStatus"));
        // the reply is the agent's first response on the case: the shipped email policy's target is met
        Await.until("the first response met", () -> admin.get("/api/v1/sla/timers?caseId=" + caseId).expect(200).json()
                .getJsonArray("timers").stream().map(JsonObject.class::cast)
                .anyMatch(t -> "firstResponse".equals(t.getString("target")) && "met".equals(t.getString("state"))));

        assertTrue(RELAY.waitForIncomingEmail(5_000, 2), "the acknowledgement, then the reply");
        String ourId = sent.getString("messageId");
        MimeMessage received = java.util.Arrays.stream(RELAY.getReceivedMessages()).filter(m -> {
            try {
                return m.getHeader("Auto-Submitted") == null;
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow();
        assertEquals("<" + ourId + ">", received.getHeader("Message-ID", null));
        assertTrue(ourId.endsWith("@switchboard.example"), ourId);
        assertEquals("<q1@example.com>", received.getHeader("In-Reply-To", null));
        assertEquals("<older@example.com> <q1@example.com>", received.getHeader("References", null));
        assertEquals("Re: Charged twice [#" + caseId + "]", received.getSubject());
        assertEquals(SUPPORT, received.getFrom()[0].toString());
        assertEquals("ada@home.example", received.getAllRecipients()[0].toString(), "the reply goes to Reply-To");
        assertNull(received.getHeader("Auto-Submitted"), "a person's reply is not automatic");
        Multipart alternatives = (Multipart) received.getContent();
        assertTrue(received.isMimeType("multipart/alternative"), received.getContentType());
        assertEquals("We refunded the second charge.", ((String) alternatives.getBodyPart(0).getContent()).strip());
        assertTrue(alternatives.getBodyPart(1).isMimeType("text/html"));
        assertEquals("<p>We <b>refunded</b> the second charge.</p>",
                ((String) alternatives.getBodyPart(1).getContent()).strip());

        // the reply shows on the email the agent holds and in the case's thread
        JsonObject email = ann.get("/api/v1/interactions/" + first + "/email").expect(200).json();
        assertEquals(List.of(ourId), email.getJsonArray("replies").stream()
                .map(r -> ((JsonObject) r).getString("messageId")).toList());
        JsonObject thread = admin.get("/api/v1/cases/" + caseId).expect(200).json();
        assertEquals("pending_customer", thread.getString("status"));
        assertEquals(List.of("inbound/received", "outbound/sent", "outbound/sent"), thread.getJsonArray("emails").stream()
                .map(m -> ((JsonObject) m).getString("direction") + "/" + ((JsonObject) m).getString("status"))
                .sorted().toList(), "the message, our acknowledgement and the reply");

        // the customer answers our reply, through another node: no tag in the subject, only In-Reply-To our Message-ID
        String answer;
        try (TestNode other = TestNode.on(redis, prefix).rules(Rules.folder(temp.resolve("other"), Rules.SMALL)).start()) {
            answer = deliver(other, "ada@example.com", inbound("q2@example.com", "Re: Charged twice",
                    "In-Reply-To: <" + ourId + ">\n", "Thanks, I see it now."));
        }
        JsonObject after = admin.get("/api/v1/cases/" + caseId).expect(200).json();
        assertEquals(List.of(first, answer), after.getJsonArray("interactions").getList());
        assertEquals("open", after.getString("status"), "the customer answered: the case waits on us again");
        assertEquals(4, after.getJsonArray("emails").size());
        assertEquals(2, RELAY.getReceivedMessages().length, "no acknowledgement for the answer on the case");
    }

    /**
     * After a call, the agent writes to the customer on the call's case: to an address on the customer's record only,
     * tagged so the customer's answer threads onto the same case; an agent who does not serve the customer may not.
     */
    @Test
    void anAgentWritesToTheCustomerOfACaseAndTheAnswerThreadsOntoIt(TestRedis redis) throws Exception {
        start(redis, RELAY.getSmtp().getPort(), false);
        Api admin = node.api();
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-ada").put("name", "Ada Lovelace")
                .put("emails", new io.vertx.core.json.JsonArray().add("ada@example.com").add("ada@work.example")))
                .expect(201);
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-nomail").put("name", "No Mail")).expect(201);
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
        Api bob = Agents.create(admin, "bob", new JsonObject().put("support", 5));
        String caseId = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "c-ada").put("subject", "Refund for order 42")).expect(201).json().getString("id");
        String path = "/api/v1/cases/" + caseId + "/emails";
        JsonObject text = new JsonObject().put("text", "As promised on the phone: the refund is on its way.");
        assertEquals(403, ann.post(path, text).status(), "ann serves nobody of this case yet");

        // ann takes a call of the customer: she may write on the customer's case now, bob still may not
        admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice").put("customerId", "c-ada")
                .put("attributes", new JsonObject().put("intent", "support"))).expect(201);
        Agents.available(ann, "ann");
        Await.until("offered to ann", () -> admin.get("/api/v1/agents/ann").json().getString("reservation") != null);
        ann.post("/api/v1/reservations/" + admin.get("/api/v1/agents/ann").json().getString("reservation") + "/accept",
                "{}").expect(200);
        assertEquals(403, bob.post(path, text).status());
        assertEquals(422, ann.post(path, text.copy().put("to", "someone@else.example")).status(),
                "only to an address on the customer's record");
        assertEquals(400, ann.post(path, text.copy().put("subject", "two\nlines")).status());
        assertEquals(0, RELAY.getReceivedMessages().length, "nothing refused was sent");

        JsonObject sent = ann.post(path, text.copy().put("pendingCustomer", true)).expect(200).json();
        assertEquals(List.of("sent", "message", "ada@example.com", "pending_customer"), List.of(sent.getString("status"),
                sent.getString("kind"), sent.getString("to"), sent.getString("caseStatus")));
        assertTrue(RELAY.waitForIncomingEmail(5_000, 1));
        MimeMessage mail = RELAY.getReceivedMessages()[0];
        assertEquals("Refund for order 42 [#" + caseId + "]", mail.getSubject());
        assertEquals("ada@example.com", mail.getAllRecipients()[0].toString());
        assertTrue(com.icegreen.greenmail.util.GreenMailUtil.getBody(mail).contains("the refund is on its way"));
        ann.post(path, text.copy().put("to", "ADA@work.example")).expect(200);
        assertTrue(RELAY.waitForIncomingEmail(5_000, 2));
        assertEquals("ada@work.example", RELAY.getReceivedMessages()[1].getAllRecipients()[0].toString());

        // the customer's answer (a mail client keeps the subject's tag) lands on the same case, which it reopens
        deliver(node, "ada@example.com", inbound("answer-1@example.com", "Re: " + mail.getSubject(),
                "In-Reply-To: " + mail.getMessageID() + "\n", "Thank you!"));
        Await.until("the answer on the case", () -> admin.get("/api/v1/cases/" + caseId).json()
                .getJsonArray("emails").stream().anyMatch(e -> "inbound".equals(((JsonObject) e).getString("direction"))));
        JsonObject onCase = admin.get("/api/v1/cases/" + caseId).json();
        assertEquals(3, onCase.getJsonArray("emails").size(), onCase.encode());

        // a case's subject is the mail's on one line, whatever it holds
        String twoLines = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "c-ada").put("subject", "Refund\nBcc: eve@example.com")).expect(201).json()
                .getString("id");
        admin.post("/api/v1/cases/" + twoLines + "/emails", text).expect(200);
        assertTrue(RELAY.waitForIncomingEmail(5_000, 3));
        MimeMessage third = java.util.Arrays.stream(RELAY.getReceivedMessages())
                .filter(m -> { try { return m.getSubject().contains(twoLines); } catch (Exception e) { return false; } })
                .findFirst().orElseThrow();
        assertEquals("Refund Bcc: eve@example.com [#" + twoLines + "]", third.getSubject());
        assertEquals(1, third.getAllRecipients().length);
        admin.patch("/api/v1/cases/" + twoLines, new JsonObject().put("status", "closed")).expect(200);
        assertEquals(409, admin.post("/api/v1/cases/" + twoLines + "/emails", text).status(), "a closed case");

        String noMail = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "c-nomail").put("subject", "Callback")).expect(201).json().getString("id");
        assertEquals(422, admin.post("/api/v1/cases/" + noMail + "/emails", text).status(), "no address to write to");
    }

    /** A new case is open once an agent answers it (the customer's page said "new" after our reply). */
    @Test
    void aReplyOpensANewCase(TestRedis redis) {
        start(redis, RELAY.getSmtp().getPort(), false);
        Api admin = node.api();
        String id = deliver(node, "ada@example.com", inbound("o1@example.com", "Question", "", "Hello"));
        String caseId = admin.get("/api/v1/interactions/" + id + "/email").expect(200).json().getString("caseId");
        assertEquals("new", admin.get("/api/v1/cases/" + caseId).json().getString("status"));
        Api ann = annHolds(node, id);
        assertEquals("open", ann.post("/api/v1/interactions/" + id + "/reply", new JsonObject().put("text", "Hi Ada"))
                .expect(200).json().getString("caseStatus"));
        assertEquals("open", admin.get("/api/v1/cases/" + caseId).json().getString("status"));
    }

    /**
     * An email threaded onto the wrong case is attached to the right one (the desktop's "Belongs to another case?"):
     * it moves there, and the agent's reply goes out tagged with that case and on its thread, not the first one's.
     */
    @Test
    void anEmailAttachedToAnotherCaseIsAnsweredOnThatCase(TestRedis redis) throws Exception {
        start(redis, RELAY.getSmtp().getPort(), false);
        Api admin = node.api();
        String id = deliver(node, "ada@example.com", inbound("w1@example.com", "Router broken", "", "It blinks."));
        String wrong = admin.get("/api/v1/interactions/" + id + "/email").expect(200).json().getString("caseId");
        String customer = admin.get("/api/v1/interactions/" + id).json().getString("customerId");
        String right = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", customer).put("subject", "Router replacement")).expect(201).json().getString("id");
        Api ann = annHolds(node, id);

        ann.post("/api/v1/cases/" + right + "/interactions", new JsonObject().put("interactionId", id)).expect(200);
        assertEquals(List.of(id), admin.get("/api/v1/cases/" + right).json().getJsonArray("interactions").getList());
        assertEquals(List.of(), admin.get("/api/v1/cases/" + wrong).json().getJsonArray("interactions").getList(),
                "moved, not on two cases");
        assertEquals(right, ann.get("/api/v1/interactions/" + id + "/email").expect(200).json().getString("caseId"));
        assertEquals(List.of("inbound"), directions(admin, right), "the customer's mail moved with it");
        assertEquals(List.of(), directions(admin, wrong));

        JsonObject sent = ann.post("/api/v1/interactions/" + id + "/reply", new JsonObject().put("text", "A new one is on"
                + " its way.")).expect(200).json();
        assertEquals(right, sent.getString("caseId"));
        assertTrue(RELAY.waitForIncomingEmail(5_000, 1));
        assertEquals("Re: Router broken [#" + right + "]", RELAY.getReceivedMessages()[0].getSubject(),
                "an answer to the mail, tagged with the case it is on now");
        assertEquals(List.of("inbound", "outbound"), directions(admin, right));
        // the customer's answer quoting only the first mail (no tag) threads onto the case it moved to
        String answer = deliver(node, "ada@example.com", inbound("w2@example.com", "Re: Router broken",
                "In-Reply-To: <w1@example.com>\n", "Thanks."));
        assertEquals(right, admin.get("/api/v1/interactions/" + answer + "/email").json().getString("caseId"));
    }

    private static List<String> directions(Api admin, String caseId) {
        return admin.get("/api/v1/cases/" + caseId).json().getJsonArray("emails").stream()
                .map(m -> ((JsonObject) m).getString("direction")).toList();
    }

    @Test
    void badRequestsAreRefusedAndNothingIsSent(TestRedis redis) {
        start(redis, RELAY.getSmtp().getPort(), false);
        Api admin = node.api();
        String id = deliver(node, "ada@example.com", inbound("b1@example.com", "Question", "", "Hello"));
        Api bob = Agents.create(admin, "bob", new JsonObject().put("billing", 5));
        JsonObject text = new JsonObject().put("text", "Hi");

        assertEquals(409, Agents.create(admin, "ann", new JsonObject().put("support", 8), new JsonObject()
                .put("email", 5)).post("/api/v1/interactions/" + id + "/reply", text).status(),
                "not held yet: still queued while ann is offline");
        Api ann = annHolds(node, id);
        assertEquals(403, bob.post("/api/v1/interactions/" + id + "/reply", text).status(), "another agent");
        assertEquals(403, admin.post("/api/v1/interactions/" + id + "/reply", text).status(), "staff do not reply");
        assertEquals(400, ann.post("/api/v1/interactions/" + id + "/reply", new JsonObject()).status());
        assertEquals(400, ann.post("/api/v1/interactions/" + id + "/reply", text.copy().put("pendingCustomer", "yes"))
                .status());
        assertEquals(400, ann.postRaw("/api/v1/interactions/" + id + "/reply", "{not json").status());
        assertEquals(422, ann.post("/api/v1/interactions/" + id + "/reply",
                new JsonObject().put("text", "x".repeat(100_001))).status());
        JsonObject chat = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json();
        assertEquals(409, ann.post("/api/v1/interactions/" + chat.getString("id") + "/reply", text).status(),
                "not an email");
        assertEquals(0, RELAY.getReceivedMessages().length);
    }

    @Test
    void aRelayThatIsDownIs502AndTheReplyIsRecordedAsFailed(TestRedis redis) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        start(redis, closedPort, false);
        String id = deliver(node, "ada@example.com", inbound("f1@example.com", "Question", "", "Hello"));
        Api ann = annHolds(node, id);
        JsonObject error = ann.post("/api/v1/interactions/" + id + "/reply",
                new JsonObject().put("text", "Answer").put("pendingCustomer", true)).expect(502).json();
        assertEquals("bad_gateway", error.getString("error"));
        assertTrue(error.getString("message").contains("recorded on the case as failed"), error.encode());
        assertTrue(node.api().get("/metrics").expect(200).body()
                .contains("switchboard_emails_sent_total{kind=\"reply\",outcome=\"failed\"} 1.0"));

        JsonObject email = ann.get("/api/v1/interactions/" + id + "/email").expect(200).json();
        JsonObject failed = email.getJsonArray("replies").getJsonObject(0);
        assertEquals("failed", failed.getString("status"));
        assertEquals("Answer", failed.getString("text"), "the agent's text is kept to send again");
        assertFalse(failed.getString("error").isEmpty());
        String caseId = email.getString("caseId");
        assertFalse("pending_customer".equals(node.api().get("/api/v1/cases/" + caseId).json().getString("status")),
                "a reply that did not go out does not make the case wait for the customer");
    }

    @Test
    void withOutboundOffTheReplyEndpointSays503(TestRedis redis, @TempDir Path rules) {
        node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(rules, Rules.SMALL)).start();
        String id = deliver(node, "ada@example.com", inbound("d1@example.com", "Question", "", "Hello"));
        Api ann = annHolds(node, id);
        JsonObject error = ann.post("/api/v1/interactions/" + id + "/reply", new JsonObject().put("text", "Hi"))
                .expect(503).json();
        assertTrue(error.getString("message").contains("email.outbound.enabled"), error.encode());
    }
}
