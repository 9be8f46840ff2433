package dev.codi.world;

import java.util.Locale;
import java.util.Optional;

/**
 * The six colors of the Shapes &amp; Tones world (docs/design.md §7). A color is drawn as its RGB value in
 * images and videos and sounded as its pitch in audio.
 */
public enum Color {
    RED(220, 40, 40, 261.63),
    ORANGE(240, 140, 20, 293.66),
    YELLOW(230, 220, 40, 329.63),
    GREEN(40, 180, 60, 392.00),
    BLUE(40, 90, 220, 440.00),
    PURPLE(150, 50, 200, 523.25);

    private final int red;
    private final int green;
    private final int blue;
    private final double pitchHz;

    Color(int red, int green, int blue, double pitchHz) {
        this.red = red;
        this.green = green;
        this.blue = blue;
        this.pitchHz = pitchHz;
    }

    public int red() {
        return red;
    }

    public int green() {
        return green;
    }

    public int blue() {
        return blue;
    }

    /** Fundamental frequency of this color's tone. */
    public double pitchHz() {
        return pitchHz;
    }

    /** The word captions use for this color. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Color> fromWord(String word) {
        for (Color color : values()) {
            if (color.word().equals(word)) {
                return Optional.of(color);
            }
        }
        return Optional.empty();
    }

    /** The spec color nearest to an RGB value (Euclidean distance in RGB). */
    public static Color nearest(double red, double green, double blue) {
        Color best = RED;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (Color color : values()) {
            double dr = red - color.red;
            double dg = green - color.green;
            double db = blue - color.blue;
            double distance = dr * dr + dg * dg + db * db;
            if (distance < bestDistance) {
                bestDistance = distance;
                best = color;
            }
        }
        return best;
    }
}
