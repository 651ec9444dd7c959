package io.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Chats;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Supervisors in agents' chats: a console watches a chat held on another node, sees both sides and the agent's
 * private notes, whispers to the agent (the customer never reads it, not even in a resume's replay) and writes to the
 * customer under their own name.
 */
@ExtendWith(TestRedis.class)
class ChatSupervisionIT {

    private static JsonObject say(String text) {
        return new JsonObject().put("type", "message").put("text", text);
    }

    private static JsonObject watch(String type, String interaction) {
        return new JsonObject().put("type", type).put("interaction", interaction);
    }

    private static JsonObject line(AgentSocket socket, String text) {
        return socket.await(m -> "chat_message".equals(m.getString("type")) && text.equals(m.getString("text")),
                "chat_message '" + text + "'", Await.DEFAULT);
    }

    private static List<String> customerTexts(AgentSocket customer) {
        return customer.all().stream().filter(m -> "chat_message".equals(m.getString("type")))
                .map(m -> m.getString("text")).toList();
    }

    @Test
    void aSupervisorOnAnotherNodeWatchesAChatWhispersToTheAgentAndWritesToTheCustomer(TestRedis redis,
                                                                                      @TempDir Path temp) {
        String prefix = redis.newPrefix();
        Path rules = Rules.folder(temp, Rules.SMALL);
        try (TestNode nodeA = TestNode.on(redis, prefix).rules(rules).start();
             TestNode nodeB = TestNode.on(redis, prefix).rules(rules).start()) {
            Api ann = Agents.create(nodeA.api(), "ann", new JsonObject().put("support", 5));
            Api supervisor = nodeB.api().as("test-supervisor-key");
            try (AgentSocket desk = ann.events("ann"); AgentSocket customer = nodeA.api().chat();
                 AgentSocket console = supervisor.supervisorEvents()) {
                String id = Chats.start(customer, "Ada", "ada@example.com").getString("interaction");
                console.send(watch("watch", id));
                assertEquals(id, console.await("watching").getString("interaction"));
                customer.send(say("hello?"));
                assertNull(line(console, "hello?").getValue("agent"), "a waiting chat's line is watched too");
                Agents.available(ann, "ann");
                ann.post("/api/v1/reservations/" + desk.await("offer").getString("reservation") + "/accept", "{}")
                        .expect(200);
                customer.await("agent_joined");

                customer.send(say("where is my parcel?"));
                assertEquals("customer", line(console, "where is my parcel?").getString("from"));
                ann.post("/api/v1/interactions/" + id + "/messages", new JsonObject().put("text", "checking")).expect(200);
                assertEquals("ann", line(console, "checking").getString("agentId"));

                // the agent's private note: the transcript and the console have it, the customer does not
                JsonObject note = ann.post("/api/v1/interactions/" + id + "/messages",
                        new JsonObject().put("text", "courier lost it, 2nd time").put("private", true)).expect(200).json();
                assertEquals(4, note.getInteger("seq"));
                assertTrue(line(console, "courier lost it, 2nd time").getBoolean("private"));

                // a whisper reaches the agent's desktop only
                supervisor.post("/api/v1/interactions/" + id + "/messages", new JsonObject()
                        .put("text", "offer a voucher").put("private", true).put("name", "Sue")).expect(200);
                JsonObject whisper = line(desk, "offer a voucher");
                assertEquals("supervisor", whisper.getString("from"));
                assertEquals("Sue", whisper.getString("name"));
                assertTrue(whisper.getBoolean("private"));
                line(console, "offer a voucher");

                // a line to the customer under the supervisor's name, which the agent sees in the chat too
                supervisor.post("/api/v1/interactions/" + id + "/messages", new JsonObject()
                        .put("text", "I am Sue, the team lead.").put("name", "Sue")).expect(200);
                JsonObject toCustomer = line(customer, "I am Sue, the team lead.");
                assertEquals("supervisor", toCustomer.getString("from"));
                assertEquals("Sue", toCustomer.getString("name"));
                assertNull(toCustomer.getValue("agent"), "the customer is not told agent ids");
                // "checking" went before on the same channel, so it is there by now
                List<JsonObject> checking = customer.all().stream().filter(m -> "checking".equals(m.getString("text")))
                        .toList();
                assertEquals(1, checking.size());
                assertNull(checking.get(0).getValue("agentId"), "nor on the agent's lines");
                assertFalse(toCustomer.containsKey("private"));
                assertEquals("Sue", line(desk, "I am Sue, the team lead.").getString("name"));
                line(console, "I am Sue, the team lead.");
                assertEquals(List.of("checking", "I am Sue, the team lead."), customerTexts(customer),
                        "neither the note nor the whisper reached the customer");

                JsonArray transcript = ann.get("/api/v1/interactions/" + id + "/messages").expect(200).array();
                assertEquals(6, transcript.size());
                assertEquals(List.of(false, false, false, true, true, false), transcript.stream()
                        .map(m -> ((JsonObject) m).getBoolean("private", false)).toList());

                // the customer's connection drops; the replay on the other node leaves the private lines out
                String token = customer.all().stream().filter(m -> "started".equals(m.getString("type"))).findFirst()
                        .orElseThrow().getString("token");
                customer.abort();
                try (AgentSocket again = nodeB.api().chat()) {
                    again.send(new JsonObject().put("type", "resume").put("token", token));
                    again.await("resumed");
                    line(again, "I am Sue, the team lead.");
                    assertEquals(List.of("hello?", "where is my parcel?", "checking", "I am Sue, the team lead."),
                            customerTexts(again));

                    // stopped watching: the customer, now on the console's node, reads a later line of the agent's
                    // after the customer's own went by there, and the console got neither
                    console.send(watch("unwatch", id));
                    console.await("unwatched");
                    again.send(say("thanks"));
                    line(desk, "thanks");
                    ann.post("/api/v1/interactions/" + id + "/messages", new JsonObject().put("text", "bye")).expect(200);
                    line(again, "bye");
                    // watched again, a later line comes: had the two before it been delivered, they would be ahead
                    console.send(watch("watch", id));
                    console.await("watching");
                    ann.post("/api/v1/interactions/" + id + "/messages", new JsonObject().put("text", "marker"))
                            .expect(200);
                    line(console, "marker");
                    assertFalse(console.all().stream().map(m -> m.getString("text", ""))
                                    .anyMatch(text -> text.equals("thanks") || text.equals("bye")),
                            "an unwatched chat's lines reached the console");
                }
                String metrics = nodeB.api().get("/metrics").expect(200).body();
                assertTrue(metrics.contains("switchboard_chat_supervisor_messages_total{kind=\"whisper\"} 1.0"), metrics);
                assertTrue(metrics.contains("switchboard_chat_supervisor_messages_total{kind=\"message\"} 1.0"), metrics);
            }
        }
    }

    @Test
    void writingInAChatIsRefusedWithReasons(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).start()) {
            Api admin = node.api();
            Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
            Api bob = Agents.create(admin, "bob", new JsonObject().put("support", 5));
            try (AgentSocket customer = admin.chat(); AgentSocket console = admin.supervisorEvents()) {
                String id = Chats.start(customer, "Ada", "ada@example.com").getString("interaction");
                String path = "/api/v1/interactions/" + id + "/messages";
                assertEquals(409, admin.post(path, new JsonObject().put("text", "hello?")).status(),
                        "nobody holds the chat yet: nobody to whisper to");
                Chats.take(ann, "ann");
                customer.await("agent_joined");

                assertEquals(400, admin.post(path, new JsonObject().put("text", "x").put("private", "yes")).status());
                assertEquals(400, admin.post(path, new JsonObject().put("text", "x").put("name", "Sue\nBcc: x")).status());
                assertEquals(400, admin.post(path, new JsonObject().put("text", "  ")).status());
                assertEquals(403, bob.post(path, new JsonObject().put("text", "x").put("private", true)).status(),
                        "a note is written by the agent holding the chat");
                JsonObject call = admin.post("/api/v1/interactions", new JsonObject().put("channel", "voice")).expect(201).json();
                assertEquals(422, admin.post("/api/v1/interactions/" + call.getString("id") + "/messages",
                        new JsonObject().put("text", "x")).status());
                assertEquals(0, ann.get(path).expect(200).array().size(), "nothing refused was kept");

                console.send(new JsonObject().put("type", "watch"));
                assertTrue(console.await("error").getString("message").contains("interaction"));
                console.send(new JsonObject().put("type", 5).put("interaction", "I-1"));
                assertTrue(console.await("error").getString("message").startsWith("unknown frame type"));
                console.send(watch("watch", "I-nobody"));
                assertEquals("no interaction I-nobody", console.await("error").getString("message"));
                console.send(watch("watch", call.getString("id")));
                assertTrue(console.await("error").getString("message").startsWith("only a chat can be watched"));
                List<String> chats = new ArrayList<>();
                for (int i = 0; i < 21; i++) {
                    chats.add(admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201)
                            .json().getString("id"));
                }
                for (int i = 0; i < 20; i++) {
                    console.send(watch("watch", chats.get(i)));
                    console.await("watching");
                }
                console.send(watch("watch", chats.get(20)));
                JsonObject refused = console.await("error");
                assertTrue(refused.getString("message").contains("at most 20"));
                assertEquals(chats.get(20), refused.getString("interaction"));
                console.send(watch("watch", chats.get(7)));
                assertEquals(chats.get(7), console.await("watching").getString("interaction"), "one watched already is fine");
            }
        }
    }
}
