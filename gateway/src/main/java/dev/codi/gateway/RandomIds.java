package dev.codi.gateway;

import java.util.random.RandomGenerator;

/**
 * Public resource ids: a prefix ("job_", "upl_") and 20 characters of lower-case base32, i.e.
 * 100 random bits — unguessable, and valid object-key ids ({@code ObjectKeys}).
 */
public final class RandomIds {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final int LENGTH = 20; // 20 × 5 bits

    private RandomIds() {
    }

    public static String next(String prefix, RandomGenerator random) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < LENGTH; i++) {
            id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }
}
