package io.switchboard.store.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.netty.channel.EventLoop;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * The Redis commands of whichever connection lives on the calling thread's event loop; callers off the
 * event loops (virtual threads, workers) use the first one. A proxy, so that every store keeps taking
 * plain Lettuce commands and does not need to know connections are per loop.
 */
final class LoopLocalCommands {
    private LoopLocalCommands() {
    }

    @SuppressWarnings("unchecked")
    static RedisClusterAsyncCommands<String, String> create(List<EventLoop> loops,
                                                           List<RedisClusterAsyncCommands<String, String>> commands) {
        EventLoop[] owners = loops.toArray(EventLoop[]::new);
        Object[] targets = commands.toArray();
        return (RedisClusterAsyncCommands<String, String>) Proxy.newProxyInstance(
                RedisClusterAsyncCommands.class.getClassLoader(), new Class<?>[]{RedisClusterAsyncCommands.class},
                (proxy, method, args) -> {
                    Object target = targets[0];
                    for (int i = 0; i < owners.length; i++) {
                        if (owners[i].inEventLoop()) {
                            target = targets[i];
                            break;
                        }
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
