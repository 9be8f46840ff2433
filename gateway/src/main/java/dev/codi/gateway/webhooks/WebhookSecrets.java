package dev.codi.gateway.webhooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Each API key's {@code whsec_} signing secret. Secrets are derived, never stored: secret =
 * HMAC-SHA256(operator signing key, owner "#" generation), so any gateway instance computes the
 * same one and only the rotation counter lives in Kafka. After a rotation the previous secret
 * still signs (a second signature in {@code webhook-signature}) for {@link #grace}, giving
 * receivers time to switch (Standard Webhooks, "Zero downtime secret rotation").
 */
public final class WebhookSecrets {
    public static final String SIGNING_KEY_VARIABLE = "CODI_WEBHOOK_SIGNING_KEY";
    public static final String GRACE_VARIABLE = "CODI_WEBHOOK_SECRET_GRACE_SECONDS";
    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
    /** Shortest operator signing key: 256 bits as base64 is 44 characters; demand at least 32 characters. */
    public static final int MIN_SIGNING_KEY_LENGTH = 32;

    private final byte[] signingKey;
    private final Duration grace;
    private final WebhookState state;

    public WebhookSecrets(String signingKey, Duration grace, WebhookState state) {
        if (signingKey == null || signingKey.length() < MIN_SIGNING_KEY_LENGTH) {
            throw new IllegalArgumentException(SIGNING_KEY_VARIABLE + " must be set to a random string of at least "
                    + MIN_SIGNING_KEY_LENGTH + " characters (it derives every API key's webhook secret)");
        }
        this.signingKey = signingKey.getBytes(StandardCharsets.UTF_8);
        this.grace = grace;
        this.state = state;
    }

    public Duration grace() {
        return grace;
    }

    public String current(String owner) {
        return secret(owner, state.rotation(owner).generation());
    }

    /** The previous secret and when it stops signing, while a rotation's grace period lasts; else null. */
    public Previous previous(String owner, Instant now) {
        WebhookState.Rotation rotation = state.rotation(owner);
        if (rotation.generation() == 0 || rotation.rotatedAt().plus(grace).isBefore(now)) {
            return null;
        }
        return new Previous(secret(owner, rotation.generation() - 1), rotation.rotatedAt().plus(grace));
    }

    public record Previous(String secret, Instant expiresAt) {
    }

    /** The secrets that sign a delivery now: the current one, and the previous one during a grace period. */
    public List<String> signing(String owner, Instant now) {
        List<String> secrets = new ArrayList<>();
        secrets.add(current(owner));
        Previous previous = previous(owner, now);
        if (previous != null) {
            secrets.add(previous.secret());
        }
        return secrets;
    }

    private String secret(String owner, int generation) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            byte[] derived = mac.doFinal((owner + "#" + generation).getBytes(StandardCharsets.UTF_8));
            return WebhookSigner.SECRET_PREFIX + Base64.getEncoder().encodeToString(derived);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
        }
    }
}
