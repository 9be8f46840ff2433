package dev.codi.evaluation;

import java.util.Random;

/**
 * Seeds of the report's draws, derived from the report seed, a section tag and indexes, so each
 * draw is reproducible on its own and does not shift when another section or count changes.
 */
public final class Seeds {
    private Seeds() {
    }

    public static long of(long seed, String tag, long... indexes) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L * (tag.hashCode() + 1L)); // String.hashCode is fixed by the JLS
        for (long index : indexes) {
            h = mix(h ^ mix(index + 0x632BE59BD9B4E019L));
        }
        return h;
    }

    public static Random random(long seed, String tag, long... indexes) {
        return new Random(of(seed, tag, indexes));
    }

    /** SplitMix64's finaliser (Steele, Lea, Flood 2014). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
