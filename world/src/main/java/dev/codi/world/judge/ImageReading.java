package dev.codi.world.judge;

import dev.codi.world.Color;
import dev.codi.world.Shape;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the judge measured in one image or frame. An image with no foreground has {@code null}
 * color and shape and NaN centroid.
 *
 * @param meanRgb     average (r, g, b) of the shape's inner pixels
 * @param shapeScores best intersection-over-union of the foreground with each shape's template
 * @param centroidX   foreground centroid column, in pixels
 * @param centroidY   foreground centroid row, in pixels
 */
public record ImageReading(Color color, Shape shape, double[] meanRgb, Map<Shape, Double> shapeScores,
                           double centroidX, double centroidY, int foregroundPixels) {
    public ImageReading {
        if (meanRgb.length != 3) {
            throw new IllegalArgumentException("mean color needs 3 channels, got " + meanRgb.length);
        }
        meanRgb = meanRgb.clone();
        shapeScores = shapeScores.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(shapeScores));
    }

    static ImageReading empty() {
        return new ImageReading(null, null, new double[] {Double.NaN, Double.NaN, Double.NaN}, Map.of(),
                Double.NaN, Double.NaN, 0);
    }

    public boolean hasForeground() {
        return foregroundPixels > 0;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "image[%s %s, rgb=(%.0f,%.0f,%.0f), iou=%s, centroid=(%.1f,%.1f), %d px]",
                color, shape, meanRgb[0], meanRgb[1], meanRgb[2], shapeScores, centroidX, centroidY, foregroundPixels);
    }
}
