package dev.codi.gateway;

import java.util.random.RandomGenerator;

/**
 * Public resource ids: a prefix ("job_", "upl_") and 20 characters of lower-case base32, i.e.
 * 100 random bits — unguessable, and valid object-key ids ({@code ObjectKeys}). Job ids are
 * {@link #timed}: 35 bits of creation time and 65 random bits.
 */
public final class RandomIds {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final int LENGTH = 20; // 20 × 5 bits

    private RandomIds() {
    }

    /** Characters of a timed id that hold its creation second: 7 × 5 = 35 bits, enough until the year 3058. */
    private static final int TIME_LENGTH = 7;

    /**
     * An id of the same shape whose first 7 characters are its creation time in seconds since the
     * epoch (big-endian base32) and whose other 13 are random (65 bits): a gateway can tell that an
     * id it no longer knows belonged to a job that expired (410) rather than to none (404).
     */
    public static String timed(String prefix, java.time.Instant createdAt, RandomGenerator random) {
        StringBuilder id = new StringBuilder(prefix);
        long seconds = createdAt.getEpochSecond();
        for (int i = TIME_LENGTH - 1; i >= 0; i--) {
            id.append(ALPHABET[(int) ((seconds >>> (5 * i)) & 31)]);
        }
        for (int i = TIME_LENGTH; i < LENGTH; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }

    /** The creation time a {@link #timed} id holds, or empty when {@code id} is not one of that shape. */
    public static java.util.Optional<java.time.Instant> createdAt(String prefix, String id) {
        if (!id.startsWith(prefix) || id.length() != prefix.length() + LENGTH) {
            return java.util.Optional.empty();
        }
        long seconds = 0;
        for (int i = 0; i < TIME_LENGTH; i++) {
            int digit = new String(ALPHABET).indexOf(id.charAt(prefix.length() + i));
            if (digit < 0) {
                return java.util.Optional.empty();
            }
            seconds = (seconds << 5) | digit;
        }
        return java.util.Optional.of(java.time.Instant.ofEpochSecond(seconds));
    }

    public static String next(String prefix, RandomGenerator random) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < LENGTH; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
