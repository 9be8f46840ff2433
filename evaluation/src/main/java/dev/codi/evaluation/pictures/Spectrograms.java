package dev.codi.evaluation.pictures;

import dev.codi.media.AudioClip;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * Log-magnitude spectrograms of audio clips, stacked with labels: time left to right, frequency
 * bottom to top up to {@link #MAX_HZ} (the world's pitches are 262–523 Hz; the timbres live in the
 * harmonics above), 60 dB of range under each clip's peak, viridis colours.
 */
public final class Spectrograms {
    /** STFT window (Hann) and hop, in samples at 16 kHz: 32 ms windows, 8 ms hops. */
    static final int WINDOW = 512;
    static final int HOP = 128;
    static final double MAX_HZ = 4000;
    static final double RANGE_DB = 60;
    static final int PIXELS_PER_FRAME = 3;
    static final int PIXELS_PER_BIN = 1;

    /** One clip and its label. */
    public record Row(String label, AudioClip clip) {
    }

    private Spectrograms() {
    }

    /** Magnitudes in dB relative to the clip's peak, clipped at −{@link #RANGE_DB}: [frame][bin], bins 0 Hz…MAX_HZ. */
    static double[][] decibels(AudioClip clip) {
        float[] samples = clip.samples();
        int frames = Math.max(1, 1 + (samples.length - WINDOW) / HOP);
        int bins = (int) Math.min(WINDOW / 2, Math.floor(MAX_HZ * WINDOW / clip.sampleRate()));
        double[] hann = new double[WINDOW];
        for (int n = 0; n < WINDOW; n++) {
            hann[n] = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / WINDOW);
        }
        double[][] db = new double[frames][bins];
        double peak = 1e-12;
        double[] re = new double[WINDOW];
        double[] im = new double[WINDOW];
        for (int f = 0; f < frames; f++) {
            for (int n = 0; n < WINDOW; n++) {
                int index = f * HOP + n;
                re[n] = index < samples.length ? samples[index] * hann[n] : 0;
                im[n] = 0;
            }
            Fft.transform(re, im);
            for (int b = 0; b < bins; b++) {
                double magnitude = Math.hypot(re[b], im[b]);
                db[f][b] = magnitude;
                peak = Math.max(peak, magnitude);
            }
        }
        for (double[] frame : db) {
            for (int b = 0; b < bins; b++) {
                frame[b] = Math.max(-RANGE_DB, 20 * Math.log10(Math.max(frame[b], 1e-12) / peak));
            }
        }
        return db;
    }

    /** Width and height of the picture of {@code panels} clips of {@code sampleRate} audio in {@code columns} columns. */
    public static int[] size(int panels, int columns, int samples, int sampleRate) {
        int frames = Math.max(1, 1 + (samples - WINDOW) / HOP);
        int bins = (int) Math.min(WINDOW / 2, Math.floor(MAX_HZ * WINDOW / sampleRate));
        int rows = (panels + columns - 1) / columns;
        return new int[] {ImageGrid.GAP + columns * (frames * PIXELS_PER_FRAME + ImageGrid.GAP),
                ImageGrid.GAP + rows * (ImageGrid.LABEL_HEIGHT + bins * PIXELS_PER_BIN + ImageGrid.GAP)};
    }

    /** Panels left to right, then top to bottom, {@code columns} to a row. */
    public static BufferedImage draw(List<Row> rows, int columns) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no audio to draw");
        }
        List<double[][]> spectra = rows.stream().map(row -> decibels(row.clip())).toList();
        int panelWidth = spectra.stream().mapToInt(s -> s.length).max().orElseThrow() * PIXELS_PER_FRAME;
        int panelHeight = spectra.stream().mapToInt(s -> s[0].length).max().orElseThrow() * PIXELS_PER_BIN;
        int gap = ImageGrid.GAP;
        int labelHeight = ImageGrid.LABEL_HEIGHT;
        int gridRows = (rows.size() + columns - 1) / columns;
        BufferedImage picture = Canvas.blank(gap + columns * (panelWidth + gap), gap + gridRows * (labelHeight + panelHeight + gap));
        for (int r = 0; r < rows.size(); r++) {
            int top = gap + (r / columns) * (labelHeight + panelHeight + gap);
            int left = gap + (r % columns) * (panelWidth + gap);
            Canvas.label(picture, (r + 1) + ". " + rows.get(r).label(), left, top + labelHeight - 5);
            double[][] db = spectra.get(r);
            for (int f = 0; f < db.length; f++) {
                for (int b = 0; b < db[f].length; b++) {
                    int rgb = Colormap.rgb(1 + db[f][b] / RANGE_DB);
                    for (int dx = 0; dx < PIXELS_PER_FRAME; dx++) {
                        for (int dy = 0; dy < PIXELS_PER_BIN; dy++) {
                            // low frequencies at the bottom of the panel
                            picture.setRGB(left + f * PIXELS_PER_FRAME + dx, top + labelHeight + panelHeight - 1 - (b * PIXELS_PER_BIN + dy), rgb);
                        }
                    }
                }
            }
        }
        return picture;
    }

    public static void write(List<Row> rows, int columns, Path file) {
        Canvas.writePng(draw(rows, columns), file);
    }
}
