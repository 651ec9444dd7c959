package io.switchboard.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a command's script keeps of a script file: its handler, and the top-level locals it reaches. */
class CommandScriptTest {
    private static final String SOURCE = """
            -- header
            local CMD = ARGV[1]
            local UNUSED = string.format('%d', 1)
            local function greet(n) return 'hello ' .. n end
            local function shout(s) return string.upper(s) end
            local function loud(n) return shout(greet(n)) end
            local function wave() return 'wave' end -- named in strings and comments only
            local function label(s)
              return 'x' ..wave()
            end
            local t = {}
            local commands = {}

            if CMD == 'quiet' then commands.quiet = function()
              -- loud() would shout
              return greet('quiet') .. ' loud(' .. "shout" .. ')'
            end end

            if CMD == 'loud' then commands.loud = function()
              t.label = 1
              return loud(t.greet or 'all')
            end end

            local handler = commands[CMD]
            return handler()
            """;

    private final CommandScript script = new CommandScript(SOURCE);

    @Test
    void aCommandKeepsItsHandlerAndWhatItReachesAndNothingElse() {
        String quiet = script.source("quiet");
        assertTrue(quiet.contains("local function greet"), quiet);
        assertTrue(quiet.contains("commands.quiet = function"), quiet);
        assertFalse(quiet.contains("commands.loud"), "another command's handler");
        assertFalse(quiet.contains("local function loud"), "named in a comment and a string only");
        assertFalse(quiet.contains("local function shout"), "named in a string only");
        assertFalse(quiet.contains("UNUSED"), "a value nobody names");
        assertFalse(quiet.contains("local function label"), "a field named label is not the function");
        assertTrue(quiet.contains("local handler = commands[CMD]") && quiet.endsWith("return handler()\n"));
    }

    @Test
    void whatAHelperReachesIsKeptInTheFilesOrder() {
        String loud = script.source("loud");
        int greet = loud.indexOf("local function greet");
        int shout = loud.indexOf("local function shout");
        int helper = loud.indexOf("local function loud");
        assertTrue(greet >= 0 && greet < shout && shout < helper, loud);
        assertTrue(loud.contains("local t = {}"));
        assertFalse(loud.contains("local function wave"), loud);
    }

    @Test
    void aNameAfterAConcatenationIsAValueNotAField() {
        String source = SOURCE.replace("if CMD == 'quiet' then commands.quiet = function()",
                "if CMD == 'quiet' then commands.quiet = function() label('')");
        String quiet = new CommandScript(source).source("quiet");
        assertTrue(quiet.contains("local function wave"), "label's 'x' ..wave() names wave");
    }

    @Test
    void longStringsAndCommentsOfAnyLevelNameNothingAndEndWhereTheyShould() {
        String source = SOURCE.replace("return greet('quiet') .. ' loud(' .. \"shout\" .. ')'",
                "return [==[ it's loud() ]==] .. --[=[ shout() ]=] wave() .. 0xff")
                .replace("local function wave() return 'wave' end", "local function wave() return 'wave' end\n"
                        + "local xff = 1");
        String quiet = new CommandScript(source).source("quiet");
        assertTrue(quiet.contains("local function wave"), "after the string and the comment: " + quiet);
        assertFalse(quiet.contains("local function loud") || quiet.contains("local function shout"), quiet);
        assertFalse(quiet.contains("local xff"), "0xff is a number");
    }

    @Test
    void localsDeclaredOverTwoLinesAreBothDefined() {
        String source = SOURCE.replace("local t = {}", "local t,\n  unused = {}, 2");
        assertTrue(new CommandScript(source).source("loud").contains("unused = {}, 2"));
    }

    @Test
    void aHandlerTheSplitCouldNotSeeIsRejectedWithItsLine() {
        String elseif = SOURCE.replace("end end\n\nif CMD == 'loud'", "end\nelseif CMD == 'loud'");
        var e = assertThrows(IllegalArgumentException.class, () -> new CommandScript(elseif));
        assertTrue(e.getMessage().startsWith("line 18:"), e.getMessage());
        String two = SOURCE.replace("if CMD == 'loud' then", "if CMD == 'loud' or CMD == 'louder' then");
        assertThrows(IllegalArgumentException.class, () -> new CommandScript(two));
    }

    @Test
    void anUnknownCommandKeepsOnlyTheDispatch() {
        String none = script.source("none");
        assertFalse(none.contains("function greet"));
        assertTrue(none.contains("local commands = {}") && none.contains("return handler()"));
        assertEquals(List.of("quiet", "loud"), script.commands());
    }
}
