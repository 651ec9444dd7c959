package io.switchboard.desktop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.simulator.CallSpec;
import io.switchboard.simulator.CallerScript;
import io.switchboard.simulator.SimulatedAsterisk;
import io.switchboard.simulator.SimulatedCall;
import io.switchboard.simulator.SimulatorConfig;
import io.switchboard.simulator.pbx.Dialplan;
import io.switchboard.simulator.pbx.PhoneBehavior;
import io.switchboard.simulator.pbx.SoundLibrary;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Browser;
import io.switchboard.testing.Repo;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * The desktop's call controls on a real call: a simulated Asterisk (AMI and FastAGI) rings the agent's phone,
 * and the page drives hold and the warm transfer through the server, showing what the call is doing.
 */
@ExtendWith(TestRedis.class)
class DesktopCallIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private SimulatedAsterisk asterisk;
    private TestNode node;
    private Api admin;
    private Browser browser;

    @BeforeEach
    void start(TestRedis redis) throws IOException {
        browser = Browser.open();
        int agiPort = freePort();
        String snippet = Files.readString(Repo.root().resolve("config/asterisk/extensions.conf"))
                .replace("PJSIP/${EXTEN}@trunk", "Local/${EXTEN}@customers")
                .replace("PJSIP/${EXTEN}", "Local/${EXTEN}@agents") // the simulator's phones are Local channels
                + "\n[customers]\nexten => _X.,1,Answer()\n same => n,Wait(30)\n";
        asterisk = SimulatedAsterisk.start(SimulatorConfig.defaults().agiPort(agiPort).timeScale(10)
                .sounds(SoundLibrary.all(Duration.ofMillis(300)))
                .dialplan(Dialplan.defaults().append(snippet).global("SB_AGI", "127.0.0.1:" + agiPort)));
        node = TestNode.on(redis, redis.newPrefix()).rules(Repo.root().resolve("routing-rules"))
                .env("SWITCHBOARD_AGI_PORT", Integer.toString(agiPort))
                .env("SWITCHBOARD_AMI_URLS", "ami://cti:ctisecret@127.0.0.1:" + asterisk.amiPort() + "/pbx1")
                .start();
        admin = node.api();
        Await.until("AMI connected", WAIT, () -> admin.get("/metrics").body()
                .contains("switchboard_ami_connected{asterisk=\"pbx1\"} 1.0"));
    }

    @AfterEach
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (node != null) {
                node.close();
            }
            if (asterisk != null) {
                asterisk.close();
            }
        }
    }

    /**
     * Amy holds and resumes her caller (one button, showing what the call is doing), consults Bob and cancels,
     * then consults him again and completes the transfer: the caller is Bob's, and Amy's card is gone.
     */
    @Test
    void anAgentHoldsConsultsAndHandsTheCallerOverFromTheDesktop() throws Exception {
        asterisk.agentPhone("131", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        asterisk.agentPhone("132", PhoneBehavior.answersAfter(Duration.ofSeconds(1), Duration.ofMinutes(10)));
        agent("amy", "131");
        Api bob = agent("bob", "132");
        bob.post("/api/v1/agents/bob/state", new JsonObject().put("state", "away")).expect(200); // amy's caller
        logIn("amy");
        SimulatedCall caller = asterisk.placeCall(CallSpec.create().from("15551230090", "Ann Caller")
                .context("switchboard-inbound").dialing("8000").script(CallerScript.create().press("2"))
                .patience(Duration.ofMinutes(10)));
        browser.untilAttribute("#work-list .card", "data-status", "assigned");
        String card = "#work-list .card";
        assertEquals(0, count(card + " .unhold"), "not on hold: no Resume");

        click(card + " .hold");
        browser.untilVisible(card + " .unhold");
        assertEquals(0, count(card + " .hold"), "on hold: no Hold");
        click(card + " .unhold");
        browser.untilVisible(card + " .hold");
        assertEquals(0, count(card + " .unhold"));

        Agents.available(bob, "bob");
        click(card + " .transfer-target");
        browser.until("bob listed", d -> !d.findElements(By.cssSelector(
                card + " .transfer-target option[value='agent:bob']")).isEmpty());
        new Select(browser.find(card + " .transfer-target")).selectByValue("agent:bob");
        click(card + " .consult");
        browser.untilText(card + " .consulting span", "Consulting bob");
        assertEquals("busy", Agents.state(admin, "bob"), "bob is on the phone with amy");
        click(card + " .cancel-consult");
        browser.untilVisible(card + " .do-transfer");
        Await.until("bob free again", WAIT, () -> "available".equals(Agents.state(admin, "bob")));

        new Select(browser.find(card + " .transfer-target")).selectByValue("agent:bob");
        click(card + " .consult");
        browser.untilVisible(card + " .complete-consult");
        click(card + " .complete-consult");
        browser.untilText("#work-list .empty", "Nothing assigned.");
        Await.until("bob has the caller", WAIT, () -> "busy".equals(Agents.state(admin, "bob"))
                && admin.get("/api/v1/agents/bob").json().getJsonArray("interactions").size() == 1);
        assertTrue(!caller.isEnded(), "the caller is still on the line");
    }

    private Api agent(String id, String extension) {
        admin.put("/api/v1/agents/" + id, new JsonObject().put("skills", new JsonObject().put("support", 9))
                .put("pin", "1234").put("endpoint", "Local/" + extension + "@agents")).expect(200);
        Api agent = Agents.login(admin, id);
        Agents.available(agent, id);
        return agent;
    }

    private void logIn(String agentId) {
        browser.get(admin.base() + "/agent");
        browser.untilVisible("#login-agent").sendKeys(agentId);
        browser.find("#login-pin").sendKeys("1234", Keys.ENTER);
        browser.untilAttribute("#connection", "data-status", "connected");
    }

    /** Clicks, looking again if the card was redrawn (each action re-reads and redraws the held work). */
    private void click(String css) {
        browser.until("click " + css, d -> {
            browser.find(css).click();
            return true;
        });
    }

    private int count(String css) {
        return browser.driver().findElements(By.cssSelector(css)).size();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
