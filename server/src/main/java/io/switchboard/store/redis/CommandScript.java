package io.switchboard.store.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Lua script of several commands ({@code router.lua}, {@code sla.lua}), run as one script per command that
 * holds only the top-level definitions that command's handler reaches.
 *
 * <p>Why: Redis 6.2 runs a script's whole body on every call, so every call created every helper closure of
 * the script, its captured upvalues and the garbage of it, whichever command it ran: about 113 k of the 157 k
 * instructions a call to {@code router.lua} costs before it does anything. Its handlers reach 29-30 of its 46
 * helpers; the rest is work thrown away (bench/README.md, twelfth session: -3.3 % of Redis's instructions
 * for a lifecycle, every reply the same).
 *
 * <p>The layout the scripts keep for this (their headers say it too): every top-level statement starts at
 * column 0; a handler is {@code if CMD == '<name>' then ... end}; a top-level {@code local} (a function or a
 * value) is kept when a kept statement names it; every other top-level statement is kept. A command picked any
 * other way at the top level ({@code elseif CMD == ...}, two commands in one {@code if}) is rejected with its line.
 * The whole file stays a valid script that does the same, so it can be read, replayed and tested as one.
 */
final class CommandScript {
    /** A top-level statement begins at column 0 with a word that neither closes a block nor comments. */
    private static final Pattern STATEMENT = Pattern.compile("^(?!end\\b|else\\b|elseif\\b|until\\b)[A-Za-z_]");
    private static final Pattern HANDLER = Pattern.compile("^if CMD == '(\\w+)' then\\b");
    /** Anything else that picks a command at the top level would hide a handler from the split. */
    private static final Pattern OTHER_DISPATCH = Pattern.compile("(?m)^(if|elseif)\\b.*\\bCMD\\b");
    private static final Pattern LOCAL_FUNCTION = Pattern.compile("^local function (\\w+)");
    private static final Pattern LOCAL_NAMES = Pattern.compile("^local\\s+((?:\\w+\\s*,\\s*)*\\w+)");
    private static final Pattern LONG_BRACKET = Pattern.compile("\\[(=*)\\[");

    private final List<Statement> statements;
    private final Map<String, LuaScript> byCommand = new ConcurrentHashMap<>();

    CommandScript(String source) {
        this.statements = split(source);
    }

    /** The script in a resource beside this class. */
    static CommandScript resource(String name) {
        return new CommandScript(LuaScript.read(name));
    }

    /**
     * Writes the script of each command of a script file as {@code <dir>/<command>.lua}, for bench/replay
     * to replay what the server runs: {@code java -cp switchboard.jar io.switchboard.store.redis.CommandScript
     * router.lua <dir>}.
     */
    public static void main(String[] args) throws IOException {
        CommandScript script = new CommandScript(Files.readString(Path.of(args[0])));
        Path dir = Files.createDirectories(Path.of(args[1]));
        for (String command : script.commands()) {
            Files.writeString(dir.resolve(command + ".lua"), script.source(command));
        }
    }

    /** The commands the script has a handler for. */
    List<String> commands() {
        return statements.stream().map(Statement::handler).filter(Objects::nonNull).toList();
    }

    /** Runs the command's script: EVALSHA, and EVAL once when Redis does not know it. */
    CompletionStage<String> run(RedisClusterAsyncCommands<String, String> redis, String command, String[] keys,
                                String[] args) {
        return byCommand.computeIfAbsent(command, c -> new LuaScript(source(c)))
                .run(redis, keys, args);
    }

