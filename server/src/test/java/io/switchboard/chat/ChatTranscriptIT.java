package io.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Browser;
import io.switchboard.testing.Chats;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/**
 * "Email me this chat": once the chat ended, the customer's widget asks for the transcript and a real SMTP relay
 * (GreenMail) receives it, once, addressed to the chat form's address, on the chat's case, with who said what.
 */
@ExtendWith(TestRedis.class)
class ChatTranscriptIT {
    @RegisterExtension
    static final GreenMailExtension RELAY = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @Test
    void theCustomerGetsTheTranscriptByEmailOnceOnTheChatsCase(TestRedis redis, @TempDir Path temp) throws Exception {
        try (TestNode node = mailing(TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))).start()) {
            Api admin = node.api();
            Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
            try (AgentSocket desk = ann.events("ann"); AgentSocket customer = admin.as(null).chat()) {
                JsonObject started = Chats.start(customer, "Bo", "bo@example.com");
                String id = Chats.take(ann, "ann");
                customer.await("agent_joined");
                customer.send(new JsonObject().put("type", "message").put("text", "my parcel is late"));
                desk.await("chat_message");
                ann.post("/api/v1/interactions/" + id + "/messages", new JsonObject().put("text", "It ships today."))
                        .expect(200);
                customer.await(m -> "chat_message".equals(m.getString("type")), "the answer", Await.DEFAULT);
                // lines the customer never read stay out of the mail; a supervisor's line to the customer is in it
                String path = "/api/v1/interactions/" + id + "/messages";
                ann.post(path, new JsonObject().put("text", "VIP, be nice").put("private", true)).expect(200);
                admin.post(path, new JsonObject().put("text", "offer a voucher").put("private", true)).expect(200);
                admin.post(path, new JsonObject().put("text", "We add a voucher.").put("name", "Sue")).expect(200);
                customer.await(m -> "We add a voucher.".equals(m.getString("text")), "the supervisor's line", Await.DEFAULT);

                customer.send(new JsonObject().put("type", "transcript"));
                assertEquals("ask for the transcript once the chat has ended", customer.await("error").getString("message"));
                ann.post("/api/v1/interactions/" + id + "/wrapup", "{}").expect(200);
                customer.await("ended");
                customer.send(new JsonObject().put("type", "transcript"));
                assertEquals("bo@example.com", customer.await("transcript_sent").getString("to"));
                customer.send(new JsonObject().put("type", "transcript"));
                Await.until("asked twice", () -> customer.all().stream()
                        .filter(m -> "transcript_sent".equals(m.getString("type"))).count() == 2);

                assertTrue(RELAY.waitForIncomingEmail(10_000, 1));
                MimeMessage[] received = RELAY.getReceivedMessages();
                assertEquals(1, received.length, "mailed once");
                MimeMessage mail = received[0];
                assertEquals("bo@example.com", mail.getAllRecipients()[0].toString());
                assertEquals("Your chat with us [#" + started.getString("caseId") + "]", mail.getSubject());
                String body = GreenMailUtil.getBody(mail).replace("\r\n", "\n");
                assertTrue(body.startsWith("Hello Bo,"), body);
                assertTrue(body.matches("(?s).*\\d\\d:\\d\\d You: my parcel is late\n\\d\\d:\\d\\d Agent ann: It ships today\\.\n"
                        + "\\d\\d:\\d\\d Sue: We add a voucher\\.\n.*"), body);
                assertFalse(body.contains("VIP") || body.contains("offer a voucher"), body);
                String thread = admin.get("/api/v1/cases/" + started.getString("caseId")).expect(200).json()
                        .getJsonArray("emails").encode();
                assertTrue(thread.contains("\"kind\":\"transcript\"") && thread.contains("\"status\":\"sent\""), thread);
            }
        }
    }

    /** The widget in Chromium: after a chat with an agent, "Email me this chat" sends it and says where to. */
    @Test
    void theWidgetsButtonMailsTheTranscript(TestRedis redis, @TempDir Path temp) throws Exception {
        try (TestNode node = mailing(TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))).start();
             Browser browser = Browser.open()) {
            Api ann = Agents.create(node.api(), "ann", new JsonObject().put("support", 5));
            browser.get(node.api().base() + "/chat/");
            browser.untilVisible("#name").sendKeys("Ada");
            browser.find("#email").sendKeys("ada@example.com", Keys.ENTER);
            browser.until("in line", d -> browser.text("#status").startsWith("You are number"));
            browser.find("#text").sendKeys("where is my parcel?", Keys.ENTER);
            answer(ann, "It left this morning.");
            browser.until("the answer shown", d -> browser.text("#log").contains("It left this morning."));
            browser.click("#leave");
            browser.untilVisible("#transcript").click();
            browser.untilText("#transcript", "Sent to ada@example.com.");
            assertTrue(RELAY.waitForIncomingEmail(10_000, 1));
            String body = GreenMailUtil.getBody(RELAY.getReceivedMessages()[0]).replace("\r\n", "\n");
            assertTrue(body.contains(" You: where is my parcel?\n") && body.contains(" Agent ann: It left this morning.\n"),
                    body);
            assertFalse(body.contains("left the chat"), "the agent's notice of the leave is not the customer's: " + body);
        }
    }

    /** Ann takes the one chat waiting and writes in it; its id. */
    private static String answer(Api ann, String text) {
        String id = Chats.take(ann, "ann");
        ann.post("/api/v1/interactions/" + id + "/messages", new JsonObject().put("text", text)).expect(200);
        return id;
    }

    private static TestNode.Builder mailing(TestNode.Builder node) {
        return node.env("SWITCHBOARD_EMAIL_FROM", "support@switchboard.example")
                .env("SWITCHBOARD_SMTP_OUT_ENABLED", "true").env("SWITCHBOARD_SMTP_OUT_HOST", "127.0.0.1")
                .env("SWITCHBOARD_SMTP_OUT_PORT", Integer.toString(RELAY.getSmtp().getPort()))
                .env("SWITCHBOARD_SMTP_OUT_STARTTLS", "false");
    }

    /**
     * A chat nobody answered is not mailed (the form's address is not verified: anyone could have the business mail
     * their text anywhere); a floor that sends no email says so. Nothing is claimed: the customer may ask again.
     */
    @Test
    void anUnansweredChatIsNotMailedAndWithoutOutboundEmailNothingIs(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).start()) {
            Api admin = node.api();
            try (AgentSocket customer = admin.as(null).chat()) {
                Chats.start(customer, "Cy", "victim@example.com");
                customer.send(new JsonObject().put("type", "message").put("text", "Dear victim, ..."));
                customer.send(new JsonObject().put("type", "leave"));
                customer.await("ended");
                customer.send(new JsonObject().put("type", "transcript"));
                assertEquals("no_agent", customer.await("error").getString("code"));
            }
            Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
            try (AgentSocket customer = admin.as(null).chat()) {
                Chats.start(customer, "Di", "di@example.com");
                String id = answer(ann, "Hello Di");
                ann.post("/api/v1/interactions/" + id + "/wrapup", "{}").expect(200);
                customer.await("ended");
                customer.send(new JsonObject().put("type", "transcript"));
                assertEquals("unavailable", customer.await("error").getString("code"));
            }
        }
    }
}
