package io.switchboard.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Browser;
import io.switchboard.testing.Rules;
import io.switchboard.testing.SmtpClient;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/** Email in the agent desktop: an email sent over real SMTP is offered, read with its case, and answered. */
@ExtendWith(TestRedis.class)
class DesktopEmailIT {
    private TestNode node;
    private Api admin;
    private Browser browser;

    @org.junit.jupiter.api.extension.RegisterExtension
    static final com.icegreen.greenmail.junit5.GreenMailExtension RELAY = new com.icegreen.greenmail.junit5.GreenMailExtension(
            com.icegreen.greenmail.util.ServerSetupTest.SMTP.dynamicPort());

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        browser = Browser.open();
        // support work wraps up (SMALL skips wrap-up), so the wrap-up form and its case box show
        String rules = Rules.SMALL.replaceFirst("wrapUpSeconds: 0", "wrapUpSeconds: 120");
        node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, rules))
                .env("SWITCHBOARD_EMAIL_AUTO_ACKNOWLEDGE", "false")
                .env("SWITCHBOARD_SMTP_OUT_ENABLED", "true")
                .env("SWITCHBOARD_SMTP_OUT_HOST", "127.0.0.1")
                .env("SWITCHBOARD_SMTP_OUT_PORT", Integer.toString(RELAY.getSmtp().getPort()))
                .env("SWITCHBOARD_SMTP_OUT_STARTTLS", "false").start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        // either may be missing: Browser.open() skips the test when there is no Chromium
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void anAgentReadsAnEmailWithItsCaseAndReplies() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8), new JsonObject().put("email", 2));
        String id = mailFromAda("To: support@switchboard.example\nSubject: Charged twice\n"
                + "Message-ID: <m1@example.com>\n\nI was charged twice.\nPlease refund one.\n");
        String caseId = admin.get("/api/v1/interactions/" + id + "/email").expect(200).json().getString("caseId");
        annTakesTheOfferInTheBrowser();

        String email = "#emails .email[data-interaction='" + id + "']";
        browser.untilText(email + " .email-subject", "Charged twice");
        assertEquals("Ada Lovelace <ada@example.com>", browser.text(email + " .email-from"));
        assertEquals("I was charged twice.\nPlease refund one.", browser.text(email + " .email-text"));
        assertEquals(3L, browser.script("return document.querySelector(\"" + email + " .email-message\").childNodes.length"),
                "subject, sender and text: no stray 'false' where a Reply-To would be");
        // the case the email threads onto, readable by the agent that holds the email
        browser.untilText(email + " .case-id", caseId);
        assertFalse(browser.text(email + " .email-case").endsWith("false"), "no stray 'false' for an empty thread");
        assertEquals("new", browser.text(email + " .case-status"));
        assertEquals("Charged twice", browser.text(email + " .case-subject"));

        // the reply goes out through the relay (GreenMail) and the box empties
        browser.find(email + " .reply-text").sendKeys("Refunded, sorry!");
        browser.find(email + " .send-reply").click();
        browser.until("reply sent", d -> browser.text(email + " .reply-status").startsWith("Reply sent ("));
        assertEquals("", browser.find(email + " .reply-text").getDomProperty("value"));
        assertTrue(RELAY.waitForIncomingEmail(5_000, 1), "the reply reached the relay");
        // the case's thread shows it, beside the customer's email
        browser.until("the reply in the case's thread", d -> browser.text(email + " .case-emails li.outbound")
                .contains("Refunded, sorry!"));
        try {
            jakarta.mail.internet.MimeMessage sent = RELAY.getReceivedMessages()[0];
            assertEquals("Re: Charged twice [#" + caseId + "]", sent.getSubject());
            assertTrue(((String) sent.getContent()).contains("Refunded, sorry!"));
        } catch (jakarta.mail.MessagingException | java.io.IOException e) {
            throw new AssertionError(e);
        }
        // a relay that refuses shows the server's message and keeps the text for another try
        RELAY.stop();
        browser.find(email + " .reply-text").sendKeys("Second try");
        browser.find(email + " .send-reply").click();
        browser.until("reply refused", d -> browser.text(email + " .reply-status").startsWith("Reply not sent: "));
        assertEquals("Second try", browser.find(email + " .reply-text").getDomProperty("value"));
        browser.until("the refused attempt in the thread", d -> browser.text(email
                + " .case-emails li[data-status='failed']").contains("(not sent)"));
        browser.screenshot("agent-email");

        // the agent attaches the email to another case of the same customer, but not to someone else's
        String customerId = admin.get("/api/v1/interactions/" + id).json().getString("customerId");
        String other = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request").put("customerId", customerId)
                .put("subject", "Billing errors")).expect(201).json().getString("id");
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-else").put("name", "Someone")).expect(201);
        String foreign = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request").put("customerId", "c-else")
                .put("subject", "Not yours")).expect(201).json().getString("id");
        browser.find(email + " .attach-case-id").sendKeys(foreign);
        browser.find(email + " .attach-case").click();
        browser.untilText(email + " .attach-error", "Case " + foreign + ": "
                + ann.post("/api/v1/cases/" + foreign + "/interactions", new JsonObject().put("interactionId", id))
                        .json().getString("message"));
        browser.find(email + " .attach-case-id").clear(); // a refused id stays in the box to correct
        browser.find(email + " .attach-case-id").sendKeys(other);
        browser.find(email + " .attach-case").click();
        browser.untilText(email + " .case-id", other);
        assertEquals("Billing errors", browser.text(email + " .case-subject"));
        assertEquals(List.of(id), admin.get("/api/v1/cases/" + other).json().getJsonArray("interactions").getList());

        // the wrap-up resolves the email's case with the disposition and a resolution
        browser.find("#work-list .card[data-interaction='" + id + "'] .end").click();
        String card = "#work-list .card[data-interaction='" + id + "']";
        browser.untilAttribute(card, "data-status", "wrapping");
        browser.untilVisible(card + " select[name=caseStatus]");
        assertEquals(false, browser.find(card + " input[name=amount]").isDisplayed(), "no amount for 'resolved'");
        new Select(browser.find(card + " select[name=disposition]")).selectByValue("resolved");
        new Select(browser.find(card + " select[name=caseStatus]")).selectByValue("resolved");
        browser.find(card + " input[name=resolution]").sendKeys("Refunded the second charge");
        browser.screenshot("agent-email-wrapup");
        String wrapped = browser.find(card + " .wrapup-case").getDomAttribute("data-case");
        assertTrue(List.of(caseId, other).contains(wrapped), wrapped);
        browser.find(card + " form.wrapup button[type=submit]").click();
        browser.untilText("#work-list .empty", "Nothing assigned.");
        JsonObject resolved = admin.get("/api/v1/cases/" + wrapped).expect(200).json();
        assertEquals("resolved", resolved.getString("status"));
        assertEquals("Refunded the second charge", resolved.getString("resolution"));
        assertEquals(List.of("resolved"), resolved.getJsonArray("dispositions").getList());
        assertEquals("resolved", admin.get("/api/v1/interactions/" + id).json().getString("disposition"));
    }

    /** On a call, the agent writes to the caller on their open case from the customer panel; the mail is tagged with it. */
    /** A From anyone can write with a Reply-To elsewhere: the agent is told where the answer will go. */
    @Test
    void anEmailWhoseRepliesGoElsewhereSaysSo() {
        Agents.create(admin, "ann", new JsonObject().put("support", 8), new JsonObject().put("email", 2));
        String id = mailFromAda("Reply-To: collector@elsewhere.example\nTo: support@switchboard.example\n"
                + "Subject: My account\n\nWhat is my balance?\n");
        annTakesTheOfferInTheBrowser();
        String email = "#emails .email[data-interaction='" + id + "']";
        browser.untilText(email + " .email-reply-to",
                "Replies go to collector@elsewhere.example, not the sender's address");
    }

    /** A mail from Ada (the rest of its headers and body given) over SMTP; the interaction it became. */
    private String mailFromAda(String rest) {
        try (SmtpClient smtp = new SmtpClient(node.server().smtpPort())) {
            smtp.reply();
            SmtpClient.expect("250", smtp.command("EHLO client.example"));
            String reply = smtp.send("ada@example.com", "support@switchboard.example",
                    "From: Ada Lovelace <ada@example.com>\n" + rest);
            SmtpClient.expect("250", reply);
            return reply.substring(reply.lastIndexOf(' ') + 1);
        }
    }

    private void annTakesTheOfferInTheBrowser() {
        browser.get(admin.base() + "/agent");
        browser.untilVisible("#login-agent").sendKeys("ann");
        browser.find("#login-pin").sendKeys("1234", Keys.ENTER);
        browser.untilAttribute("#connection", "data-status", "connected");
        browser.find("#go-available").click();
        browser.untilVisible("#accept").click();
    }

    @Test
    void anAgentOnACallEmailsTheCustomerOnTheirCase() throws Exception {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
        admin.post("/api/v1/customers", new JsonObject().put("id", "c-9").put("name", "Grace Hopper")
                .put("emails", new io.vertx.core.json.JsonArray().add("grace@example.com"))).expect(201);
        String caseId = admin.post("/api/v1/cases", new JsonObject().put("type", "service_request")
                .put("customerId", "c-9").put("subject", "Router keeps rebooting")).expect(201).json().getString("id");
        browser.logInAgent(admin.base(), "ann");
        Agents.available(ann, "ann");
        admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice").put("customerId", "c-9")
                .put("attributes", new JsonObject().put("intent", "support"))).expect(201);
        browser.untilVisible("#offer");
        browser.find("body").sendKeys("a");
        browser.untilAttribute("#work-list .card", "data-status", "assigned");

        String item = "#customer-cases li[data-case='" + caseId + "']";
        browser.untilVisible(item + " .write-case");
        browser.click(item + " .write-case");
        browser.untilVisible(item + " form.case-mail textarea").sendKeys("The replacement router ships today.");
        browser.find(item + " form.case-mail button[type=submit]").click();
        browser.untilText("#notice", "email on " + caseId + " sent to grace@example.com");
        assertTrue(RELAY.waitForIncomingEmail(5_000, 1));
        assertEquals("Router keeps rebooting [#" + caseId + "]", RELAY.getReceivedMessages()[0].getSubject());
    }
}
