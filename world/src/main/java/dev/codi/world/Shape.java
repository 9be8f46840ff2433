package dev.codi.world;

import java.util.Locale;
import java.util.Optional;

/**
 * The four shapes (docs/design.md §7). A shape is drawn as a filled figure in images and videos and sounded
 * as a timbre in audio.
 */
public enum Shape {
    CIRCLE(Timbre.SINE),
    SQUARE(Timbre.SQUARE),
    /** Isosceles, apex up, base along the bottom of the bounding box. */
    TRIANGLE(Timbre.TRIANGLE),
    /** A plus sign whose arms are a third of the size wide. */
    CROSS(Timbre.SAWTOOTH);

    private final Timbre timbre;

    Shape(Timbre timbre) {
        this.timbre = timbre;
    }

    public Timbre timbre() {
        return timbre;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Shape> fromWord(String word) {
        for (Shape shape : values()) {
            if (shape.word().equals(word)) {
                return Optional.of(shape);
            }
        }
        return Optional.empty();
    }

    /** The waveform a shape sounds as, with its Fourier series amplitude of harmonic n (1-based). */
    public enum Timbre {
        /** Only the fundamental. */
        SINE,
        /** Odd harmonics with amplitude 1/n. */
        SQUARE,
        /** Odd harmonics with amplitude 1/n², alternating in sign. */
        TRIANGLE,
        /** All harmonics with amplitude 1/n. */
        SAWTOOTH;

        /** Signed amplitude of harmonic {@code n} relative to the fundamental, from the Fourier series. */
        public double harmonic(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("harmonic numbers start at 1, got " + n);
            }
            boolean odd = n % 2 == 1;
            return switch (this) {
                case SINE -> n == 1 ? 1 : 0;
                case SQUARE -> odd ? 1.0 / n : 0;
                case TRIANGLE -> odd ? ((n / 2) % 2 == 0 ? 1 : -1) / (double) (n * n) : 0;
                case SAWTOOTH -> (odd ? 1 : -1) / (double) n;
            };
        }
    }
}
