package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestRedis;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every command's script of router.lua and sla.lua compiles in a real Redis and holds its own handler only: the
 * split cuts whole statements. What each command does is tested through the API (the lifecycle tests).
 */
@ExtendWith(TestRedis.class)
class CommandScriptIT {
    @Test
    void everyCommandsScriptLoadsAndLeavesOutWhatItDoesNotReach(TestRedis redis) throws Exception {
        try (RedisConnection connection = RedisConnection.connect(redis.uri())) {
            for (String file : List.of("router.lua", "sla.lua")) {
                CommandScript script = CommandScript.resource(file);
                assertTrue(script.commands().size() >= 4, file);
                for (String command : script.commands()) {
                    String source = script.source(command);
                    String sha = connection.commands().scriptLoad(source).get(5, TimeUnit.SECONDS);
                    assertEquals(40, sha.length(), file + " " + command);
                    for (String other : script.commands()) {
                        assertEquals(other.equals(command), source.contains("if CMD == '" + other + "'"),
                                file + " " + command + " and the handler of " + other);
                    }
                }
            }
        }
    }
}
