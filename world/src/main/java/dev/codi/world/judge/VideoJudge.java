package dev.codi.world.judge;

import dev.codi.media.VideoClip;
import dev.codi.world.Color;
import dev.codi.world.Motion;
import dev.codi.world.Shape;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Color, shape and motion of a video: every frame is read like an image; color and shape pool the
 * evidence of all frames, and motion is the direction of the centroid track's least-squares slope.
 */
public final class VideoJudge {
    private VideoJudge() {
    }

    public static VideoReading read(VideoClip video) {
        List<ImageReading> frames = new ArrayList<>();
        for (var frame : video.frames()) {
            frames.add(ImageJudge.read(frame));
        }
        double[] rgb = new double[3];
        Map<Shape, Double> shapeTotals = new EnumMap<>(Shape.class);
        List<double[]> track = new ArrayList<>(); // (frame index, x, y)
        for (int index = 0; index < frames.size(); index++) {
            ImageReading reading = frames.get(index);
            if (!reading.hasForeground()) {
                continue;
            }
            for (int c = 0; c < 3; c++) {
                rgb[c] += reading.meanRgb()[c];
            }
            reading.shapeScores().forEach((shape, score) -> shapeTotals.merge(shape, score, Double::sum));
            track.add(new double[] {index, reading.centroidX(), reading.centroidY()});
        }
        if (track.isEmpty()) {
            return new VideoReading(null, null, null, Double.NaN, Double.NaN, frames);
        }
        Color color = Color.nearest(rgb[0] / track.size(), rgb[1] / track.size(), rgb[2] / track.size());
        Shape shape = shapeTotals.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        if (track.size() < 2) {
            return new VideoReading(color, shape, null, Double.NaN, Double.NaN, frames);
        }
        double velocityX = slope(track, 1);
        double velocityY = slope(track, 2);
        Motion motion = velocityX == 0 && velocityY == 0 ? null : Motion.ofDisplacement(velocityX, velocityY);
        return new VideoReading(color, shape, motion, velocityX, velocityY, frames);
    }

    /** Least-squares slope of column {@code axis} against the frame index (column 0). */
    private static double slope(List<double[]> track, int axis) {
        double meanT = 0;
        double meanV = 0;
        for (double[] point : track) {
            meanT += point[0];
            meanV += point[axis];
        }
        meanT /= track.size();
        meanV /= track.size();
        double covariance = 0;
        double variance = 0;
        for (double[] point : track) {
            covariance += (point[0] - meanT) * (point[axis] - meanV);
            variance += (point[0] - meanT) * (point[0] - meanT);
        }
        return covariance / variance;
    }
}
