package dev.codi.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys the gateway accepts, stored hashed (docs/design.md §4): only the SHA-256 of each key is
 * kept. A fast hash is enough because keys are 256 random bits, not passwords: there is nothing
 * to brute-force. The owner of a job, an upload or a webhook secret is the key's id, derived from
 * its hash, so the key itself is never written anywhere (not to Kafka, not to logs).
 */
public final class ApiKeys {
    /** Plain keys, comma-separated; hashed on load and then forgotten. */
    public static final String KEYS_VARIABLE = "CODI_API_KEYS";
    /** Hex SHA-256 of keys, comma-separated: for deployments that should not hold the keys at all. */
    public static final String KEY_HASHES_VARIABLE = "CODI_API_KEY_SHA256";
    /** Every key we generate starts so, which makes a leaked one easy to find by secret scanners. */
    public static final String KEY_PREFIX = "codi_sk_";
    private static final int KEY_RANDOM_BYTES = 32;
    /** An owner id is {@code key_} and this many hex digits of the key's hash (64 bits). */
    private static final int OWNER_HEX_DIGITS = 16;

    private final Map<String, String> ownerByHash;

    private ApiKeys(Map<String, String> ownerByHash) {
        this.ownerByHash = Map.copyOf(ownerByHash);
    }

    public static ApiKeys of(Collection<String> plainKeys, Collection<String> sha256Hex) {
        Map<String, String> owners = new HashMap<>();
        for (String key : plainKeys) {
            String hash = sha256Hex(key);
            owners.put(hash, ownerOf(hash));
        }
        for (String hash : sha256Hex) {
            String normalised = hash.toLowerCase(java.util.Locale.ROOT);
            if (!normalised.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(KEY_HASHES_VARIABLE + " must hold 64-digit hex SHA-256 values, got '" + hash + "'");
            }
            owners.put(normalised, ownerOf(normalised));
        }
        if (owners.isEmpty()) {
            throw new IllegalArgumentException("no API key configured: set " + KEYS_VARIABLE + " (comma-separated keys) or "
                    + KEY_HASHES_VARIABLE + " (their hex SHA-256)");
        }
        return new ApiKeys(owners);
    }

    /** Reads {@link #KEYS_VARIABLE} and {@link #KEY_HASHES_VARIABLE} from a deployment config. */
    public static ApiKeys fromConfig(io.vertx.core.json.JsonObject config) {
        return of(split(config.getString(KEYS_VARIABLE)), split(config.getString(KEY_HASHES_VARIABLE)));
    }

    /** The owner id of a presented key, when it is one of ours. */
    public Optional<String> authenticate(String presentedKey) {
        return Optional.ofNullable(ownerByHash.get(sha256Hex(presentedKey)));
    }

    public int size() {
        return ownerByHash.size();
    }

    /** A new random key, {@code codi_sk_} + 43 base64url characters. */
    public static String newKey(SecureRandom random) {
        byte[] bytes = new byte[KEY_RANDOM_BYTES];
        random.nextBytes(bytes);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The owner id of a key, as jobs carry it. */
    public static String ownerOfKey(String plainKey) {
        return ownerOf(sha256Hex(plainKey));
    }

    public static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String ownerOf(String sha256Hex) {
        return "key_" + sha256Hex.substring(0, OWNER_HEX_DIGITS);
    }

    private static List<String> split(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(list.split(",")).map(String::strip).filter(item -> !item.isEmpty()).toList();
    }
}
