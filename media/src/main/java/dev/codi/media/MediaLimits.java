package dev.codi.media;

/**
 * Upper bounds a decoder enforces on untrusted input. They are checked against the declared
 * header values (PNG IHDR, GIF logical screen, WAV data size and rate, H.264 SPS) before pixel or
 * sample data is decoded, so a tiny file cannot make us allocate gigabytes (a "decompression bomb").
 */
public record MediaLimits(int maxWidth, int maxHeight, double maxDurationSeconds, int maxFrames) {
    public MediaLimits {
        if (maxWidth <= 0 || maxHeight <= 0) {
            throw new IllegalArgumentException("max size must be positive, got " + maxWidth + "x" + maxHeight);
        }
        if (!(maxDurationSeconds > 0) || Double.isInfinite(maxDurationSeconds)) {
            throw new IllegalArgumentException("max duration must be positive and finite, got " + maxDurationSeconds);
        }
        if (maxFrames <= 0) {
            throw new IllegalArgumentException("max frames must be positive, got " + maxFrames);
        }
    }

    /** 4096x4096 pixels, 30 seconds, 600 frames. */
    public static MediaLimits defaults() {
        return new MediaLimits(4096, 4096, 30.0, 600);
    }

    /** Throws unless a {@code width x height} picture fits these limits. */
    void checkSize(String what, int width, int height) throws MediaDecodeException {
        if (width <= 0 || height <= 0) {
            throw new MediaDecodeException(what + " declares an empty size " + width + "x" + height);
        }
        if (width > maxWidth || height > maxHeight) {
            throw new MediaDecodeException(what + " is " + width + "x" + height + ", larger than the "
                    + maxWidth + "x" + maxHeight + " limit");
        }
    }

    void checkDuration(String what, double seconds) throws MediaDecodeException {
        if (seconds > maxDurationSeconds) {
            throw new MediaDecodeException(String.format(java.util.Locale.ROOT,
                    "%s lasts %.2f s, longer than the %.2f s limit", what, seconds, maxDurationSeconds));
        }
    }

    void checkFrames(String what, long frames) throws MediaDecodeException {
        if (frames > maxFrames) {
            throw new MediaDecodeException(what + " has " + frames + " frames, more than the " + maxFrames + " limit");
        }
    }
}
