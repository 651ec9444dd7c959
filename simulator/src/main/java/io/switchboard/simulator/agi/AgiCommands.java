package io.switchboard.simulator.agi;

import io.switchboard.simulator.pbx.CallerInput;
import io.switchboard.simulator.pbx.Channel;
import io.switchboard.simulator.pbx.Pbx;
import io.switchboard.simulator.pbx.SoundLibrary;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The AGI commands res_agi implements that the simulator answers, with Asterisk's argument checks and
 * reply texts (res_agi.c): {@code 200 result=...}, {@code 520} usage errors, and whether each may run on a
 * dead channel.
 */
final class AgiCommands {

    /** A command: its words, whether it runs on a hung-up channel, its syntax (for 520), and its handler. */
    record Spec(List<String> words, boolean deadSafe, String syntax, Consumer<CommandContext> handler) { }

    private static final List<Spec> COMMANDS = new ArrayList<>();

    static {
        add("answer", false, "ANSWER", AgiCommands::answer);
        add("channel status", false, "CHANNEL STATUS [channelname]", AgiCommands::channelStatus);
        add("database del", true, "DATABASE DEL <family> <key>", AgiCommands::dbDel);
        add("database get", true, "DATABASE GET <family> <key>", AgiCommands::dbGet);
        add("database put", true, "DATABASE PUT <family> <key> <value>", AgiCommands::dbPut);
        add("exec", true, "EXEC <application> <options>", AgiCommands::exec);
        add("get data", false, "GET DATA <file> [timeout] [maxdigits]", AgiCommands::getData);
        add("get full variable", true, "GET FULL VARIABLE <variablename> [channel name]", AgiCommands::getFullVariable);
        add("get option", false, "GET OPTION <filename> <escape_digits> [timeout]", AgiCommands::getOption);
        add("get variable", true, "GET VARIABLE <variablename>", AgiCommands::getVariable);
        add("hangup", false, "HANGUP [channelname]", AgiCommands::hangup);
        add("noop", true, "NOOP", ctx -> ctx.complete(CommandResult.success("200 result=0")));
        add("say alpha", false, "SAY ALPHA <number> <escape_digits>", ctx -> say(ctx, false));
        add("say datetime", false, "SAY DATETIME <time> <escape_digits> [format] [timezone]", AgiCommands::sayDateTime);
        add("say digits", false, "SAY DIGITS <number> <escape_digits>", ctx -> say(ctx, true));
        add("say number", false, "SAY NUMBER <number> <escape_digits> [gender]", AgiCommands::sayNumber);
        add("set callerid", false, "SET CALLERID <number>", AgiCommands::setCallerId);
        add("set context", false, "SET CONTEXT <desired context>", ctx -> setLocation(ctx, "context"));
        add("set extension", false, "SET EXTENSION <new extension>", ctx -> setLocation(ctx, "extension"));
        add("set music", false, "SET MUSIC <on|off> <class>", AgiCommands::setMusic);
        add("set priority", false, "SET PRIORITY <priority>", ctx -> setLocation(ctx, "priority"));
        add("set variable", true, "SET VARIABLE <variablename> <value>", AgiCommands::setVariable);
        add("stream file", false, "STREAM FILE <filename> <escape_digits> [sample offset]", AgiCommands::streamFile);
        add("verbose", true, "VERBOSE <message> <level>", ctx -> ctx.complete(
            ctx.argc() < 2 ? CommandResult.usage() : CommandResult.success("200 result=1")));
        add("wait for digit", false, "WAIT FOR DIGIT <timeout>", AgiCommands::waitForDigit);
    }

    private AgiCommands() {
    }

    private static void add(String words, boolean deadSafe, String syntax, Consumer<CommandContext> handler) {
        COMMANDS.add(new Spec(List.of(words.split(" ")), deadSafe, syntax, handler));
    }

