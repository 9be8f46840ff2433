package dev.codi.media;

import java.util.Locale;

/**
 * The wall-clock budget of one decode ({@link MediaLimits#decodeSeconds()}). Our own loops call
 * {@link #check()} as they go, so a decode past its deadline stops itself: nothing has to be
 * killed from outside, and nothing shared is left half-written.
 */
final class DecodeDeadline {
    private final String what;
    private final double seconds;
    private final long deadlineNanos;

    private DecodeDeadline(String what, double seconds) {
        this.what = what;
        this.seconds = seconds;
        this.deadlineNanos = System.nanoTime() + (long) (seconds * 1e9);
    }

    static DecodeDeadline start(String what, MediaLimits limits) {
        return new DecodeDeadline(what, limits.decodeSeconds());
    }

    boolean passed() {
        return System.nanoTime() - deadlineNanos > 0;
    }

    long remainingNanos() {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    void check() throws MediaDecodeException {
        if (passed()) {
            throw expired();
        }
    }

    /** The same check for loops that cannot throw a checked exception (ImageIO callbacks). */
    void checkUnchecked() {
        if (passed()) {
            throw new Expired(expired());
        }
    }

    MediaDecodeException expired() {
        return new MediaDecodeException(String.format(Locale.ROOT,
                "%s did not finish within %.1f s; the input is too costly to decode or corrupt", what, seconds));
    }

    /** Carries the deadline's {@link MediaDecodeException} out of code that only lets unchecked ones through. */
    static final class Expired extends RuntimeException {
        Expired(MediaDecodeException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        MediaDecodeException decodeException() {
            return (MediaDecodeException) getCause();
        }
    }
}
