package dev.codi.gateway.webhooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Standard Webhooks v1 signatures (standardwebhooks.com, spec "Signature scheme"):
 * <pre>
 * signed content    = webhook-id + "." + webhook-timestamp + "." + body
 * signature         = base64( HMAC-SHA256( key, signed content ) )
 * key               = base64-decode( secret without its "whsec_" prefix )
 * webhook-signature = "v1," + signature  [ " " + "v1," + signature of another secret ... ]
 * </pre>
 * Several space-delimited signatures let a receiver verify with either secret while one is
 * being rotated (spec: "Zero downtime secret rotation").
 */
public final class WebhookSigner {
    public static final String SECRET_PREFIX = "whsec_";
    public static final String VERSION = "v1";

    private WebhookSigner() {
    }

    /** The {@code webhook-signature} header value: one signature per secret, in order. */
    public static String signatureHeader(List<String> secrets, String webhookId, long timestampSeconds, String body) {
        return secrets.stream().map(secret -> VERSION + "," + sign(secret, webhookId, timestampSeconds, body))
                .collect(Collectors.joining(" "));
    }

    public static String sign(String secret, String webhookId, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            byte[] signed = mac.doFinal((webhookId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java platform", e);
        }
    }

    private static byte[] key(String secret) {
        if (!secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + SECRET_PREFIX);
        }
        return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    }
}
