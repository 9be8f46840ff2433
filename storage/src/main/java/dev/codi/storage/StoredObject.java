package dev.codi.storage;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the store holds under a key.
 *
 * @param key         the object key
 * @param contentType MIME type, as served back on GET
 * @param bytes       size in bytes
 * @param sha256Hex   SHA-256 of the content, 64 lowercase hex digits
 */
public record StoredObject(String key, String contentType, long bytes, String sha256Hex) {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public StoredObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(sha256Hex, "sha256Hex");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
        }
        if (!SHA256_HEX.matcher(sha256Hex).matches()) {
            throw new IllegalArgumentException("sha256Hex must be 64 lowercase hex digits, got '" + sha256Hex + "'");
        }
    }
}
