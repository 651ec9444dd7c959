package io.switchboard.routing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SHA-256 of a text, in hex (pool ids, the rules' membership fingerprint, agents' PIN hashes), and HMAC-SHA256 under a
 * secret (tokens, webhook signatures, chat identities, case links).
 */
public final class Sha256 {
    private Sha256() {
    }

    /** A Mac keyed with the secret, for many signatures (clone it per thread). */
    public static Mac hmacKeyed(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    /** HMAC-SHA256 of the text (UTF-8) under the secret. */
    public static byte[] hmac(byte[] secret, String text) {
        return hmacKeyed(secret).doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
