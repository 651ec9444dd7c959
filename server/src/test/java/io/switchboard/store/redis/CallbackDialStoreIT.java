package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Callback dial jobs on a real Redis: a job not sent by its deadline is claimed by one sweep and counts a try; one sent
 * waits for Asterisk's answer, and past that it is dropped (not dialled again); the agent's "call again" is refused
 * while the last dial rings.
 */
@ExtendWith(TestRedis.class)
class CallbackDialStoreIT {
    private Vertx vertx;
    private RedisConnection connection;
    private CallbackDialStore jobs;

    @BeforeEach
    void start(TestRedis redis) {
        vertx = Vertx.vertx();
        connection = RedisConnection.connect(redis.uri());
        jobs = new CallbackDialStore(new RoutingStore(vertx, connection, RedisKeys.of(redis.newPrefix()),
                InstantSource.system(), Duration.ofSeconds(15), 3, 0, 0, Duration.ZERO));
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    @Test
    void aJobNotSentByItsDeadlineIsClaimedOnceAndCountsATry() throws Exception {
        assertTrue(await(jobs.begin("cb1", 1_000, false)));
        assertEquals(List.of(), await(jobs.claimDue(999, 6_000, 10)), "not due yet");
        assertEquals(List.of(new CallbackDialStore.Due("cb1", 2)), await(jobs.claimDue(1_000, 6_000, 10)));
        assertEquals(List.of(), await(jobs.claimDue(5_999, 11_000, 10)), "claimed: due again only at 6,000");
        assertEquals(List.of(new CallbackDialStore.Due("cb1", 3)), await(jobs.claimDue(6_000, 11_000, 10)));
        await(jobs.ended("cb1"));
        assertEquals(List.of(), await(jobs.claimDue(Long.MAX_VALUE / 2, 0, 10)), "ended: gone");
    }

    @Test
    void aJobSentAndNeverAnsweredForIsDroppedNotDialledAgain() throws Exception {
        await(jobs.begin("cb2", 1_000, false));
        await(jobs.sent("cb2", 50_000));
        assertEquals(List.of(), await(jobs.claimDue(49_999, 60_000, 10)), "waits for Asterisk's answer");
        List<CallbackDialStore.Due> due = await(jobs.claimDue(50_000, 60_000, 10));
        assertEquals(1, due.size());
        assertTrue(due.get(0).unconfirmed(), due.toString());
        assertEquals(List.of(), await(jobs.claimDue(Long.MAX_VALUE / 2, 0, 10)), "dropped by that claim");
    }

    @Test
    void callingAgainWaitsForTheLastDialToBeAnsweredFor() throws Exception {
        await(jobs.begin("cb3", 1_000, false));
        assertTrue(await(jobs.begin("cb3", 1_000, true)), "not sent yet: another try may start");
        await(jobs.sent("cb3", 50_000));
        assertFalse(await(jobs.begin("cb3", 2_000, true)), "its phone still rings");
        assertTrue(await(jobs.begin("cb3", 2_000, false)), "a new assignment starts one anyway");
        await(jobs.ended("cb3"));
        assertTrue(await(jobs.begin("cb3", 3_000, true)), "answered for: the agent may call again");
        await(jobs.ended("cb3"));
        await(jobs.sent("cb3", 9_000));
        assertEquals(List.of(), await(jobs.claimDue(Long.MAX_VALUE / 2, 0, 10)), "a late 'sent' does not revive it");
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.await(5, TimeUnit.SECONDS);
    }
}
