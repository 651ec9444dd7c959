package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Callback dial jobs on a real Redis, as routing writes them with an accept (pending, due in 5 s): one node takes a job
 * for a send, never two; a send that did nothing gives it back; one still sending at its deadline is dropped, not sent
 * again; the agent's "call again" waits for the last dial to end, and a late answer for an earlier dial ends nothing.
 */
@ExtendWith(TestRedis.class)
class CallbackDialStoreIT {
    private static final Duration DIALLED_FOR = Duration.ofSeconds(45);
    private Vertx vertx;
    private RedisConnection connection;
    private RedisKeys keys;
    private CallbackDialStore jobs;

    @BeforeEach
    void start(TestRedis redis) {
        vertx = Vertx.vertx();
        connection = RedisConnection.connect(redis.uri());
        keys = RedisKeys.of(redis.newPrefix());
        jobs = new CallbackDialStore(new RoutingStore(vertx, connection, keys, InstantSource.system(),
                Duration.ofSeconds(15), 3, 0, 0, Duration.ZERO));
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    /** What router.lua's dial_job writes with the accept. */
    private void accepted(String id, long dueMs) {
        var redis = connection.commands();
        redis.hset(keys.callbackDials() + ":" + id, Map.of("state", "pending", "tries", "0")).toCompletableFuture().join();
        redis.zadd(keys.callbackDials(), dueMs, id).toCompletableFuture().join();
    }

    @Test
    void aJobIsTakenForOneSendByOneNode() throws Exception {
        accepted("cb1", 5_000);
        assertTrue(await(jobs.take("cb1", "sbcb-a", 45_000, DIALLED_FOR, false)), "the committing node takes it");
        assertFalse(await(jobs.take("cb1", "sbcb-b", 45_000, DIALLED_FOR, false)), "not twice");
        assertEquals(List.of(), await(jobs.claimDue(44_999, 90_000, "s", DIALLED_FOR, 10)), "sending: not due");
        assertEquals("cb1", await(jobs.dialledOn("sbcb-a")), "its channel names it, once");
        assertNull(await(jobs.dialledOn("sbcb-a")));
        await(jobs.end("cb1", "sbcb-a"));
        assertEquals(List.of(), await(jobs.claimDue(Long.MAX_VALUE / 2, 0, "s", DIALLED_FOR, 10)), "ended: gone");
    }

    @Test
    void aJobNobodyTookIsSentBySweepsUntilASendDoesSomething() throws Exception {
        accepted("cb2", 5_000); // the node that committed the accept died
        assertEquals(List.of(), await(jobs.claimDue(4_999, 50_000, "s", DIALLED_FOR, 10)));
        List<CallbackDialStore.Taken> first = await(jobs.claimDue(5_000, 50_000, "s1", DIALLED_FOR, 10));
        assertEquals(List.of(new CallbackDialStore.Taken("cb2", "sbcb-s1-1", 1)), first);
        assertEquals("cb2", await(jobs.dialledOn("sbcb-s1-1")));
        assertFalse(await(jobs.take("cb2", "sbcb-x", 50_000, DIALLED_FOR, false)), "taken by that sweep");
        await(jobs.release("cb2", "sbcb-s1-1", 10_000)); // the link was down: nothing was sent
        assertEquals(List.of(), await(jobs.claimDue(9_999, 60_000, "s", DIALLED_FOR, 10)));
        assertEquals(List.of(new CallbackDialStore.Taken("cb2", "sbcb-s2-1", 2)),
                await(jobs.claimDue(10_000, 60_000, "s2", DIALLED_FOR, 10)));
        await(jobs.release("cb2", "sbcb-s1-1", 0)); // a late word about the earlier send changes nothing
        assertEquals(List.of(), await(jobs.claimDue(59_999, 0, "s", DIALLED_FOR, 10)), "still sending");
    }

    @Test
    void aJobStillSendingAtItsDeadlineIsDroppedNotSentAgain() throws Exception {
        accepted("cb3", 5_000);
        await(jobs.take("cb3", "sbcb-a", 45_000, DIALLED_FOR, false));
        List<CallbackDialStore.Taken> due = await(jobs.claimDue(45_000, 90_000, "s", DIALLED_FOR, 10));
        assertEquals(1, due.size());
        assertTrue(due.get(0).unconfirmed(), due.toString());
        assertEquals(List.of(), await(jobs.claimDue(Long.MAX_VALUE / 2, 0, "s", DIALLED_FOR, 10)), "dropped");
    }

    @Test
    void callingAgainWaitsForTheLastDialToEnd() throws Exception {
        accepted("cb4", 5_000);
        assertFalse(await(jobs.take("cb4", "sbcb-b", 45_000, DIALLED_FOR, true)), "a dial waits to be sent");
        await(jobs.take("cb4", "sbcb-a", 45_000, DIALLED_FOR, false));
        assertFalse(await(jobs.take("cb4", "sbcb-b", 45_000, DIALLED_FOR, true)), "it is being sent or rings");
        await(jobs.end("cb4", "sbcb-other"));
        assertFalse(await(jobs.take("cb4", "sbcb-b", 45_000, DIALLED_FOR, true)), "another dial's answer ends nothing");
        await(jobs.end("cb4", "sbcb-a"));
        assertTrue(await(jobs.take("cb4", "sbcb-b", 45_000, DIALLED_FOR, true)), "answered for: the agent may call again");
        assertEquals("cb4", await(jobs.dialledOn("sbcb-b")));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(5, TimeUnit.SECONDS);
    }
}
