package io.switchboard.store.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis could not do what was asked, for a while: not connected, too slow to answer, out of memory, busy with a long
 * script, a replica or still loading. Callers answer 503, to be tried again, not 500; but a timed-out command may still
 * run ({@link #mayHaveRun}), so its caller is told the outcome is unknown instead.
 */
public final class RedisUnavailable extends RuntimeException {
    /** Error replies that say "not now" rather than "wrong request". */
    private static final Set<String> TRANSIENT = Set.of("OOM", "BUSY", "LOADING", "READONLY", "MASTERDOWN",
            "NOREPLICAS", "TRYAGAIN", "CLUSTERDOWN");

    private static final Pattern SCRIPT_ERROR = Pattern.compile(" -([A-Z]+) ");

    private final boolean mayHaveRun;

    private RedisUnavailable(Throwable cause) {
        super("Redis unavailable: " + cause.getMessage(), cause);
        this.mayHaveRun = cause instanceof RedisCommandTimeoutException;
    }

    /**
     * The command was sent and not answered in time: Redis may still run it, so trying again may do it twice (a
     * refused, rejected or unsent one was certainly not done).
     */
    public boolean mayHaveRun() {
        return mayHaveRun;
    }

    /** The failure as this when it is one of Redis being unavailable; otherwise as it was. */
    static Throwable of(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return unavailable(cause) ? new RedisUnavailable(cause) : failure;
    }

    private static boolean unavailable(Throwable cause) {
        if (cause instanceof RedisCommandExecutionException error) {
            String message = error.getMessage() == null ? "" : error.getMessage();
            int space = message.indexOf(' ');
            if (TRANSIENT.contains(space < 0 ? message : message.substring(0, space))) {
                return true;
            }
            // refused inside a script, Redis wraps the error: "ERR Error running script (...): @user_script:454: -OOM ..."
            Matcher wrapped = SCRIPT_ERROR.matcher(message);
            return message.startsWith("ERR Error running script") && wrapped.find()
                    && TRANSIENT.contains(wrapped.group(1));
        }
        // not connected (commands rejected meanwhile), connection refused, no answer within the timeout
        return cause instanceof RedisCommandTimeoutException || cause instanceof RedisConnectionException
                || cause.getClass() == RedisException.class;
    }
}
