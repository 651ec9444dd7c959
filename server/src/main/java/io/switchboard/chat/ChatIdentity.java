package io.switchboard.chat;

import io.switchboard.engine.ApiException;
import io.switchboard.routing.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Identity validation, as Chatwoot and Intercom do it: the website a customer is signed in to signs the customer's
 * email with a secret it shares with us ({@code HMAC-SHA256(secret, lower-cased email)}, hex) and hands the signature
 * to the widget. A signed email is the customer's; an unsigned one is only what somebody typed into the form.
 */
final class ChatIdentity {
    private final byte[] secret;
    private final boolean required;

    ChatIdentity(String secret, boolean required) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.required = required;
    }

    /** Whether this site signs identities at all: without a secret no email is ever more than claimed. */
    boolean checked() {
        return secret.length > 0;
    }

    /**
     * @return true when the website signed this email, false when it is only claimed (allowed)
     * @throws ApiException {@code identity_invalid} for a signature that does not match (a site with the wrong secret,
     *                      or an edited email), {@code identity_required} for none where one is required
     */
    boolean verified(String email, String signature) {
        boolean signed = signature != null && !signature.isBlank();
        if (!signed) {
            if (required) {
                throw new ApiException(403, "identity_required", "sign in on the website to chat with us");
            }
            return false;
        }
        if (!checked() || !MessageDigest.isEqual(expected(email), signature.strip().toLowerCase(Locale.ROOT)
                .getBytes(StandardCharsets.US_ASCII))) {
            throw new ApiException(403, "identity_invalid", "the identity's signature does not match its email");
        }
        return true;
    }

    private byte[] expected(String email) {
        byte[] digest = Sha256.hmac(secret, email.strip().toLowerCase(Locale.ROOT));
        return HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
    }
}
