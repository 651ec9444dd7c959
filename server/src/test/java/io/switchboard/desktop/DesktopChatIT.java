package io.switchboard.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Browser;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

/**
 * Chat in the agent desktop: two customers (real {@code /chat} WebSocket clients) with one agent in the
 * browser, who holds both chats at once in tabs, writes and reads in order, and sees the customer type.
 */
@ExtendWith(TestRedis.class)
class DesktopChatIT {
    private TestNode node;
    private Api admin;
    private Browser browser;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        browser = Browser.open();
        // support chats wrap up (SMALL skips wrap-up), so ending one opens its wrap-up form
        String rules = Rules.SMALL.replaceFirst("wrapUpSeconds: 0", "wrapUpSeconds: 120");
        node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, rules)).start();
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
    void anAgentChatsWithTwoCustomersInTabs() {
        Agents.create(admin, "ann", new JsonObject().put("support", 8), new JsonObject().put("chat", 3));
        browser.get(admin.base() + "/agent");
        browser.untilVisible("#login-agent").sendKeys("ann");
        browser.find("#login-pin").sendKeys("1234", Keys.ENTER);
        browser.untilAttribute("#connection", "data-status", "connected");
        browser.find("#go-available").click();
        browser.untilAttribute("#state", "data-state", "available");

        try (AgentSocket ada = admin.chat(); AgentSocket bea = admin.chat()) {
            String first = startChat(ada, "Ada", "ada@example.com");
            ada.send(say("hello from Ada"));
            acceptOffer(first);
            ada.await("agent_joined");
            // the agent is busy with one chat and is still offered the next: capacity 3
            String second = startChat(bea, "Bea", "bea@example.com");
            acceptOffer(second);
            bea.await("agent_joined");
            browser.until("two chat tabs", d -> d.findElements(By.cssSelector("#chat-tabs .chat-tab")).size() == 2);

            // Ada's tab was opened first and is on screen with the message she wrote before the agent came
            browser.untilText(chat(first) + " .message.from-customer .text", "hello from Ada");
            assertTrue(browser.find(chat(first) + " .identity.claimed").getText().contains("not verified"),
                    "no website vouches for the form's email");
            ada.send(new JsonObject().put("type", "typing"));
            browser.untilVisible(chat(first) + " .typing");

            WebElement composer = browser.find(chat(first) + " .composer");
            composer.sendKeys("hi Ada, how can I help?", Keys.ENTER);
            assertEquals("hi Ada, how can I help?", ada.await(m -> "chat_message".equals(m.getString("type")),
                    "agent message", Await.DEFAULT).getString("text"));
            Await.until("our typing reaches the customer", () -> ada.all().stream().anyMatch(m ->
                    "typing".equals(m.getString("type")) && "agent".equals(m.getString("from"))));
            ada.send(say("my parcel is late"));
            browser.until("Ada's answer", d -> texts(first).equals(
                    List.of("hello from Ada", "hi Ada, how can I help?", "my parcel is late")));

            // Bea writes while her tab is in the background: a badge counts it, opening the tab clears it
            bea.send(say("hi, I need an invoice"));
            bea.send(say("for October"));
            browser.untilText(tab(second) + " .badge", "2");
            browser.screenshot("agent-chats");
            browser.find(tab(second)).click();
            browser.until("badge cleared", d -> !browser.find(tab(second) + " .badge").isDisplayed());
            browser.find(chat(second) + " .composer").sendKeys("sure, one moment", Keys.ENTER);
            assertEquals("sure, one moment", bea.await(m -> "chat_message".equals(m.getString("type")),
                    "agent message", Await.DEFAULT).getString("text"));
            browser.until("Bea's tab", d -> texts(second).equals(
                    List.of("hi, I need an invoice", "for October", "sure, one moment")));

            // the transcript the server keeps is what both sides saw, in this order
            JsonArray stored = admin.get("/api/v1/interactions/" + first + "/messages").expect(200).array();
            assertEquals(List.of("hello from Ada", "hi Ada, how can I help?", "my parcel is late"),
                    stored.stream().map(m -> ((JsonObject) m).getString("text")).toList());

            // ending a chat goes to its wrap-up; the other chat stays open
            browser.find(chat(second) + " .end-chat").click();
            bea.await("ended");
            browser.untilAttribute("#work-list .card[data-interaction='" + second + "']", "data-status", "wrapping");
            browser.untilAttribute(tab(second), "data-status", "wrapping");
            browser.find("#work-list .card[data-interaction='" + second + "'] form.wrapup button[type=submit]").click();
            browser.until("one tab left", d -> d.findElements(By.cssSelector("#chat-tabs .chat-tab")).size() == 1);
            assertEquals("completed", admin.get("/api/v1/interactions/" + second).json().getString("status"));
            assertEquals("assigned", admin.get("/api/v1/interactions/" + first).json().getString("status"));
        }
    }

    /**
     * A supervisor writes two canned responses in the console (an unknown placeholder refused with its reason); the
     * agent inserts one from the chat's picker, filled in for the customer, and the other by typing /bye and Tab.
     */
    @Test
    void anAgentAnswersWithCannedResponsesTheConsoleWrote() {
        browser.get(admin.base() + "/supervisor");
        browser.untilVisible("#login-key").sendKeys("test-supervisor-key", Keys.ENTER);
        browser.untilAttribute("#connection", "data-status", "connected");
        saveResponse("greet", "Greeting", "Hello {name}!");
        browser.untilText("#notice", "save /greet: unknown placeholder {name}: use {customer}, {agent} or {case}");
        saveResponse("greet", "Greeting", "Hello {customer}, this is {agent}.");
        browser.untilText("#responses tr[data-response=greet] .response-text", "Hello {customer}, this is {agent}.");
        saveResponse("bye", "Goodbye", "Thank you, {customer}. Goodbye!");
        browser.untilVisible("#responses tr[data-response=bye]");

        Agents.create(admin, "ann", new JsonObject().put("support", 8), new JsonObject().put("chat", 3));
        browser.logInAgent(admin.base(), "ann");
        browser.find("#go-available").click();
        browser.untilAttribute("#state", "data-state", "available");
        try (AgentSocket ada = admin.chat()) {
            String id = startChat(ada, "Ada", "ada@example.com");
            acceptOffer(id);
            ada.await("agent_joined");
            browser.until("the responses listed", d -> d.findElements(By.cssSelector(
                    chat(id) + " select.responses option[value=greet]")).size() == 1);
            new org.openqa.selenium.support.ui.Select(browser.find(chat(id) + " select.responses")).selectByValue("greet");
            WebElement composer = browser.find(chat(id) + " .composer");
            assertEquals("Hello Ada, this is Agent ann.", composer.getDomProperty("value"));
            composer.sendKeys(Keys.ENTER);
            assertEquals("Hello Ada, this is Agent ann.", ada.await(m -> "chat_message".equals(m.getString("type")),
                    "agent message", Await.DEFAULT).getString("text"));
            composer.sendKeys("/bye", Keys.TAB);
            assertEquals("Thank you, Ada. Goodbye!", composer.getDomProperty("value"));
        }
    }

    /**
     * A supervisor opens the agent's chat from the console's agent table and follows it live; a whisper shows on the
     * agent's desktop only, a line to the customer reaches both; the agent's private note reaches the console, not the
     * customer.
     */
    @Test
    void aSupervisorWatchesAChatWhispersAndWritesToTheCustomer() {
        Agents.create(admin, "ann", new JsonObject().put("support", 8), new JsonObject().put("chat", 3));
        browser.logInAgent(admin.base(), "ann");
        browser.find("#go-available").click();
        browser.untilAttribute("#state", "data-state", "available");
        String desk = browser.driver().getWindowHandle();
        try (AgentSocket ada = admin.chat()) {
            String id = startChat(ada, "Ada", "ada@example.com");
            acceptOffer(id);
            ada.await("agent_joined");
            ada.send(say("where is my parcel?"));
            browser.untilText(chat(id) + " .message.from-customer .text", "where is my parcel?");

            browser.driver().switchTo().newWindow(WindowType.TAB);
            String console = browser.driver().getWindowHandle();
            browser.get(admin.base() + "/supervisor");
            browser.untilVisible("#login-key").sendKeys("test-supervisor-key", Keys.ENTER);
            browser.untilAttribute("#connection", "data-status", "connected");
            String held = "#agents tr[data-agent=ann] button.held[data-interaction='" + id + "']";
            browser.untilVisible(held);
            browser.click(held);
            String card = ".watched-chat[data-interaction='" + id + "']";
            browser.untilText(card + " .message.from-customer .text", "where is my parcel?");
            ada.send(say("it was due Monday"));
            browser.until("the customer's next line, live", d -> lines(card).contains("it was due Monday"));

            browser.find("#my-name").sendKeys("Sue");
            browser.find(card + " textarea").sendKeys("offer the voucher");
            browser.find(card + " button.whisper").click();
            browser.untilText(card + " .message.private.from-supervisor .who", "Sue (whisper)");
            browser.find(card + " textarea").sendKeys("Hello Ada, I am Sue, the team lead.");
            browser.find(card + " button.to-customer").click();
            JsonObject fromSue = ada.await(m -> "chat_message".equals(m.getString("type")), "the supervisor's line",
                    Await.DEFAULT);
            assertEquals("Hello Ada, I am Sue, the team lead.", fromSue.getString("text"));
            assertEquals("Sue", fromSue.getString("name"));
            browser.screenshot("supervisor-chat-watch");

            browser.driver().switchTo().window(desk);
            browser.untilText(chat(id) + " .message.private.from-supervisor .who", "Sue (to you)");
            browser.until("the supervisor's lines on the desktop", d -> texts(id).equals(List.of("where is my parcel?",
                    "it was due Monday", "offer the voucher", "Hello Ada, I am Sue, the team lead.")));
            browser.find(chat(id) + " .note-toggle").click();
            browser.find(chat(id) + " .composer").sendKeys("gold customer, second late parcel", Keys.ENTER);
            browser.untilText(chat(id) + " .message.private.from-agent .who", "You (note)");
            browser.screenshot("agent-chat-whisper");

            browser.driver().switchTo().window(console);
            browser.until("the agent's note on the console", d -> lines(card).contains("gold customer, second late parcel"));
            // a line to the customer after the note: had the note gone out, it would be ahead of this one
            browser.driver().switchTo().window(desk);
            browser.find(chat(id) + " .note-toggle").click();
            browser.find(chat(id) + " .composer").sendKeys("found it", Keys.ENTER);
            ada.await(m -> "found it".equals(m.getString("text")), "the agent's next line", Await.DEFAULT);
            assertEquals(List.of("Hello Ada, I am Sue, the team lead.", "found it"), ada.all().stream()
                    .filter(m -> "chat_message".equals(m.getString("type"))).map(m -> m.getString("text")).toList(),
                    "the customer read the supervisor's line only");
        }
    }

    private List<String> lines(String card) {
        return browser.driver().findElements(By.cssSelector(card + " .message .text"))
                .stream().map(e -> String.valueOf(e.getDomProperty("textContent"))).toList();
    }

    private void saveResponse(String code, String title, String text) {
        WebElement form = browser.find("#response-form");
        for (String[] field : new String[][] {{"code", code}, {"title", title}, {"text", text}}) {
            WebElement input = form.findElement(By.name(field[0]));
            input.clear();
            input.sendKeys(field[1]);
        }
        form.findElement(By.cssSelector("button[type=submit]")).click();
    }

    private String startChat(AgentSocket customer, String name, String email) {
        customer.send(new JsonObject().put("type", "start").put("name", name).put("email", email)
                .put("topic", "support").put("language", "en"));
        return customer.await("started").getString("interaction");
    }

    private void acceptOffer(String interaction) {
        browser.until("the offer of " + interaction, d -> {
            String reservation = admin.get("/api/v1/interactions/" + interaction).json().getString("reservationId");
            return reservation != null && reservation.equals(browser.find("#offer").getDomAttribute("data-reservation"));
        });
        browser.find("#accept").click();
        browser.untilAttribute(tab(interaction), "data-status", "assigned");
    }

    private List<String> texts(String interaction) {
        return browser.driver().findElements(By.cssSelector(chat(interaction) + " .message .text"))
                .stream().map(e -> String.valueOf(e.getDomProperty("textContent"))).toList();
    }

    private static String tab(String interaction) {
        return "#chat-tabs .chat-tab[data-interaction='" + interaction + "']";
    }

    private static String chat(String interaction) {
        return ".chat[data-interaction='" + interaction + "']";
    }

    private static JsonObject say(String text) {
        return new JsonObject().put("type", "message").put("text", text);
    }
}
