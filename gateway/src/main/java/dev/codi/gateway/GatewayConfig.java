package dev.codi.gateway;

import dev.codi.gateway.uploads.Uploads;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The gateway's own settings (the pipeline and object-store settings are read by their own
 * records from the same config).
 *
 * @param host             interface to listen on (CODI_HTTP_HOST, default 127.0.0.1)
 * @param port             CODI_HTTP_PORT, default 8080; 0 picks a free port
 * @param bodyLimitBytes   largest request body (CODI_BODY_LIMIT_BYTES, default 32 MiB)
 * @param artifactUrlTtl   lifetime of presigned artifact URLs (CODI_ARTIFACT_URL_TTL_SECONDS, default 3600)
 * @param modelDirectory   the served bundle, whose manifest /v1/models shows (CODI_MODEL_DIR), or null
 * @param idempotencyTtl   how long an Idempotency-Key is remembered after its job was created
 *                         (CODI_IDEMPOTENCY_TTL_SECONDS, default 86400)
 * @param uploadLimitBytes largest upload (CODI_UPLOAD_LIMIT_BYTES, default 64 MiB)
 * @param stallTimeout     a job with no progress for this long fails (CODI_JOB_STALL_TIMEOUT_SECONDS, default 1800)
 * @param jobCacheSize     finished jobs kept in memory, least recently used out first; older ones are
 *                         read back from the object store (CODI_JOB_CACHE_SIZE, default 10000)
 * @param jobRetention     a finished job, its inputs and artifacts are deleted this long after it was
 *                         created, and then answer 410 (CODI_JOB_RETENTION_SECONDS, default 604800: 7 days);
 *                         an upload answers 410 this long after it was uploaded
 * @param retentionSweep   how often expired jobs and uploads are looked for (CODI_RETENTION_SWEEP_SECONDS, default 3600)
 */
public record GatewayConfig(String host, int port, long bodyLimitBytes, Duration artifactUrlTtl, Path modelDirectory,
                            Duration idempotencyTtl, long uploadLimitBytes, Duration stallTimeout, int jobCacheSize,
                            Duration jobRetention, Duration retentionSweep) {
    public static final String HOST = "CODI_HTTP_HOST";
    public static final String PORT = "CODI_HTTP_PORT";
    public static final String BODY_LIMIT = "CODI_BODY_LIMIT_BYTES";
    public static final String ARTIFACT_URL_TTL = "CODI_ARTIFACT_URL_TTL_SECONDS";
    public static final String MODEL_DIR = "CODI_MODEL_DIR";
    public static final String UPLOAD_LIMIT = Uploads.LIMIT_VARIABLE;
    public static final String IDEMPOTENCY_TTL = dev.codi.gateway.idempotency.IdempotencyKeys.TTL_VARIABLE;
    public static final String JOB_CACHE_SIZE = "CODI_JOB_CACHE_SIZE";
    public static final String JOB_RETENTION = "CODI_JOB_RETENTION_SECONDS";
    public static final String RETENTION_SWEEP = "CODI_RETENTION_SWEEP_SECONDS";
    /** Replicate keeps API predictions 1 h, Modal function results 7 days; a job here lives as long as Kafka's default log retention. */
    public static final Duration DEFAULT_JOB_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_RETENTION_SWEEP = Duration.ofHours(1);

    public GatewayConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PORT + " must be within [0, 65535], got " + port);
        }
        if (bodyLimitBytes < 1024) {
            throw new IllegalArgumentException(BODY_LIMIT + " must be at least 1024, got " + bodyLimitBytes);
        }
        // S3 presigned URLs live at most 7 days (SigV4 limit).
        if (artifactUrlTtl.isNegative() || artifactUrlTtl.isZero() || artifactUrlTtl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException(ARTIFACT_URL_TTL + " must be within (0, 604800] seconds, got " + artifactUrlTtl.toSeconds());
        }
        if (uploadLimitBytes < 1024) {
            throw new IllegalArgumentException(UPLOAD_LIMIT + " must be at least 1024, got " + uploadLimitBytes);
        }
        if (idempotencyTtl.isNegative() || idempotencyTtl.isZero()) {
            throw new IllegalArgumentException(IDEMPOTENCY_TTL + " must be positive, got " + idempotencyTtl.toSeconds());
        }
        if (jobCacheSize < 1) {
            throw new IllegalArgumentException(JOB_CACHE_SIZE + " must be at least 1, got " + jobCacheSize);
        }
        if (jobRetention.toSeconds() < 1 || retentionSweep.toSeconds() < 1) {
            throw new IllegalArgumentException(JOB_RETENTION + " and " + RETENTION_SWEEP + " must be at least 1 second, got "
                    + jobRetention.toSeconds() + " and " + retentionSweep.toSeconds());
        }
    }

    public static GatewayConfig from(JsonObject config) {
        String modelDirectory = config.getString(MODEL_DIR);
        return new GatewayConfig(
                config.getString(HOST, "127.0.0.1"),
                Integer.parseInt(config.getValue(PORT, "8080").toString()),
                Long.parseLong(config.getValue(BODY_LIMIT, Long.toString(32L * 1024 * 1024)).toString()),
                Duration.ofSeconds(Long.parseLong(config.getValue(ARTIFACT_URL_TTL, "3600").toString())),
                modelDirectory == null || modelDirectory.isBlank() ? null : Path.of(modelDirectory),
                Duration.ofSeconds(Long.parseLong(config.getValue(IDEMPOTENCY_TTL,
                        Long.toString(dev.codi.gateway.idempotency.IdempotencyKeys.DEFAULT_TTL.toSeconds())).toString())),
                Long.parseLong(config.getValue(UPLOAD_LIMIT, Long.toString(Uploads.DEFAULT_LIMIT_BYTES)).toString()),
                Duration.ofSeconds(Long.parseLong(config.getValue(dev.codi.gateway.jobs.StallWatch.TIMEOUT_VARIABLE,
                        Long.toString(dev.codi.gateway.jobs.StallWatch.DEFAULT_TIMEOUT.toSeconds())).toString())),
                Integer.parseInt(config.getValue(JOB_CACHE_SIZE, Integer.toString(dev.codi.gateway.view.JobView.DEFAULT_RECENT_CAPACITY)).toString().trim()),
                Duration.ofSeconds(Long.parseLong(config.getValue(JOB_RETENTION, Long.toString(DEFAULT_JOB_RETENTION.toSeconds())).toString().trim())),
                Duration.ofSeconds(Long.parseLong(config.getValue(RETENTION_SWEEP, Long.toString(DEFAULT_RETENTION_SWEEP.toSeconds())).toString().trim())));
    }
}
