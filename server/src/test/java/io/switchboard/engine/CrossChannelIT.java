package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Explanations;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-channel concurrency: what may be offered to an agent alongside what it holds. By default a call or a chat
 * keeps every other channel away (chats still come alongside chats), and emails held block nothing; an agent's
 * profile may let any channel come alongside a channel instead.
 */
@ExtendWith(TestRedis.class)
class CrossChannelIT {
    private final TestClock clock = new TestClock();
    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        String rules = Rules.SMALL.replaceFirst("wrapUpSeconds: 0", "wrapUpSeconds: 30"); // the support queue
        node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, rules)).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aCallKeepsChatsAndEmailsAwayUntilItsWrapUpHasEnded() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        assertEquals(new JsonObject().put("voice", "current_channel_only").put("chat", "current_channel_only")
                .put("email", "any_channel"), admin.get("/api/v1/agents/sam").json().getJsonObject("crossChannel"));
        Agents.available(sam, "sam");
        AgentSocket desk = sam.events("sam");
        String call = create("voice");
        accept(sam, desk.await("offer"));

        String chat = create("chat");
        clock.advance(Duration.ofSeconds(1)); // the chat waits longer
        String email = create("email");
        assertEquals("queued", status(chat), "no chat during a call");
        assertEquals("queued", status(email), "no email during a call");
        assertEquals("holds a voice contact (voice: current_channel_only)",
                Explanations.reason(admin, new JsonObject().put("channel", "chat"), "sam"));

        sam.post("/api/v1/interactions/" + call + "/wrapup", "{}").expect(200);
        clock.advance(Duration.ofSeconds(19));
        assertEquals("queued", status(chat), "nor during the call's wrap-up");

        clock.advance(Duration.ofSeconds(12));
        JsonObject chatOffer = desk.await("offer");
        assertEquals(chat, chatOffer.getString("interaction"), "the call's wrap-up over, the longest waiting comes");
        accept(sam, chatOffer);
        String secondChat = create("chat");
        assertEquals("reserved", status(secondChat), "chats come alongside a chat, up to its capacity");
        accept(sam, desk.await("offer"));
        assertEquals("queued", status(email), "no email alongside chats");

        for (String id : new String[] {chat, secondChat}) {
            sam.post("/api/v1/interactions/" + id + "/complete", new JsonObject().put("disposition", "resolved"))
                    .expect(200);
        }
        Await.until("the email offered once the chats are done", () -> "reserved".equals(status(email)));
    }

    @Test
    void anAgentSetToAnyChannelTakesChatsDuringACall() {
        admin.put("/api/v1/agents/ann", new JsonObject().put("skills", new JsonObject().put("support", 9))
                .put("pin", "1234").put("crossChannel", new JsonObject().put("voice", "any_channel"))).expect(200);
        Api ann = Agents.login(admin, "ann");
        assertEquals("any_channel", admin.get("/api/v1/agents/ann").json().getJsonObject("crossChannel")
                .getString("voice"));
        Agents.available(ann, "ann");
        AgentSocket desk = ann.events("ann");
        create("voice");
        accept(ann, desk.await("offer"));

        String chat = create("chat");
        JsonObject offer = desk.await("offer");
        assertEquals(chat, offer.getString("interaction"));
        assertEquals("chat", offer.getString("channel"));
    }

    @Test
    void emailsHeldBlockNoCall() {
        Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 9));
        Agents.available(sam, "sam");
        AgentSocket desk = sam.events("sam");
        create("email");
        accept(sam, desk.await("offer"));

        String call = create("voice");
        assertEquals(call, desk.await("offer").getString("interaction"));
    }

    @Test
    void anUnknownBehaviourIsRefusedAndTheAgentKept() {
        Agents.create(admin, "sam", new JsonObject().put("support", 9));
        String message = admin.put("/api/v1/agents/sam", new JsonObject().put("pin", "1234")
                .put("crossChannel", new JsonObject().put("voice", "sometimes"))).expect(400).json()
                .getString("message");
        assertTrue(message.contains("crossChannel.voice must be current_channel_only or any_channel"), message);
        assertEquals(9, admin.get("/api/v1/agents/sam").json().getJsonObject("skills").getInteger("support"));
    }

    private String create(String channel) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", channel)).expect(201).json()
                .getString("id");
    }

    private String status(String id) {
        return admin.get("/api/v1/interactions/" + id).expect(200).json().getString("status");
    }

    private static void accept(Api agent, JsonObject offer) {
        agent.post("/api/v1/reservations/" + offer.getString("reservation") + "/accept", "{}").expect(200);
    }
}
