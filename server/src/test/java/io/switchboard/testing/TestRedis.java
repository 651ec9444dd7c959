package io.switchboard.testing;

import io.switchboard.store.redis.EmbeddedRedis;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real redis-server, started once per test JVM on a free port. Each test takes its own key prefix,
 * so tests share the server without seeing each other's keys.
 * Use: {@code @ExtendWith(TestRedis.class)} and a {@code TestRedis} parameter.
 */
public final class TestRedis implements ParameterResolver {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private EmbeddedRedis server;

    public String uri() {
        return server.uri();
    }

    /** A key prefix no other test uses. */
    public String newPrefix() {
        return "t" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestRedis.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent("test-redis", k -> new Holder(), Holder.class).redis;
    }

    /** Closed by JUnit when the test run ends. */
    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        final TestRedis redis = new TestRedis();

        Holder() {
            redis.server = EmbeddedRedis.start(null);
        }

        @Override
        public void close() {
            redis.server.close();
        }
    }
}
