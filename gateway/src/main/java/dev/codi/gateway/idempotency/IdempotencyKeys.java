package dev.codi.gateway.idempotency;

import dev.codi.gateway.http.Problem;
import dev.codi.protocol.JobSpec;
import dev.codi.protocol.events.JobEvent;
import io.vertx.core.buffer.Buffer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * {@code Idempotency-Key} for {@code POST /v1/jobs}, after the IETF httpapi draft
 * "The Idempotency-Key HTTP Header Field" (draft-ietf-httpapi-idempotency-key-header):
 * <ul>
 *   <li>a retry with the same key and the same body replays the first answer (the same job);</li>
 *   <li>the same key with a different body is refused with 422 (draft §2.7, "reused key");</li>
 *   <li>the same key while the first request is still being processed is refused with 409 (§2.7);</li>
 *   <li>keys are scoped per API key, and forgotten {@link #ttl} after the job was created (§2.3).</li>
 * </ul>
 * The fingerprint (§2.4) is the SHA-256 of the request body's bytes. A request that fails is not
 * remembered: its key may be used again. Accepted keys travel in the job's {@code queued} event,
 * so the view of every gateway, restarted or not, remembers them ({@link #remember}). Confined to
 * the gateway's event loop.
 */
public final class IdempotencyKeys {
    public static final String HEADER = "Idempotency-Key";
    /** Longest key accepted; a UUID (36 characters) is the draft's example. */
    public static final int MAX_KEY_LENGTH = 255;
    public static final String TTL_VARIABLE = "CODI_IDEMPOTENCY_TTL_SECONDS";
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);

    private record Scope(String owner, String key) {
    }

    private record Accepted(JobSpec job, String fingerprint) {
        String jobId() {
            return job.id();
        }
    }

    private final Map<Scope, String> inFlight = new HashMap<>();
    private final Map<Scope, Accepted> accepted = new HashMap<>();
    private final Duration ttl;
    private final Clock clock;

    public IdempotencyKeys(Duration ttl, Clock clock) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException(TTL_VARIABLE + " must be positive, got " + ttl.toSeconds());
        }
        this.ttl = ttl;
        this.clock = clock;
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * Reads the header: an RFC 8941 sf-string ({@code "abc"}, the draft's form) or, leniently, a
     * bare token. Returns empty when absent; throws a 400 problem when unusable.
     */
    public static Optional<String> parseHeader(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String key = value.strip();
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1);
        }
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\')) {
            throw new Problem(400, "/problems/invalid-idempotency-key", "The Idempotency-Key is not usable",
                    HEADER + " must be 1-" + MAX_KEY_LENGTH + " printable ASCII characters without quotes or backslashes, e.g. a UUID in quotes");
        }
        return Optional.of(key);
    }

    public static String fingerprint(Buffer body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Starts a request under a key: empty means go ahead (and later {@link #complete} or
     * {@link #abandon}); a job means replay that job's answer. Throws 409 or 422 problems.
     */
    public Optional<JobSpec> begin(String owner, String key, String fingerprint) {
        Scope scope = new Scope(owner, key);
        Accepted first = accepted.get(scope);
        if (first != null && expired(first)) {
            accepted.remove(scope);
            first = null;
        }
        if (first != null) {
            if (!first.fingerprint().equals(fingerprint)) {
                throw new Problem(422, "/problems/idempotency-key-reused", "The Idempotency-Key was used for another request",
                        HEADER + " '" + key + "' was first used with a different body (job " + first.jobId()
                                + "); use a new key for a new request");
            }
            return Optional.of(first.job());
        }
        if (inFlight.containsKey(scope)) {
            throw new Problem(409, "/problems/idempotency-key-in-flight", "A request with this Idempotency-Key is in progress",
                    "the first request with " + HEADER + " '" + key + "' is still being processed; retry after it has answered")
                    .header("Retry-After", "1");
        }
        inFlight.put(scope, fingerprint);
        return Optional.empty();
    }

    public void complete(String key, String fingerprint, JobSpec job) {
        Scope scope = new Scope(job.owner(), key);
        inFlight.remove(scope);
        accepted.putIfAbsent(scope, new Accepted(job, fingerprint));
    }

    public void abandon(String owner, String key) {
        inFlight.remove(new Scope(owner, key));
    }

    /** Learns an accepted key from a job's queued event (this gateway's or another's). */
    public void remember(JobEvent.Queued queued) {
        JobEvent.IdempotencyKey idempotency = queued.idempotency();
        if (idempotency != null) {
            Accepted entry = new Accepted(queued.job(), idempotency.fingerprint());
            if (!expired(entry)) {
                accepted.putIfAbsent(new Scope(queued.job().owner(), idempotency.key()), entry);
            }
        }
    }

    /** Forgets expired keys; called periodically. */
    public void purgeExpired() {
        accepted.values().removeIf(this::expired);
    }

    private boolean expired(Accepted entry) {
        return entry.job().createdAt().plus(ttl).isBefore(clock.instant());
    }
}
