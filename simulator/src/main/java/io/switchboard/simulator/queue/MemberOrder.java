package io.switchboard.simulator.queue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The order app_queue keeps members in: an ao2 hash container of 37 buckets keyed by member_hash_fn (the
 * first five characters of the interface from its '/' on, six bits each, via compress_char), walked bucket
 * by bucket with insertion order inside a bucket. QueueStatus lists members in this order, and it is why
 * the capture shows 143, 109, 142, 108, ... Reproducing it keeps our QueueStatus replies identical.
 */
public final class MemberOrder {

    private static final int BUCKETS = 37;

    private MemberOrder() {
    }

    static int compressChar(char c) {
        if (c < 32) {
            return 0;
        } else if (c > 96) {
            return c - 64;
        }
        return c - 32;
    }

    static int memberHash(String interfaceName) {
        int slash = interfaceName.indexOf('/');
        String chname = slash >= 0 ? interfaceName.substring(slash) : interfaceName;
        int ret = 0;
        for (int i = 0; i < 5 && i < chname.length(); i++) {
            ret += compressChar(chname.charAt(i)) << (i * 6);
        }
        return ret;
    }

    /** Members re-ordered as app_queue would iterate them, given their insertion (config) order. */
    public static List<QueueMember> hashOrder(List<QueueMember> configOrder) {
        Map<Integer, List<QueueMember>> buckets = new TreeMap<>();
        for (QueueMember m : configOrder) {
            int bucket = Math.floorMod(memberHash(m.interfaceName()), BUCKETS);
            buckets.computeIfAbsent(bucket, k -> new ArrayList<>()).add(m);
        }
        List<QueueMember> out = new ArrayList<>(configOrder.size());
        buckets.values().forEach(out::addAll);
        return out;
    }

    /** Convenience for maps keyed by interface. */
    static Map<String, QueueMember> index(List<QueueMember> members) {
        Map<String, QueueMember> m = new LinkedHashMap<>();
        members.forEach(q -> m.put(q.interfaceName(), q));
        return m;
    }
}
