package io.switchboard.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator's chat and email customers (real /chat WebSockets and SMTP) reach the node, and the demo's
 * simulated desktops (real agent WebSocket and HTTP) answer them: the traffic the demo shows beside calls.
 */
@ExtendWith(TestRedis.class)
class DemoContactsIT {
    @Test
    void simulatedCustomersChatAndEmailAndTheDeskAnswersThem(TestRedis redis, @TempDir Path temp) throws Exception {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).rules(Rules.folder(temp, Rules.SMALL)).start()) {
            Api admin = node.api();
            // one desk for both: emails may come alongside its chats (each chat is held 45 s)
            admin.put("/api/v1/agents/ann", new JsonObject().put("skills", new JsonObject().put("support", 9))
                    .put("pin", "1234").put("crossChannel", new JsonObject().put("chat", "any_channel"))).expect(200);
            Api ann = Agents.login(admin, "ann");
            Agents.available(ann, "ann");
            try (AutoCloseable contacts = DemoFloor.startContacts(node.server().httpPort(), node.server().smtpPort(),
                    List.of("ann"), 120, 120)) {
                Await.until("a simulated chat answered by the desk", Duration.ofSeconds(30),
                        () -> counter(admin, "switchboard_queue_answered_total", "chat") >= 1);
                Await.until("a simulated email answered by the desk", Duration.ofSeconds(30),
                        () -> counter(admin, "switchboard_queue_answered_total", "email") >= 1);
            }
            assertTrue(counter(admin, "switchboard_queue_offered_total", "chat") >= 1);
            assertTrue(admin.get("/metrics").expect(200).body().contains("switchboard_emails_received_total"));
        }
    }

    /** The sum of a counter's series for one channel. */
    private static double counter(Api admin, String name, String channel) {
        return admin.get("/metrics").expect(200).body().lines()
                .filter(l -> l.startsWith(name + "{") && l.contains("channel=\"" + channel + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