    /** find_command(): every word of the command must match (case-insensitively); the rest are arguments. */
    static Spec find(List<String> argv) {
        for (Spec s : COMMANDS) {
            if (argv.size() < s.words().size()) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < s.words().size() && match; i++) {
                match = s.words().get(i).equalsIgnoreCase(argv.get(i));
            }
            if (match) {
                return s;
            }
        }
        return null;
    }

    /** The text between the 520 lines. */
    static List<String> usage(Spec spec) {
        return List.of(" Usage: " + spec.syntax());
    }

    // ------------------------------------------------------------------ helpers

    private static Channel channel(CommandContext ctx) {
        return ctx.session().channel();
    }

    private static Pbx pbx(CommandContext ctx) {
        return ctx.session().pbx();
    }

    /** sscanf("%30d"): a leading integer, or null. */
    private static Integer scanInt(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        int end = 0;
        if (end < t.length() && (t.charAt(end) == '-' || t.charAt(end) == '+')) {
            end++;
        }
        int digitsStart = end;
        while (end < t.length() && Character.isDigit(t.charAt(end))) {
            end++;
        }
        if (end == digitsStart) {
            return null;
        }
        try {
            return Integer.parseInt(t.substring(0, end));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** atoi(): a leading integer, 0 when there is none. */
    private static int atoi(String s) {
        Integer v = scanInt(s);
        return v == null ? 0 : v;
    }

    // ------------------------------------------------------------------ commands

    private static void answer(CommandContext ctx) {
        pbx(ctx).answerChannel(channel(ctx));
        ctx.complete(CommandResult.success("200 result=0"));
    }

    private static void channelStatus(CommandContext ctx) {
        if (ctx.argc() == 2) {
            ctx.complete(CommandResult.success("200 result=" + channel(ctx).state().code()));
        } else if (ctx.argc() == 3) {
            Channel other = pbx(ctx).find(ctx.arg(2));
            ctx.complete(CommandResult.success("200 result=" + (other == null ? -1 : other.state().code())));
        } else {
            ctx.complete(CommandResult.usage());
        }
    }

    private static Map<String, String> astdb(CommandContext ctx) {
        return pbx(ctx).astdb();
    }

    private static void dbGet(CommandContext ctx) {
        if (ctx.argc() != 4) {
            ctx.complete(CommandResult.usage());
            return;
        }
        String v = astdb(ctx).get(ctx.arg(2) + "/" + ctx.arg(3));
        ctx.complete(CommandResult.success(v == null ? "200 result=0" : "200 result=1 (" + v + ")"));
    }

    private static void dbPut(CommandContext ctx) {
        if (ctx.argc() != 5) {
            ctx.complete(CommandResult.usage());
            return;
        }
        astdb(ctx).put(ctx.arg(2) + "/" + ctx.arg(3), ctx.arg(4));
        ctx.complete(CommandResult.success("200 result=1"));
    }

    private static void dbDel(CommandContext ctx) {
        if (ctx.argc() != 4) {
            ctx.complete(CommandResult.usage());
            return;
        }
        boolean had = astdb(ctx).remove(ctx.arg(2) + "/" + ctx.arg(3)) != null;
        ctx.complete(CommandResult.success("200 result=" + (had ? 1 : 0)));
    }

    /** EXEC returns whatever the application returned (-2 when there is no such application). */
    private static void exec(CommandContext ctx) {
        if (ctx.argc() < 2) {
            ctx.complete(CommandResult.usage());
            return;
        }
        String app = ctx.arg(1);
        String data = ctx.argc() == 2 ? "" : ctx.arg(2);
        Channel ch = channel(ctx);
        if (ctx.session().dead()) {
            // Applications on a hung-up channel return at once with -1.
            boolean known = pbx(ctx).hasApplication(app);
            ctx.complete(new CommandResult(CommandResult.Code.OTHER, List.of("200 result=" + (known ? -1 : -2))));
            return;
        }
        Runnable interrupt = pbx(ctx).execApplication(ch, app, data, res -> ctx.complete(
            new CommandResult(res == 0 ? CommandResult.Code.SUCCESS : CommandResult.Code.OTHER, List.of("200 result=" + res))));
        if (interrupt == null) {
            org.slf4j.LoggerFactory.getLogger(AgiCommands.class).warn("Could not find application ({})", app);
            ctx.complete(new CommandResult(CommandResult.Code.OTHER, List.of("200 result=-2")));
            return;
        }
        ctx.onHangup(interrupt);
    }

    private static void getData(CommandContext ctx) {
        if (ctx.argc() < 3) {
            ctx.complete(CommandResult.usage());
            return;
        }
        int timeout = ctx.argc() >= 4 ? atoi(ctx.arg(3)) : 0;
        int max = ctx.argc() >= 5 ? atoi(ctx.arg(4)) : 1024;
        String file = ctx.arg(2);
        SoundLibrary sounds = pbx(ctx).sounds();
        if (!file.isEmpty() && !sounds.exists(file)) {
            // ast_app_getdata_full returns -1 when the prompt cannot be played: no digits are collected.
            ctx.complete(CommandResult.success("200 result=-1"));
            return;
        }
        Duration prompt = file.isEmpty() ? Duration.ZERO : sounds.duration(file);
        Duration first;
        Duration inter;
        if (timeout > 0) {
            first = inter = Duration.ofMillis(timeout);
        } else if (timeout < 0) {
            first = inter = Duration.ofDays(11);
        } else {
            first = Duration.ofMillis(6000);
            inter = Duration.ofMillis(2000);
        }
        Media media = new Media(ctx);
        media.readDigits(prompt, max, first, inter, media.listen(), o -> {
            if (o.result() < 0) {
                ctx.complete(CommandResult.success("200 result=-1"));
            } else if (o.timedOut()) {
                ctx.complete(CommandResult.success("200 result=" + o.digits() + " (timeout)"));
            } else {
                ctx.complete(CommandResult.success("200 result=" + o.digits()));
            }
        });
    }

    private static void getFullVariable(CommandContext ctx) {
        if (ctx.argc() != 4 && ctx.argc() != 5) {
            ctx.complete(CommandResult.usage());
            return;
        }
        Channel target = ctx.argc() == 5 ? pbx(ctx).find(ctx.arg(4)) : channel(ctx);
        if (target == null) {
            ctx.complete(CommandResult.success("200 result=0"));
            return;
        }
        ctx.complete(CommandResult.success("200 result=1 (" + pbx(ctx).substitute(target, ctx.arg(3)) + ")"));
    }

    private static void getOption(CommandContext ctx) {
        if (ctx.argc() < 4 || ctx.argc() > 5) {
            ctx.complete(CommandResult.usage());
            return;
        }
        String file = ctx.arg(2);
        String escape = ctx.arg(3);
        int timeoutMs = ctx.argc() == 5 ? atoi(ctx.arg(4)) : 5000;
        SoundLibrary sounds = pbx(ctx).sounds();
        if (!sounds.exists(file)) {
            ctx.complete(CommandResult.failure("200 result=-1 endpos=0"));
            return;
        }
        Duration length = sounds.duration(file);
        Media media = new Media(ctx);
        CallerInput input = media.listen();
        media.play(length, escape, input, played -> {
            if (played.result() != 0) {
                ctx.complete(CommandResult.bySign(played.result(),
                    "200 result=" + played.result() + " endpos=" + Media.samples(played.elapsed())));
                return;
            }
            // The prompt played out: wait for a digit, counting only the escape digits.
            CallerInput rest = shift(input, length);
            Media wait = new Media(ctx);
            Duration t = timeoutMs < 0 ? null : Duration.ofMillis(timeoutMs);
            wait.waitForDigit(t, rest, escape, o -> ctx.complete(CommandResult.bySign(o.result(),
                "200 result=" + o.result() + " endpos=" + Media.samples(length))));
        });
    }

    /** The part of a caller's input that comes after {@code offset} (what they do after the prompt). */
    private static CallerInput shift(CallerInput input, Duration offset) {
        if (input.kind() == CallerInput.Kind.SILENCE) {
            return input;
        }
        if (input.kind() == CallerInput.Kind.HANGUP) {
            Duration d = input.delay().minus(offset);
            return CallerInput.hangUp(d.isNegative() ? Duration.ZERO : d);
        }
        StringBuilder digits = new StringBuilder();
        Duration firstAt = null;
        for (int i = 0; i < input.digits().length(); i++) {
            Duration at = input.digitAt(i);
            if (at.compareTo(offset) >= 0) {
                if (firstAt == null) {
                    firstAt = at.minus(offset);
                }
                digits.append(input.digits().charAt(i));
            }
        }
        return firstAt == null ? CallerInput.silence()
            : new CallerInput(CallerInput.Kind.PRESS, digits.toString(), firstAt, input.interDigitGap());
    }

    private static void getVariable(CommandContext ctx) {
        if (ctx.argc() != 3) {
            ctx.complete(CommandResult.usage());
            return;
        }
        String value = pbx(ctx).getVariable(channel(ctx), ctx.arg(2));
        ctx.complete(CommandResult.success(value == null ? "200 result=0" : "200 result=1 (" + value + ")"));
    }

    private static void hangup(CommandContext ctx) {
        if (ctx.argc() == 1) {
            pbx(ctx).agiHangupSelf(channel(ctx));
            ctx.complete(CommandResult.success("200 result=1"));
        } else if (ctx.argc() == 2) {
            Channel target = pbx(ctx).find(ctx.arg(1));
            if (target == null) {
                ctx.complete(CommandResult.success("200 result=-1"));
                return;
            }
            if (target == channel(ctx)) {
                pbx(ctx).agiHangupSelf(target);
            } else {
                pbx(ctx).requestHangup(target, 0);
            }
            ctx.complete(CommandResult.success("200 result=1"));
        } else {
            ctx.complete(CommandResult.usage());
        }
    }

    /** SAY DIGITS / SAY ALPHA: about half a second per character when the sounds exist. */
    private static void say(CommandContext ctx, boolean numeric) {
        if (ctx.argc() != 4 || (numeric && scanInt(ctx.arg(2)) == null)) {
            ctx.complete(CommandResult.usage());
            return;
        }
        sayFor(ctx, ctx.arg(2).length(), ctx.arg(3));
    }

    private static void sayNumber(CommandContext ctx) {
        if (ctx.argc() < 4 || ctx.argc() > 5 || scanInt(ctx.arg(2)) == null) {
            ctx.complete(CommandResult.usage());
            return;
        }
        sayFor(ctx, String.valueOf(Math.abs(scanInt(ctx.arg(2)))).length(), ctx.arg(3));
    }

    /**
     * SAY DATETIME: the time (seconds since the epoch) said in a format and zone; the default format, ABdY 'digits/at'
     * IMp, is about six sounds (three seconds); a time that is not a number is a usage error, as in Asterisk.
     */
    private static void sayDateTime(CommandContext ctx) {
        if (ctx.argc() < 4 || ctx.argc() > 6 || scanLong(ctx.arg(2)) == null) {
            ctx.complete(CommandResult.usage());
            return;
        }
        sayFor(ctx, 6, ctx.arg(3));
    }

    private static Long scanLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void sayFor(CommandContext ctx, int characters, String escape) {
        SoundLibrary sounds = pbx(ctx).sounds();
        if (!sounds.exists("digits/0")) {
            // Missing digit files are skipped: the capture's box answers 200 result=0 at once.
            ctx.complete(CommandResult.success("200 result=0"));
            return;
        }
        Duration length = Duration.ofMillis(500L * characters);
        Media media = new Media(ctx);
        CallerInput input = escape.isEmpty() ? CallerInput.silence() : media.listen();
        media.play(length, escape, input, o -> ctx.complete(CommandResult.bySign(o.result(), "200 result=" + o.result())));
    }

    private static void setCallerId(CommandContext ctx) {
        if (ctx.argc() >= 3) {
            pbx(ctx).setVariable(channel(ctx), "CALLERID(num)", ctx.arg(2));
        }
        ctx.complete(CommandResult.success("200 result=1"));
    }

    /** SET CONTEXT / EXTENSION / PRIORITY: the dialplan continues there when the AGI returns. */
    private static void setLocation(CommandContext ctx, String what) {
        if (ctx.argc() != 3) {
            ctx.complete(CommandResult.usage());
            return;
        }
        Channel ch = channel(ctx);
        String value = ctx.arg(2);
        switch (what) {
            case "context" -> pbx(ctx).agiSetLocation(ch, value, null, null);
            case "extension" -> pbx(ctx).agiSetLocation(ch, null, value, null);
            default -> {
                Integer p = scanInt(value);
                if (p == null) {
                    int label = pbx(ctx).dialplan().findLabel(ch.context(), ch.exten(), value);
                    if (label < 1) {
                        ctx.complete(CommandResult.usage());
                        return;
                    }
                    p = label;
                }
                pbx(ctx).agiSetLocation(ch, null, null, p);
            }
        }
        ctx.complete(CommandResult.success("200 result=0"));
    }

    private static void setMusic(CommandContext ctx) {
        if (ctx.argc() < 3) {
            ctx.complete(CommandResult.usage());
            return;
        }
        ctx.complete(CommandResult.success("200 result=0"));
    }

    private static void setVariable(CommandContext ctx) {
        if (ctx.argc() >= 4) {
            pbx(ctx).setVariable(channel(ctx), ctx.arg(2), ctx.arg(3));
        }
        ctx.complete(CommandResult.success("200 result=1"));
    }

    private static void streamFile(CommandContext ctx) {
        if (ctx.argc() < 4 || ctx.argc() > 5) {
            ctx.complete(CommandResult.usage());
            return;
        }
        long offset = 0;
        if (ctx.argc() > 4) {
            Integer o = scanInt(ctx.arg(4));
            if (o == null) {
                ctx.complete(CommandResult.usage());
                return;
            }
            offset = o;
        }
        String file = ctx.arg(2);
        String escape = ctx.arg(3);
        SoundLibrary sounds = pbx(ctx).sounds();
        if (!sounds.exists(file)) {
            ctx.complete(CommandResult.failure("200 result=-1 endpos=" + offset));
            return;
        }
        Duration length = sounds.duration(file);
        Media media = new Media(ctx);
        CallerInput input = escape.isEmpty() ? CallerInput.silence() : media.listen();
        long start = offset;
        media.play(length, escape, input, o -> ctx.complete(CommandResult.bySign(o.result(),
            "200 result=" + o.result() + " endpos=" + (start + Media.samples(o.elapsed())))));
    }

    private static void waitForDigit(CommandContext ctx) {
        if (ctx.argc() != 4) {
            ctx.complete(CommandResult.usage());
            return;
        }
        Integer timeout = scanInt(ctx.arg(3));
        if (timeout == null) {
            ctx.complete(CommandResult.usage());
            return;
        }
        Media media = new Media(ctx);
        Duration t = timeout < 0 ? null : Duration.ofMillis(timeout);
        media.waitForDigit(t, media.listen(), null, o -> ctx.complete(CommandResult.bySign(o.result(), "200 result=" + o.result())));
    }
}
