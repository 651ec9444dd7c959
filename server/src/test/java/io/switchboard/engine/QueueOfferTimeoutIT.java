package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestClock;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue's {@code offerTimeoutSeconds}: an email may ring on a desktop for a minute where a call gets the node's
 * 15 s. The offer says so (the desktop's countdown), and the timer keeps to it.
 */
@ExtendWith(TestRedis.class)
class QueueOfferTimeoutIT {
    private static final String RULES = """
            queues:
              support:
                members: '"support" in agent.skills'
                channels: [voice]
                wrapUpSeconds: 0
              email:
                members: '"email" in agent.skills'
                channels: [email]
                offerTimeoutSeconds: 60
                wrapUpSeconds: 0
            workflow: default
            filters:
              - match: 'channel == "email"'
                steps:
                  - queue: email
            default:
              steps:
                - queue: support
            """;

    private final TestClock clock = new TestClock();

    @Test
    void anEmailOfferWaitsItsQueuesMinuteWhereACallWaitsTheNodesDefault(TestRedis redis, @TempDir Path temp) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).clock(clock).rules(Rules.folder(temp, RULES))
                .start()) {
            Api admin = node.api();
            Api ivy = Agents.create(admin, "ivy", new JsonObject().put("email", 8));
            Api sam = Agents.create(admin, "sam", new JsonObject().put("support", 8));
            Agents.available(ivy, "ivy");
            Agents.available(sam, "sam");
            AgentSocket ivyDesk = ivy.events("ivy");
            AgentSocket samDesk = sam.events("sam");

            assertEquals(60, admin.post("/api/v1/routing/explain", new JsonObject().put("channel", "email")).expect(200)
                    .json().getJsonArray("steps").getJsonObject(0).getInteger("offerTimeoutSeconds"));
            String email = create(admin, "email");
            JsonObject emailOffer = ivyDesk.await("offer");
            assertEquals(60_000, emailOffer.getLong("timeoutMs"));
            assertEquals(clock.millis() + 60_000, emailOffer.getLong("expiresAt"));
            create(admin, "voice");
            assertEquals(15_000, samDesk.await("offer").getLong("timeoutMs"), "the node's default");

            clock.advance(Duration.ofSeconds(16));
            Await.until("the call's offer timed out", () -> "away".equals(Agents.state(admin, "sam"))
                    || admin.get("/api/v1/agents/sam").json().getInteger("missedOffers") == 1);
            assertEquals("reserved", status(admin, email), "the email's offer still open after 16 s");
            assertEquals(0, admin.get("/api/v1/agents/ivy").json().getInteger("missedOffers"));

            clock.advance(Duration.ofSeconds(45));
            Await.until("the email's offer timed out after its minute",
                    () -> admin.get("/api/v1/agents/ivy").json().getInteger("missedOffers") == 1);
            assertEquals("queued", status(admin, email));
        }
    }

    private static String create(Api admin, String channel) {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", channel)).expect(201).json()
                .getString("id");
    }

    private static String status(Api admin, String id) {
        return admin.get("/api/v1/interactions/" + id).expect(200).json().getString("status");
    }
}
