package dev.codi.evaluation.spec;

import dev.codi.media.AudioClip;
import dev.codi.media.GifCodec;
import dev.codi.media.ImageCodec;
import dev.codi.media.MediaDecodeException;
import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import dev.codi.media.Mp4Codec;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import dev.codi.media.WavCodec;
import dev.codi.world.Attributes;
import dev.codi.world.Color;
import dev.codi.world.Motion;
import dev.codi.world.Shape;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * A second analytic judge, written from the spec's table alone (docs/design.md §7, §7.1) and independent
 * of the project's judge: its own features and thresholds, so that a figure that holds under both is a
 * property of the outputs and not of one judge.
 * <ul>
 *   <li>image: the largest region contrasting with the border's median ({@link Silhouette}); color by
 *       the hue of its most contrasting half, nearest the spec colors' hues; shape by two ratios of
 *       contrast-weighted coverage — of the bounding box (square 1, circle π/4, cross 5/9, triangle ½) and
 *       of its top half to its bottom half (triangle ⅓, every other shape 1);</li>
 *   <li>video: each frame as an image, color and shape by majority over frames; motion by the
 *       centroid's displacement from the first to the last frame, along its larger axis (≥ 2 px);</li>
 *   <li>audio: DFT magnitudes at the six pitches (best within ±1 %), the color the loudest; shape by
 *       the 2nd and 3rd harmonics relative to the fundamental (sawtooth ½ and ⅓, square 0 and ⅓,
 *       triangle 0 and 1/9, sine 0 and 0), thresholds at the geometric midpoints; motion by the
 *       20 ms RMS envelope: bumps over half the peak, with hysteresis down to a quarter (2 → left,
 *       3 or more → right), else the louder of the first and last 40 %;</li>
 *   <li>text: the attribute words, a value known when exactly one is named.</li>
 * </ul>
 */
public final class SpecJudge {
    private SpecJudge() {
    }

    /** Judges an artifact's bytes; unreadable bytes read as nothing known. */
    public static Attributes judge(Modality modality, byte[] file) {
        try {
            return switch (modality) {
                case TEXT -> text(new String(file, StandardCharsets.UTF_8));
                case IMAGE -> image(ImageCodec.decode(file));
                case AUDIO -> audio(WavCodec.decode(file));
                case VIDEO -> video(MediaType.sniff(file).orElse(MediaType.MP4) == MediaType.GIF
                        ? GifCodec.decode(file) : Mp4Codec.decode(file));
            };
        } catch (MediaDecodeException e) {
            return Attributes.none();
        }
    }

