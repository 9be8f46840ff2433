package dev.codi.world.judge;

import dev.codi.world.Color;
import dev.codi.world.Motion;
import dev.codi.world.Shape;
import java.util.List;

/**
 * What the judge measured in a video: per-frame readings and the centroid track's velocity.
 *
 * @param velocityX least-squares centroid slope, columns per frame
 * @param velocityY least-squares centroid slope, rows per frame (down is positive)
 */
public record VideoReading(Color color, Shape shape, Motion motion, double velocityX, double velocityY,
                           List<ImageReading> frames) {
    public VideoReading {
        frames = List.copyOf(frames);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "video[%s %s %s, velocity=(%.2f,%.2f) px/frame, %d frames]",
                color, shape, motion, velocityX, velocityY, frames.size());
    }
}
