package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.TestRedis;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every command's script of router.lua and sla.lua compiles in a real Redis, holds its own handler only (the split
 * cuts whole statements), and declares every name it uses that Lua and Redis do not (the split kept every helper). What each command does is tested through the API (the lifecycle tests).
 */
@ExtendWith(TestRedis.class)
class CommandScriptIT {
    /** What Lua and Redis give every script; any other global would be a helper the split left out. */
    private static final Set<String> GLOBALS = Set.of("redis", "cjson", "cmsgpack", "bit", "struct", "KEYS", "ARGV",
            "string", "table", "math", "tonumber", "tostring", "type", "pairs", "ipairs", "unpack", "select", "next",
            "error", "pcall", "assert", "setmetatable", "getmetatable", "rawget", "rawset",
            "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in", "local", "nil", "not",
            "or", "repeat", "return", "then", "true", "until", "while");
    private static final List<Pattern> DECLARATIONS = List.of(
            Pattern.compile("local\\s+function\\s+(\\w+)"),
            Pattern.compile("local\\s+((?:\\w+\\s*,\\s*)*\\w+)"),
            Pattern.compile("function\\s*[\\w.:]*\\s*\\(([^)]*)\\)"),
            Pattern.compile("for\\s+((?:\\w+\\s*,\\s*)*\\w+)\\s+in\\b"),
            Pattern.compile("for\\s+(\\w+)\\s*="));
    private static final Pattern TABLE_KEY = Pattern.compile("([{,]\\s*)\\w+(\\s*=)(?!=)");

    /**
     * The names a script uses that it declares nowhere (as a local, a parameter, a loop variable) and that are no
     * Lua or Redis global: an independent check of the split, by declarations rather than by the statements kept.
     */
    private static Set<String> undeclared(String source) {
        Set<String> declared = new HashSet<>(GLOBALS);
        for (Pattern p : DECLARATIONS) {
            Matcher m = p.matcher(source);
            while (m.find()) {
                for (String name : m.group(1).split(",")) {
                    declared.add(name.strip());
                }
            }
        }
        // a key in a table constructor ({agent = aid, ...}) names a field, not a variable
        String withoutKeys = TABLE_KEY.matcher(source).replaceAll("$1$2");
        Set<String> used = new TreeSet<>(CommandScript.Statement.names(withoutKeys));
        used.removeAll(declared);
        return used;
    }

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
                    assertEquals(Set.of(), undeclared(source), file + " " + command + " uses names it never declares");
                    for (String other : script.commands()) {
                        assertEquals(other.equals(command), source.contains("if CMD == '" + other + "'"),
                                file + " " + command + " and the handler of " + other);
                    }
                }
            }
        }
    }
}