    public static Attributes text(String text) {
        Color color = null;
        Shape shape = null;
        Motion motion = null;
        int colors = 0;
        int shapes = 0;
        int motions = 0;
        for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            for (Color c : Color.values()) {
                if (c.word().equals(word) && c != color) {
                    color = c;
                    colors++;
                }
            }
            for (Shape s : Shape.values()) {
                if (s.word().equals(word) && s != shape) {
                    shape = s;
                    shapes++;
                }
            }
            for (Motion m : Motion.values()) {
                if (m.word().equals(word) && m != motion) {
                    motion = m;
                    motions++;
                }
            }
        }
        return Attributes.of(colors == 1 ? color : null, shapes == 1 ? shape : null, motions == 1 ? motion : null);
    }

    public static Attributes image(RgbImage image) {
        Silhouette silhouette = Silhouette.of(image);
        return Attributes.of(color(image, silhouette), shape(silhouette, image.width()), null);
    }

    static Color color(RgbImage image, Silhouette silhouette) {
        if (silhouette.empty()) {
            return null;
        }
        double[] contrasts = new double[silhouette.area()];
        int k = 0;
        for (int i = 0; i < silhouette.mask().length; i++) {
            if (silhouette.mask()[i]) {
                contrasts[k++] = silhouette.contrast()[i];
            }
        }
        java.util.Arrays.sort(contrasts);
        double median = contrasts[contrasts.length / 2];
        double[] sum = new double[3];
        int counted = 0;
        int w = image.width();
        for (int i = 0; i < silhouette.mask().length; i++) {
            if (silhouette.mask()[i] && silhouette.contrast()[i] >= median) {
                for (int c = 0; c < 3; c++) {
                    sum[c] += image.channel(i % w, i / w, c);
                }
                counted++;
            }
        }
        double hue = hue(sum[0] / counted, sum[1] / counted, sum[2] / counted);
        Color best = null;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (Color color : Color.values()) {
            double d = Math.abs(hue - hue(color.red(), color.green(), color.blue()));
            d = Math.min(d, 360 - d);
            if (d < bestDistance) {
                bestDistance = d;
                best = color;
            }
        }
        return best;
    }

    /** HSV hue in degrees. */
    static double hue(double r, double g, double b) {
        double max = Math.max(r, Math.max(g, b));
        double min = Math.min(r, Math.min(g, b));
        if (max - min < 1e-9) {
            return 0;
        }
        double h;
        if (max == r) {
            h = 60 * ((g - b) / (max - min));
        } else if (max == g) {
            h = 60 * ((b - r) / (max - min) + 2);
        } else {
            h = 60 * ((r - g) / (max - min) + 4);
        }
        return h < 0 ? h + 360 : h;
    }

    static Shape shape(Silhouette silhouette, int side) {
        if (silhouette.empty() || silhouette.width() < 4 || silhouette.height() < 4) {
            return null;
        }
        // full contrast: the median of the region's most contrasting half
        double full = 0;
        int n = 0;
        double[] contrast = silhouette.contrast();
        double[] inRegion = new double[silhouette.area()];
        for (int i = 0; i < contrast.length; i++) {
            if (silhouette.mask()[i]) {
                inRegion[n++] = contrast[i];
            }
        }
        java.util.Arrays.sort(inRegion);
        full = inRegion[(int) (inRegion.length * 0.75)];
        // coverage over the box grown by a pixel, so half-covered (anti-aliased) edges count in part
        int x0 = Math.max(0, silhouette.left() - 1);
        int x1 = Math.min(side - 1, silhouette.right() + 1);
        int y0 = Math.max(0, silhouette.top() - 1);
        int y1 = Math.min(contrast.length / side - 1, silhouette.bottom() + 1);
        double[] columnExtent = new double[x1 - x0 + 1];
        double[] rowExtent = new double[y1 - y0 + 1];
        double[] rowArea = new double[y1 - y0 + 1];
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                double coverage = Math.max(0, Math.min(1, contrast[y * side + x] / full));
                columnExtent[x - x0] = Math.max(columnExtent[x - x0], coverage);
                rowExtent[y - y0] = Math.max(rowExtent[y - y0], coverage);
                rowArea[y - y0] += coverage;
            }
        }
        double width = java.util.Arrays.stream(columnExtent).sum();
        double height = java.util.Arrays.stream(rowExtent).sum();
        // split the rows at the sub-pixel middle of the shape's vertical extent
        int firstRow = 0;
        while (firstRow + 1 < rowExtent.length && rowExtent[firstRow] == 0) {
            firstRow++;
        }
        double start = y0 + firstRow + (1 - rowExtent[firstRow]);
        double middle = start + height / 2;
        double top = 0;
        double bottom = 0;
        for (int y = y0; y <= y1; y++) {
            double upper = Math.max(0, Math.min(1, middle - y));   // the share of this row above the middle
            top += rowArea[y - y0] * upper;
            bottom += rowArea[y - y0] * (1 - upper);
        }
        double fill = (top + bottom) / (width * height);
        if (top / Math.max(bottom, 1e-9) < 0.6) {
            return Shape.TRIANGLE;
        }
        if (fill > 0.89) {
            return Shape.SQUARE;
        }
        return fill > 0.67 ? Shape.CIRCLE : Shape.CROSS;
    }

    public static Attributes video(VideoClip video) {
        Map<Color, Integer> colors = new EnumMap<>(Color.class);
        Map<Shape, Integer> shapes = new EnumMap<>(Shape.class);
        double[] first = null;
        double[] last = null;
        for (RgbImage frame : video.frames()) {
            Silhouette silhouette = Silhouette.of(frame);
            if (silhouette.empty()) {
                continue;
            }
            Color color = color(frame, silhouette);
            Shape shape = shape(silhouette, frame.width());
            if (color != null) {
                colors.merge(color, 1, Integer::sum);
            }
            if (shape != null) {
                shapes.merge(shape, 1, Integer::sum);
            }
            double[] centroid = silhouette.centroid();
            if (first == null) {
                first = centroid;
            }
            last = centroid;
        }
        Motion motion = null;
        if (first != null) {
            double dx = last[0] - first[0];
            double dy = last[1] - first[1];
            if (Math.max(Math.abs(dx), Math.abs(dy)) >= 2) {
                motion = Math.abs(dx) >= Math.abs(dy) ? (dx < 0 ? Motion.LEFT : Motion.RIGHT) : (dy < 0 ? Motion.UP : Motion.DOWN);
            }
        }
        return Attributes.of(majority(colors), majority(shapes), motion);
    }

    private static <T> T majority(Map<T, Integer> votes) {
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    public static Attributes audio(AudioClip clip) {
        float[] x = clip.samples();
        int rate = clip.sampleRate();
        if (x.length < rate / 4) {
            return Attributes.none();
        }
        double[] windowed = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            windowed[i] = x[i] * (0.5 - 0.5 * Math.cos(2 * Math.PI * i / (x.length - 1)));   // Hann
        }
        Color color = null;
        double[] loudest = {0, 0};
        for (Color c : Color.values()) {
            double[] peak = peakNear(windowed, rate, c.pitchHz(), 0.01 * c.pitchHz());
            if (peak[0] > loudest[0]) {
                loudest = peak;
                color = c;
            }
        }
        if (color == null || loudest[0] <= 0) {
            return Attributes.none();
        }
        // harmonics where the fundamental actually is, ±1 Hz
        double f0 = loudest[1];
        double second = 3 * f0 < rate / 2.0 ? peakNear(windowed, rate, 2 * f0, 1)[0] / loudest[0] : 0;
        double third = 3 * f0 < rate / 2.0 ? peakNear(windowed, rate, 3 * f0, 1)[0] / loudest[0] : 0;
        Shape shape;
        if (second > 0.2) {
            shape = Shape.CROSS;
        } else if (third > 0.19) {
            shape = Shape.SQUARE;
        } else if (third > 0.035) {
            shape = Shape.TRIANGLE;
        } else {
            shape = Shape.CIRCLE;
        }
        return Attributes.of(color, shape, motion(x, rate));
    }

    /** {|DFT|, frequency} of the windowed clip, the largest over {@code hz ± span} in 1 Hz steps. */
    static double[] peakNear(double[] windowed, int rate, double hz, double span) {
        double best = 0;
        double where = hz;
        for (double f = hz - span; f <= hz + span + 1e-9; f += 1) {
            // the DFT at one frequency by a rotating phasor (Goertzel's idea without its recursion)
            double stepCos = Math.cos(2 * Math.PI * f / rate);
            double stepSin = Math.sin(2 * Math.PI * f / rate);
            double c = 1;
            double s = 0;
            double re = 0;
            double im = 0;
            for (double value : windowed) {
                re += value * c;
                im -= value * s;
                double nextC = c * stepCos - s * stepSin;
                s = s * stepCos + c * stepSin;
                c = nextC;
            }
            if (Math.hypot(re, im) > best) {
                best = Math.hypot(re, im);
                where = f;
            }
        }
        return new double[] {best, where};
    }

    static Motion motion(float[] x, int rate) {
        int hop = rate / 100;           // 10 ms
        int window = 2 * hop;           // 20 ms
        int frames = (x.length - window) / hop + 1;
        double[] rms = new double[frames];
        double peak = 0;
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int i = f * hop; i < f * hop + window; i++) {
                sum += x[i] * x[i];
            }
            rms[f] = Math.sqrt(sum / window);
            peak = Math.max(peak, rms[f]);
        }
        if (peak <= 0) {
            return null;
        }
        int bumps = 0;
        boolean above = rms[0] / peak > 0.5;
        bumps += above ? 1 : 0;
        for (double value : rms) {
            double level = value / peak;
            if (!above && level > 0.5) {
                above = true;
                bumps++;
            } else if (above && level < 0.25) {
                above = false;
            }
        }
        if (bumps >= 3) {
            return Motion.RIGHT;
        }
        if (bumps == 2) {
            return Motion.LEFT;
        }
        int edge = (int) (frames * 0.4);
        double early = 0;
        double late = 0;
        for (int f = 0; f < edge; f++) {
            early += rms[f];
            late += rms[frames - 1 - f];
        }
        return late > early ? Motion.UP : Motion.DOWN;
    }
}
