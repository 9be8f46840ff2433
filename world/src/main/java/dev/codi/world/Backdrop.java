package dev.codi.world;

import java.util.Random;

/**
 * The dark, mildly noisy background of an image or video and the noise on its shape. Each channel's
 * base plus the largest noise stays within {@link WorldSpec#BACKGROUND_MAX}, and drawing clamps too.
 *
 * @param red   base red level of the background, 0..24
 * @param green base green level, 0..24
 * @param blue  base blue level, 0..24
 * @param noise per-pixel uniform noise amplitude, 0..12 (the shape gets half of it)
 */
public record Backdrop(int red, int green, int blue, int noise) {
    public static final int MAX_BASE = 24;
    public static final int MAX_NOISE = 12;

    public Backdrop {
        requireWithin("red", red, MAX_BASE);
        requireWithin("green", green, MAX_BASE);
        requireWithin("blue", blue, MAX_BASE);
        requireWithin("noise", noise, MAX_NOISE);
    }

    public static Backdrop random(Random random) {
        int base = random.nextInt(4, 21);
        // a slight tint per channel, so backgrounds are not all neutral grey
        return new Backdrop(
                tinted(base, random), tinted(base, random), tinted(base, random), random.nextInt(2, MAX_NOISE + 1));
    }

    private static int tinted(int base, Random random) {
        return Math.max(0, Math.min(MAX_BASE, base + random.nextInt(-4, 5)));
    }

    private static void requireWithin(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " must be within [0, " + max + "], got " + value);
        }
    }
}
