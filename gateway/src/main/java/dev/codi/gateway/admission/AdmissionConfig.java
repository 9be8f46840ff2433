package dev.codi.gateway.admission;

import io.vertx.core.json.JsonObject;

/**
 * How much work the gateway admits, from CODI_* variables.
 *
 * @param decodeThreads     threads validating inputs (CODI_DECODE_THREADS, default: the CPU count, at least 2)
 * @param decodeQueue       validations waiting for a thread before new ones get 503 (CODI_DECODE_QUEUE, default 16)
 * @param retryAfterSeconds the Retry-After of an overload answer (CODI_RETRY_AFTER_SECONDS, default 5)
 */
public record AdmissionConfig(int decodeThreads, int decodeQueue, int retryAfterSeconds) {
    public static final String DECODE_THREADS = "CODI_DECODE_THREADS";
    public static final String DECODE_QUEUE = "CODI_DECODE_QUEUE";
    public static final String RETRY_AFTER = "CODI_RETRY_AFTER_SECONDS";

    public AdmissionConfig {
        if (decodeThreads < 1) {
            throw new IllegalArgumentException(DECODE_THREADS + " must be at least 1, got " + decodeThreads);
        }
        if (decodeQueue < 1) {
            throw new IllegalArgumentException(DECODE_QUEUE + " must be at least 1, got " + decodeQueue);
        }
        if (retryAfterSeconds < 1) {
            throw new IllegalArgumentException(RETRY_AFTER + " must be at least 1, got " + retryAfterSeconds);
        }
    }

    public static AdmissionConfig from(JsonObject config) {
        return new AdmissionConfig(
                integer(config, DECODE_THREADS, Math.max(2, Runtime.getRuntime().availableProcessors())),
                integer(config, DECODE_QUEUE, 16),
                integer(config, RETRY_AFTER, 5));
    }

    private static int integer(JsonObject config, String name, int fallback) {
        Object value = config.getValue(name);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
        }
    }
}
