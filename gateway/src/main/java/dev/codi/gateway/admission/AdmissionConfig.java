package dev.codi.gateway.admission;

import io.vertx.core.json.JsonObject;

/**
 * How much work the gateway admits, from CODI_* variables. Per-key limits keep one key from
 * hurting others; the global ones keep the process and the pipeline within their means.
 *
 * @param decodeThreads           threads validating inputs (CODI_DECODE_THREADS, default: the CPU count, at least 2)
 * @param decodeQueue             validations waiting for a thread before new ones get 503 (CODI_DECODE_QUEUE, default 16)
 * @param retryAfterSeconds       the Retry-After of an overload answer (CODI_RETRY_AFTER_SECONDS, default 5)
 * @param requestsPerSecond       a key's sustained request rate (CODI_RATE_LIMIT_PER_SECOND, default 20)
 * @param requestBurst            requests a key may send at once after a quiet spell (CODI_RATE_LIMIT_BURST, default 40)
 * @param activeJobsPerKey        a key's jobs queued or running (CODI_MAX_ACTIVE_JOBS_PER_KEY, default 32)
 * @param eventStreamsPerKey      a key's open SSE streams (CODI_MAX_EVENT_STREAMS_PER_KEY, default 16)
 * @param uploadBytesPerKey       a key's upload bytes in flight (CODI_MAX_UPLOAD_BYTES_IN_FLIGHT_PER_KEY, default 256 MiB)
 * @param maxConnections          open HTTP connections; more are closed at once (CODI_MAX_CONNECTIONS, default 1024)
 * @param idleTimeoutSeconds      a connection with no bytes either way is closed (CODI_HTTP_IDLE_TIMEOUT_SECONDS, default 75:
 *                                above Prefer: wait's 60 s, during which nothing is sent)
 * @param requestTimeoutSeconds   a whole request, from its headers to its answer; event streams excepted
 *                                (CODI_REQUEST_TIMEOUT_SECONDS, default 120: above Prefer: wait's 60 s)
 * @param maxPipelineBacklog      jobs queued or running in the whole pipeline past which new jobs get 503
 *                                (CODI_MAX_PIPELINE_BACKLOG, default 2000)
 */
public record AdmissionConfig(int decodeThreads, int decodeQueue, int retryAfterSeconds, double requestsPerSecond,
                              int requestBurst, int activeJobsPerKey, int eventStreamsPerKey, long uploadBytesPerKey,
                              int maxConnections, int idleTimeoutSeconds, int requestTimeoutSeconds,
                              int maxPipelineBacklog) {
    public static final String DECODE_THREADS = "CODI_DECODE_THREADS";
    public static final String DECODE_QUEUE = "CODI_DECODE_QUEUE";
    public static final String RETRY_AFTER = "CODI_RETRY_AFTER_SECONDS";
    public static final String RATE = "CODI_RATE_LIMIT_PER_SECOND";
    public static final String BURST = "CODI_RATE_LIMIT_BURST";
    public static final String ACTIVE_JOBS = "CODI_MAX_ACTIVE_JOBS_PER_KEY";
    public static final String EVENT_STREAMS = "CODI_MAX_EVENT_STREAMS_PER_KEY";
    public static final String UPLOAD_BYTES = "CODI_MAX_UPLOAD_BYTES_IN_FLIGHT_PER_KEY";
    public static final String CONNECTIONS = "CODI_MAX_CONNECTIONS";
    public static final String IDLE_TIMEOUT = "CODI_HTTP_IDLE_TIMEOUT_SECONDS";
    public static final String REQUEST_TIMEOUT = "CODI_REQUEST_TIMEOUT_SECONDS";
    public static final String PIPELINE_BACKLOG = "CODI_MAX_PIPELINE_BACKLOG";

    public AdmissionConfig {
        positive(DECODE_THREADS, decodeThreads);
        positive(DECODE_QUEUE, decodeQueue);
        positive(RETRY_AFTER, retryAfterSeconds);
        if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
            throw new IllegalArgumentException(RATE + " must be a positive number, got " + requestsPerSecond);
        }
        positive(BURST, requestBurst);
        positive(ACTIVE_JOBS, activeJobsPerKey);
        positive(EVENT_STREAMS, eventStreamsPerKey);
        positive(UPLOAD_BYTES, uploadBytesPerKey);
        positive(CONNECTIONS, maxConnections);
        positive(IDLE_TIMEOUT, idleTimeoutSeconds);
        positive(REQUEST_TIMEOUT, requestTimeoutSeconds);
        positive(PIPELINE_BACKLOG, maxPipelineBacklog);
    }

    public static AdmissionConfig defaults() {
        return from(new JsonObject());
    }

    public static AdmissionConfig from(JsonObject config) {
        return new AdmissionConfig(
                (int) number(config, DECODE_THREADS, Math.max(2, Runtime.getRuntime().availableProcessors())),
                (int) number(config, DECODE_QUEUE, 16),
                (int) number(config, RETRY_AFTER, 5),
                number(config, RATE, 20),
                (int) number(config, BURST, 40),
                (int) number(config, ACTIVE_JOBS, 32),
                (int) number(config, EVENT_STREAMS, 16),
                (long) number(config, UPLOAD_BYTES, 256L * 1024 * 1024),
                (int) number(config, CONNECTIONS, 1024),
                (int) number(config, IDLE_TIMEOUT, 75),
                (int) number(config, REQUEST_TIMEOUT, 120),
                (int) number(config, PIPELINE_BACKLOG, 2000));
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }

    private static double number(JsonObject config, String name, double fallback) {
        Object value = config.getValue(name);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
        }
    }
}
