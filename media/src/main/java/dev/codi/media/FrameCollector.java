package dev.codi.media;

import java.util.ArrayList;
import java.util.List;

/**
 * Receives a video's frames as a decoder produces them and keeps each one either at its source
 * size or already resampled to the size its consumer needs (the model's input, 32×32 for
 * codi-tiny): then memory holds one source-size frame at a time, not the whole clip.
 */
final class FrameCollector {
    /** 0 × 0 keeps source size. */
    private final int width;
    private final int height;
    private final List<RgbImage> frames = new ArrayList<>();

    FrameCollector(int width, int height) {
        if (width < 0 || height < 0 || (width == 0) != (height == 0)) {
            throw new IllegalArgumentException("target size must be positive (or 0x0 for the source size), got "
                    + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    /** @param reused whether the decoder draws its next frame into the same buffer (a GIF canvas) */
    void add(RgbImage frame, boolean reused) {
        if (width == 0) {
            frames.add(reused ? new RgbImage(frame.width(), frame.height(), frame.pixels().clone()) : frame);
        } else if (frame.width() == width && frame.height() == height) {
            frames.add(reused ? new RgbImage(width, height, frame.pixels().clone()) : frame);
        } else {
            frames.add(Resampling.resize(frame, width, height));
        }
    }

    int size() {
        return frames.size();
    }

    List<RgbImage> frames() {
        return frames;
    }
}
