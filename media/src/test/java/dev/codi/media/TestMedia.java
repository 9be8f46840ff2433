package dev.codi.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic media for the tests: Shapes & Tones style clips (docs/design.md §7). */
final class TestMedia {
    static final int[] RED = {220, 40, 40};
    static final int[] BACKGROUND = {20, 20, 30};

    private TestMedia() {
    }

    static RgbImage randomImage(int width, int height, long seed) {
        byte[] pixels = new byte[width * height * 3];
        new Random(seed).nextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }

    /** An 8x8 red square whose top-left corner is at (x, y) on a dark background. */
    static RgbImage squareAt(int width, int height, int left, int top, int size) {
        RgbImage image = RgbImage.blank(width, height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean inside = x >= left && x < left + size && y >= top && y < top + size;
                int[] colour = inside ? RED : BACKGROUND;
                image.set(x, y, colour[0], colour[1], colour[2]);
            }
        }
        return image;
    }

    /** 8 frames, 32x32, a red 8x8 square moving right 2 px per frame (14 px in all). */
    static VideoClip movingSquare() {
        List<RgbImage> frames = new ArrayList<>();
        for (int f = 0; f < 8; f++) {
            frames.add(squareAt(32, 32, 4 + 2 * f, 12, 8));
        }
        return new VideoClip(frames, 8.0);
    }

    static AudioClip tone(double frequency, int sampleRate, double seconds, double amplitude) {
        float[] samples = new float[(int) Math.round(sampleRate * seconds)];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (amplitude * Math.sin(2 * Math.PI * frequency * i / sampleRate));
        }
        return new AudioClip(sampleRate, samples);
    }

    /** Frequency estimated from upward zero crossings (exact enough for a clean sine). */
    static double zeroCrossingFrequency(AudioClip clip) {
        float[] s = clip.samples();
        int first = -1;
        int last = -1;
        int crossings = 0;
        for (int i = 1; i < s.length; i++) {
            if (s[i - 1] < 0 && s[i] >= 0) {
                if (first < 0) {
                    first = i;
                } else {
                    crossings++;
                }
                last = i;
            }
        }
        return crossings * clip.sampleRate() / (double) (last - first);
    }

    /** Centroid x of pixels whose red channel clearly dominates. */
    static double redCentroidX(RgbImage image) {
        double sum = 0;
        int count = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                if (image.channel(x, y, 0) > 120 && image.channel(x, y, 1) < 100) {
                    sum += x;
                    count++;
                }
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    static double meanAbsoluteError(RgbImage a, RgbImage b) {
        double sum = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            sum += Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF));
        }
        return sum / a.pixels().length;
    }

    static int maxAbsoluteError(RgbImage a, RgbImage b) {
        int max = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            max = Math.max(max, Math.abs((a.pixels()[i] & 0xFF) - (b.pixels()[i] & 0xFF)));
        }
        return max;
    }
}
