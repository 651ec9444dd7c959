package io.switchboard.store.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** A Lua script, run by SHA and loaded on first use (or after a Redis restart). */
final class LuaScript {
    private final String source;
    private final String sha;

    /** The script in a resource beside this class. */
    static LuaScript resource(String name) {
        return new LuaScript(read(name));
    }

    LuaScript(String source) {
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The script's reply as a string (JSON). Runs on Lettuce's thread: callers make it a Vert.x future. */
    CompletionStage<String> run(RedisClusterAsyncCommands<String, String> redis, String[] keys, String[] args) {
        return run(redis, ScriptOutputType.VALUE, keys, args);
    }

    /** The script's reply of the given type; EVALSHA, and EVAL once when Redis does not know the script. */
    <T> CompletionStage<T> run(RedisClusterAsyncCommands<String, String> redis, ScriptOutputType type, String[] keys,
                               String[] args) {
        return redis.<T>evalsha(sha, type, keys, args)
                .exceptionallyCompose(e -> unwrap(e) instanceof RedisNoScriptException
                        ? redis.<T>eval(source, type, keys, args)
                        : CompletableFuture.failedStage(e));
    }

    static String read(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
