package dev.codi.world.judge;

import dev.codi.media.RgbImage;
import dev.codi.world.Color;
import dev.codi.world.Shape;
import dev.codi.world.ShapeMask;
import java.util.EnumMap;
import java.util.Map;

/**
 * Color and shape of one image, analytically: the foreground's mean color snapped to the nearest
 * spec color, and the shape template ({@link ShapeMask}) that overlaps the foreground best.
 */
public final class ImageJudge {
    private ImageJudge() {
    }

    public static ImageReading read(RgbImage image) {
        ForegroundMask mask = ForegroundMask.of(image);
        if (mask.isEmpty()) {
            return ImageReading.empty();
        }
        double[] meanRgb = meanColor(image, mask);
        Map<Shape, Double> scores = shapeScores(mask);
        Shape best = null;
        for (Shape shape : Shape.values()) {
            if (best == null || scores.get(shape) > scores.get(best)) {
                best = shape;
            }
        }
        double sumX = 0;
        double sumY = 0;
        for (int y = 0; y < mask.height(); y++) {
            for (int x = 0; x < mask.width(); x++) {
                if (mask.contains(x, y)) {
                    sumX += x + 0.5;
                    sumY += y + 0.5;
                }
            }
        }
        return new ImageReading(Color.nearest(meanRgb[0], meanRgb[1], meanRgb[2]), best, meanRgb, scores,
                sumX / mask.count(), sumY / mask.count(), mask.count());
    }

    /**
     * Mean over the pixels whose four neighbours are foreground too: lossy codecs smear color across
     * edges (H.264 keeps chroma at half resolution), interiors keep it. Falls back to every
     * foreground pixel for shapes too thin to have an interior.
     */
    static double[] meanColor(RgbImage image, ForegroundMask mask) {
        double[] interior = new double[4];
        double[] all = new double[4];
        for (int y = 0; y < mask.height(); y++) {
            for (int x = 0; x < mask.width(); x++) {
                if (!mask.contains(x, y)) {
                    continue;
                }
                accumulate(all, image, x, y);
                if (mask.contains(x - 1, y) && mask.contains(x + 1, y) && mask.contains(x, y - 1)
                        && mask.contains(x, y + 1)) {
                    accumulate(interior, image, x, y);
                }
            }
        }
        double[] sums = interior[3] >= 4 ? interior : all;
        return new double[] {sums[0] / sums[3], sums[1] / sums[3], sums[2] / sums[3]};
    }

    private static void accumulate(double[] sums, RgbImage image, int x, int y) {
        sums[0] += image.channel(x, y, 0);
        sums[1] += image.channel(x, y, 1);
        sums[2] += image.channel(x, y, 2);
        sums[3]++;
    }

    /**
     * Best intersection-over-union of the foreground with each shape's template, trying template
     * sizes from one less than the box's shorter side to one more than its longer side, anchored at
     * each corner of the foreground's bounding box: blur can move an edge by a pixel.
     */
    static Map<Shape, Double> shapeScores(ForegroundMask mask) {
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < mask.height(); y++) {
            for (int x = 0; x < mask.width(); x++) {
                if (mask.contains(x, y)) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        int boxWidth = maxX - minX + 1;
        int boxHeight = maxY - minY + 1;
        Map<Shape, Double> scores = new EnumMap<>(Shape.class);
        for (Shape shape : Shape.values()) {
            double best = 0;
            for (int size = Math.max(1, Math.min(boxWidth, boxHeight) - 1);
                 size <= Math.max(boxWidth, boxHeight) + 1; size++) {
                for (int left : new int[] {minX, maxX - size + 1}) {
                    for (int top : new int[] {minY, maxY - size + 1}) {
                        best = Math.max(best, overlap(mask, shape, size, left, top, minX, minY, maxX, maxY));
                    }
                }
            }
            scores.put(shape, best);
        }
        return scores;
    }

    private static double overlap(ForegroundMask mask, Shape shape, int size, int left, int top,
                                  int minX, int minY, int maxX, int maxY) {
        int intersection = 0;
        int union = 0;
        for (int y = Math.min(minY, top); y <= Math.max(maxY, top + size - 1); y++) {
            for (int x = Math.min(minX, left); x <= Math.max(maxX, left + size - 1); x++) {
                boolean inMask = mask.contains(x, y);
                boolean inTemplate = ShapeMask.covers(shape, size, x - left, y - top);
                if (inMask && inTemplate) {
                    intersection++;
                }
                if (inMask || inTemplate) {
                    union++;
                }
            }
        }
        return union == 0 ? 0 : intersection / (double) union;
    }
}
