package io.switchboard.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.switchboard.store.redis.RedisConnection;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.Await;
import io.switchboard.testing.Rules;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep's safety net: a contact left waiting while an agent is free for it (a match that the offers made at each
 * change missed, here an agent made free in Redis by a writer that made no offer, as a node of an older version
 * could) is offered within about a second, and counted; a contact its only free agent refused stays waiting.
 */
@ExtendWith(TestRedis.class)
class RematchIT {
    private static final String REMATCHED = "switchboard_routing_rematched_total";

    private TestRedis redis;
    private RedisKeys keys;
    private TestNode node;
    private Api admin;

    @BeforeEach
    void start(TestRedis redis, @TempDir Path temp) {
        this.redis = redis;
        String prefix = redis.newPrefix();
        keys = RedisKeys.of(prefix);
        node = TestNode.on(redis, prefix).rules(Rules.folder(temp, Rules.SMALL)).start();
        admin = node.api();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aContactWaitingWhileItsAgentIsFreeIsOfferedBySweep() throws Exception {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
        AgentSocket desk = ann.events("ann");
        String chat = create();
        assertEquals("queued", status(chat), "ann is offline");
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            var commands = connection.commands();
            String pool = commands.smembers(keys.agent("ann") + ":lines").get(5, TimeUnit.SECONDS).stream()
                    .filter(line -> line.startsWith("chat|") && !line.startsWith("chat|@")).findFirst().orElseThrow().substring(5);
            commands.hset(keys.agent("ann"), "presence", "available").get(5, TimeUnit.SECONDS);
            commands.zadd(keys.poolAvailable(pool, "chat"), 1.0, "ann").get(5, TimeUnit.SECONDS);
        }

        JsonObject offer = desk.await("offer", Duration.ofSeconds(5));
        assertEquals(chat, offer.getString("interaction"));
        assertEquals("reserved", status(chat));
        Await.until("the missed match counted", () -> counter() == 1.0);
    }

    @Test
    void aContactItsOnlyFreeAgentRefusedIsNotOfferedAgain() {
        Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 5));
        AgentSocket desk = ann.events("ann");
        Agents.available(ann, "ann");
        String chat = create();
        String reservation = desk.await("offer").getString("reservation");
        ann.post("/api/v1/reservations/" + reservation + "/reject", new JsonObject()).expect(200);
        assertEquals("available", Agents.state(admin, "ann"));

        // skipped for the refused contact until its reoffer (10 s): the sweeps in between leave it waiting
        Await.holds("the refused chat waits", Duration.ofSeconds(3), () -> "queued".equals(status(chat)));
        assertEquals(0.0, counter());
        assertEquals(1, desk.all().stream().filter(e -> "offer".equals(e.getString("type"))).count(),
                () -> "offered once: " + desk.all());
    }

    private String create() {
        return admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")).expect(201).json()
                .getString("id");
    }

    private String status(String id) {
        return admin.get("/api/v1/interactions/" + id).expect(200).json().getString("status");
    }

    private double counter() {
        return admin.get("/metrics").expect(200).body().lines().filter(l -> l.startsWith(REMATCHED + " "))
                .findFirst().map(l -> Double.parseDouble(l.substring(REMATCHED.length() + 1).trim())).orElseThrow();
    }
}