    /** The script for one command: its handler and what it reaches, in the file's order. */
    String source(String command) {
        Map<String, List<Integer>> definedAt = new HashMap<>();
        for (int i = 0; i < statements.size(); i++) {
            for (String defined : statements.get(i).defines()) {
                definedAt.computeIfAbsent(defined, n -> new ArrayList<>()).add(i);
            }
        }
        BitSet kept = new BitSet();
        Deque<Integer> reached = new ArrayDeque<>();
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            if (s.handler() == null ? s.defines().isEmpty() : s.handler().equals(command)) {
                kept.set(i);
                reached.push(i);
            }
        }
        while (!reached.isEmpty()) {
            for (String used : statements.get(reached.pop()).names()) {
                for (int at : definedAt.getOrDefault(used, List.of())) {
                    if (!kept.get(at)) {
                        kept.set(at);
                        reached.push(at);
                    }
                }
            }
        }
        StringBuilder out = new StringBuilder();
        kept.stream().forEach(i -> out.append(statements.get(i).text()));
        return out.toString();
    }

    private static List<Statement> split(String source) {
        List<Statement> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int line = 0;
        int first = 1;
        for (String l : source.split("(?<=\n)")) {
            line++;
            if (STATEMENT.matcher(l).find() && !text.isEmpty()) {
                out.add(Statement.of(text.toString(), first));
                text.setLength(0);
                first = line;
            }
            text.append(l);
        }
        out.add(Statement.of(text.toString(), first));
        return out;
    }

    /**
     * One top-level statement with the comments and blank lines after it: the handler it is (or null), the
     * locals it defines, the names it uses (identifiers outside strings and comments, not field names).
     */
    record Statement(String text, String handler, Set<String> defines, Set<String> names) {
        /** @param line where the statement starts in its file, for the error that rejects it */
        static Statement of(String text, int line) {
            Matcher handler = HANDLER.matcher(text);
            boolean isHandler = handler.find();
            Matcher other = OTHER_DISPATCH.matcher(text);
            if (other.find(isHandler ? handler.end() : 0)) {
                throw new IllegalArgumentException("line " + (line + text.substring(0, other.start()).split("\n", -1)
                        .length - 1) + ": a command's handler is a statement of its own, `if CMD == '<name>' then`,"
                        + " for CommandScript to find it");
            }
            return isHandler ? new Statement(text, handler.group(1), Set.of(), names(text))
                    : new Statement(text, null, defines(text), names(text));
        }

        private static Set<String> defines(String text) {
            Matcher function = LOCAL_FUNCTION.matcher(text);
            if (function.find()) {
                return Set.of(function.group(1));
            }
            Matcher names = LOCAL_NAMES.matcher(text);
            Set<String> out = new HashSet<>();
            if (names.find()) {
                for (String n : names.group(1).split(",")) {
                    out.add(n.strip());
                }
            }
            return out;
        }

        static Set<String> names(String text) {
            Set<String> out = new HashSet<>();
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '-' && text.startsWith("--", i)) {
                    i = skipComment(text, i + 2);
                } else if (c == '\'' || c == '"') {
                    i = skipString(text, i + 1, c);
                } else if (c == '[' && LONG_BRACKET.matcher(text).region(i, text.length()).lookingAt()) {
                    i = skipLong(text, i);
                } else if (Character.isDigit(c)) {
                    while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                        i++; // a number: 0xff, 1e5 and 2.5 name nothing
                    }
                } else if (Character.isJavaIdentifierStart(c) && c != '$') {
                    int start = i;
                    while (i < text.length() && Character.isJavaIdentifierPart(text.charAt(i))) {
                        i++;
                    }
                    if (!isField(text, start)) {
                        out.add(text.substring(start, i));
                    }
                } else {
                    i++;
                }
            }
            return out;
        }

        /** After {@code a.} or {@code a:}, a name is a field or method; after {@code ..} it is a value. */
        private static boolean isField(String text, int at) {
            int before = at - 1;
            while (before >= 0 && text.charAt(before) == ' ') {
                before--;
            }
            if (before < 0) {
                return false;
            }
            char c = text.charAt(before);
            return c == ':' || c == '.' && (before == 0 || text.charAt(before - 1) != '.');
        }

        private static int skipComment(String text, int at) {
            if (LONG_BRACKET.matcher(text).region(at, text.length()).lookingAt()) {
                return skipLong(text, at);
            }
            return end(text, text.indexOf('\n', at), 1);
        }

        /** A long string or comment, {@code [[...]]} or {@code [==[...]==]}: up to the bracket of its level. */
        private static int skipLong(String text, int at) {
            Matcher open = LONG_BRACKET.matcher(text).region(at, text.length());
            open.lookingAt();
            String close = "]" + open.group(1) + "]";
            return end(text, text.indexOf(close, open.end()), close.length());
        }

        private static int skipString(String text, int at, char quote) {
            int i = at;
            while (i < text.length() && text.charAt(i) != quote && text.charAt(i) != '\n') {
                i += text.charAt(i) == '\\' ? 2 : 1;
            }
            return i + 1;
        }

        private static int end(String text, int found, int width) {
            return found < 0 ? text.length() : found + width;
        }
    }
}
