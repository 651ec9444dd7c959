package io.switchboard.email;

import io.switchboard.routing.Sha256;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The self-service link of a case: {@code <email.selfServiceUrl>#case=C-10001&key=<key>}, mailed to its customer with
 * the acknowledgement. The key is a signature of the case and its customer (HMAC-SHA256 with a secret the first node
 * creates in Redis and every node reads), so whoever holds the mail opens the case in one click, and nobody can make
 * one by counting case numbers. It is in the fragment: no server's log sees it.
 */
public final class CaseLinks {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** 128 bits of the signature, base64url: short enough for a mail client not to break the line. */
    private static final int KEY_BYTES = 16;

    private final RoutingStore store;
    private final String pageUrl;
    private volatile byte[] secret;

    /** @param pageUrl the self-service page as customers reach it (email.selfServiceUrl); empty = no links */
    public CaseLinks(RoutingStore store, String pageUrl) {
        this.store = store;
        this.pageUrl = pageUrl;
    }

    /** The case's link, or "" when no self-service URL is configured. */
    public Future<String> link(String caseId, String customerId) {
        if (pageUrl.isEmpty()) {
            return Future.succeededFuture("");
        }
        return key(caseId, customerId).map(key -> pageUrl + "#case=" + caseId + "&key=" + key);
    }

    /** Whether the key is the case's (for its customer). */
    public Future<Boolean> matches(String caseId, String customerId, String key) {
        return key(caseId, customerId).map(expected -> MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8)));
    }

    private Future<String> key(String caseId, String customerId) {
        return secret().map(s -> {
            byte[] signature = Sha256.hmac(s, "case-link|" + caseId + "|" + customerId);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(signature, KEY_BYTES));
        });
    }

    /** Read once (or, by the first node ever, created): every node signs alike. */
    private Future<byte[]> secret() {
        byte[] known = secret;
        if (known != null) {
            return Future.succeededFuture(known);
        }
        byte[] candidate = new byte[32];
        RANDOM.nextBytes(candidate);
        String key = store.keys().prefix() + ":case-link-secret";
        return store.setIfAbsent(key, HexFormat.of().formatHex(candidate)).compose(v -> store.get(key)).map(hex -> {
            secret = HexFormat.of().parseHex(hex);
            return secret;
        });
    }
}
