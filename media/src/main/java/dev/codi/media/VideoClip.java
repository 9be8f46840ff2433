package dev.codi.media;

import java.util.List;

/** A sequence of same-sized frames shown at {@code framesPerSecond}. */
public record VideoClip(List<RgbImage> frames, double framesPerSecond) {
    public VideoClip {
        frames = List.copyOf(frames);
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a video needs at least one frame");
        }
        RgbImage first = frames.get(0);
        for (RgbImage frame : frames) {
            if (frame.width() != first.width() || frame.height() != first.height()) {
                throw new IllegalArgumentException("all frames must be " + first.width() + "x" + first.height());
            }
        }
        if (!(framesPerSecond > 0)) {
            throw new IllegalArgumentException("frames per second must be positive, got " + framesPerSecond);
        }
    }
}
