package io.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Browser;
import io.switchboard.testing.Chats;
import io.switchboard.testing.Repo;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * The chat widget in Chromium across what a customer's browser does to it: a reload resumes the chat (same chat, its
 * transcript shown again), a chat that ended while the page was away comes back ended with its rating, and a start the
 * server refuses brings the form back with what was typed in it and why.
 */
@ExtendWith(TestRedis.class)
class ChatWidgetIT {

    @Test
    void aReloadResumesTheSameChatWithItsTranscript(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).start();
             Browser browser = Browser.open()) {
            Api ann = Agents.create(node.api(), "ann", new JsonObject().put("support", 5));
            String id = startAndAnswer(node, browser, ann);

            browser.driver().navigate().refresh();
            browser.until("the transcript again", d -> browser.text("#log").contains("where is my parcel?")
                    && browser.text("#log").contains("It left this morning."));
            assertFalse(browser.find("#form").isDisplayed(), "no new chat form after a reload");
            browser.find("#text").sendKeys("thanks!", Keys.ENTER);
            browser.until("the line reaches the same chat", d -> ann.get("/api/v1/interactions/" + id + "/messages")
                    .expect(200).body().contains("thanks!"));
            ann.post("/api/v1/interactions/" + id + "/messages", new JsonObject().put("text", "You are welcome."))
                    .expect(200);
            browser.until("the agent's next line", d -> browser.text("#log").contains("You are welcome."));
            assertEquals(1, node.api().get("/api/v1/agents/ann").expect(200).json().getJsonArray("interactions").size(),
                    "one chat, resumed, not a second one started");
        }
    }

    @Test
    void aChatThatEndedWhileThePageWasAwayComesBackEndedWithItsRating(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).start();
             Browser browser = Browser.open()) {
            Api ann = Agents.create(node.api(), "ann", new JsonObject().put("support", 5));
            String id = startAndAnswer(node, browser, ann);

            browser.get("about:blank"); // the widget's socket closes without a leave
            ann.post("/api/v1/interactions/" + id + "/wrapup", "{}").expect(200);
            browser.get(node.api().base() + "/chat/"); // same tab: its sessionStorage still has the chat's token
            browser.until("the ended chat", d -> browser.text("#log").endsWith("The chat has ended."));
            assertTrue(browser.text("#log").contains("It left this morning."), browser.text("#log"));
            assertFalse(browser.find("#text").isEnabled(), "nothing more to write");
            browser.untilVisible("#scores button").click();
            browser.untilText("#scores", "Thank you for your feedback!");

            browser.driver().navigate().refresh(); // over: a reload offers a new chat
            browser.untilVisible("#name");
        }
    }

    @Test
    void aRefusedStartShowsTheFormAgainWithWhy(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL))
                .env("SWITCHBOARD_CHAT_IDENTITY_SECRET", "site-secret-0123456789").start();
             Browser browser = Browser.open()) {
            // signed by a site with another secret: identity_invalid, nothing queued
            browser.get(node.api().base() + "/chat/#name=Ada&email=ada%40example.com&identityHash=" + "ab".repeat(32));
            browser.untilVisible("#name");
            browser.click("#form button[type=submit]");
            browser.untilText("#form-error", "the identity's signature does not match its email");
            assertTrue(browser.find("#form").isDisplayed());
            assertFalse(browser.find("#chat").isDisplayed());
            assertEquals("Ada", browser.find("#name").getDomProperty("value"), "what the customer typed stays");
            assertEquals(0, node.api().get("/api/v1/queues/support/waiting").expect(200).array().size());
        }
    }

    /**
     * The topic picked in the form routes the chat as the IVR's choice routes a call (the shipped workflows read the
     * intent): a Billing chat waits in billing. Left before any agent answered, it asks for no rating and offers no
     * transcript, which the server would refuse for a chat nobody served.
     */
    @Test
    void theTopicPickedRoutesTheChatAndAnUnansweredChatAsksNoRating(TestRedis redis) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Repo.root().resolve("routing-rules")).start();
             Browser browser = Browser.open()) {
            browser.get(node.api().base() + "/chat/");
            browser.untilVisible("#name").sendKeys("Ada");
            browser.find("#email").sendKeys("ada@example.com");
            new Select(browser.find("#topic")).selectByValue("billing");
            browser.click("#form button[type=submit]");
            browser.until("in line", d -> browser.text("#status").startsWith("You are number"));
            JsonArray billing = node.api().get("/api/v1/queues/billing/waiting").expect(200).array();
            assertEquals(1, billing.size(), "the billing line: " + billing.encode());
            String id = billing.getJsonObject(0).getString("id");
            assertEquals("billing", node.api().get("/api/v1/interactions/" + id).expect(200).json()
                    .getJsonObject("attributes").getString("intent"));

            browser.click("#leave");
            browser.until("the ended chat", d -> browser.text("#log").endsWith("The chat has ended."));
            assertEquals("abandoned", node.api().get("/api/v1/interactions/" + id).expect(200).json().getString("status"));
            assertFalse(browser.find("#rate").isDisplayed(), "no rating or transcript for a chat nobody answered");
            assertFalse(browser.find("#leave").isDisplayed(), "nothing left to end");
        }
    }

    /** Ada starts a chat in the widget and writes; Ann takes it and answers. The chat's interaction id. */
    private static String startAndAnswer(TestNode node, Browser browser, Api ann) {
        browser.get(node.api().base() + "/chat/");
        browser.untilVisible("#name").sendKeys("Ada");
        browser.find("#email").sendKeys("ada@example.com", Keys.ENTER);
        browser.until("in line", d -> browser.text("#status").startsWith("You are number"));
        browser.find("#text").sendKeys("where is my parcel?", Keys.ENTER);
        String id = Chats.take(ann, "ann");
        ann.post("/api/v1/interactions/" + id + "/messages", new JsonObject().put("text", "It left this morning."))
                .expect(200);
        browser.until("the answer shown", d -> browser.text("#log").contains("It left this morning."));
        return id;
    }
}
