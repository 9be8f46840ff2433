package dev.codi.gateway.admission;

/**
 * A token bucket (the classic rate limiter, as in RFC 2697's committed burst): holds up to
 * {@code capacity} tokens, gains {@code ratePerSecond} per second, and each request takes one.
 * Thread-safe.
 */
final class TokenBucket {
    private final double capacity;
    private final double ratePerNano;
    private double tokens;
    private long updatedNanos;

    TokenBucket(int capacity, double ratePerSecond, long nowNanos) {
        this.capacity = capacity;
        this.ratePerNano = ratePerSecond / 1e9;
        this.tokens = capacity;
        this.updatedNanos = nowNanos;
    }

    /** Takes a token and returns 0, or returns the nanoseconds until one will be there (taking none). */
    synchronized long take(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - updatedNanos) * ratePerNano);
        updatedNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / ratePerNano);
    }

    /** Full again: the bucket may be forgotten. */
    synchronized boolean full(long nowNanos) {
        return tokens + (nowNanos - updatedNanos) * ratePerNano >= capacity;
    }
}
