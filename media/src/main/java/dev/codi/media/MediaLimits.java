package dev.codi.media;

import java.util.Locale;

/**
 * Upper bounds a decoder enforces on untrusted input. They are checked against the declared
 * header values (PNG IHDR, GIF logical screen, WAV format and data size, H.264 SPS, the sample
 * tables) before pixel or sample data is decoded, so a tiny file cannot make us allocate
 * gigabytes or spin for minutes (a "decompression bomb").
 *
 * @param maxTotalPixels  frames × width × height summed over a whole video (a still image is one
 *                        frame): bounds decoding time, since every frame is composited and resampled
 * @param maxDecodedBytes the largest pixel buffer an image decoder may allocate for one picture;
 *                        larger pictures are decoded subsampled by a whole factor
 * @param maxJpegScans    progressive JPEG scans (each is a pass over the whole picture)
 * @param decodeSeconds   wall-clock budget of one decode; past it the decode is abandoned
 */
public record MediaLimits(int maxWidth, int maxHeight, double maxDurationSeconds, int maxFrames,
                          long maxTotalPixels, long maxDecodedBytes, int maxAudioChannels, int maxSampleRate,
                          int maxJpegScans, double decodeSeconds) {
    /** 30 s of 640×480 at 29 fps, or sixteen 4096×4096 frames: 2^28 pixels. */
    public static final long DEFAULT_MAX_TOTAL_PIXELS = 1L << 28;
    /** 2048×2048 pixels of 16-bit RGBA (8 bytes each): 32 MiB. */
    public static final long DEFAULT_MAX_DECODED_BYTES = 32L << 20;
    /** 7.1 surround is 8; WAVE_FORMAT_EXTENSIBLE names 18 speaker positions. */
    public static final int DEFAULT_MAX_AUDIO_CHANNELS = 18;
    /** The highest rate of common studio audio. */
    public static final int DEFAULT_MAX_SAMPLE_RATE = 192_000;
    /** libjpeg's own encoder writes 10 scans for a progressive colour picture; 64 leaves room for others. */
    public static final int DEFAULT_MAX_JPEG_SCANS = 64;
    public static final double DEFAULT_DECODE_SECONDS = 30.0;

    public MediaLimits {
        if (maxWidth <= 0 || maxHeight <= 0) {
            throw new IllegalArgumentException("max size must be positive, got " + maxWidth + "x" + maxHeight);
        }
        if (!(maxDurationSeconds > 0) || Double.isInfinite(maxDurationSeconds)) {
            throw new IllegalArgumentException("max duration must be positive and finite, got " + maxDurationSeconds);
        }
        if (maxFrames <= 0 || maxTotalPixels <= 0 || maxDecodedBytes <= 0 || maxAudioChannels <= 0
                || maxSampleRate <= 0 || maxJpegScans <= 0) {
            throw new IllegalArgumentException("every limit must be positive");
        }
        if (!(decodeSeconds > 0) || Double.isInfinite(decodeSeconds)) {
            throw new IllegalArgumentException("decode seconds must be positive and finite, got " + decodeSeconds);
        }
    }

    /** The given size, duration and frame limits with the default budgets. */
    public MediaLimits(int maxWidth, int maxHeight, double maxDurationSeconds, int maxFrames) {
        this(maxWidth, maxHeight, maxDurationSeconds, maxFrames, DEFAULT_MAX_TOTAL_PIXELS, DEFAULT_MAX_DECODED_BYTES,
                DEFAULT_MAX_AUDIO_CHANNELS, DEFAULT_MAX_SAMPLE_RATE, DEFAULT_MAX_JPEG_SCANS, DEFAULT_DECODE_SECONDS);
    }

    /** 4096x4096 pixels, 30 seconds, 600 frames, and the default budgets above. */
    public static MediaLimits defaults() {
        return new MediaLimits(4096, 4096, 30.0, 600);
    }

    public MediaLimits withMaxTotalPixels(long pixels) {
        return new MediaLimits(maxWidth, maxHeight, maxDurationSeconds, maxFrames, pixels, maxDecodedBytes,
                maxAudioChannels, maxSampleRate, maxJpegScans, decodeSeconds);
    }

    public MediaLimits withMaxJpegScans(int scans) {
        return new MediaLimits(maxWidth, maxHeight, maxDurationSeconds, maxFrames, maxTotalPixels, maxDecodedBytes,
                maxAudioChannels, maxSampleRate, scans, decodeSeconds);
    }

    public MediaLimits withDecodeSeconds(double seconds) {
        return new MediaLimits(maxWidth, maxHeight, maxDurationSeconds, maxFrames, maxTotalPixels, maxDecodedBytes,
                maxAudioChannels, maxSampleRate, maxJpegScans, seconds);
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
            throw new MediaDecodeException(String.format(Locale.ROOT,
                    "%s lasts %.2f s, longer than the %.2f s limit", what, seconds, maxDurationSeconds));
        }
    }

    void checkFrames(String what, long frames) throws MediaDecodeException {
        if (frames > maxFrames) {
            throw new MediaDecodeException(what + " has " + frames + " frames, more than the " + maxFrames + " limit");
        }
    }

    /** Throws unless frames × width × height fits the pixel budget. */
    void checkPixels(String what, long frames, long width, long height) throws MediaDecodeException {
        long pixels = saturatingProduct(frames, width, height);
        if (pixels > maxTotalPixels) {
            throw new MediaDecodeException(what + " is " + frames + " frames of " + width + "x" + height + " = "
                    + pixels + " pixels, more than the " + maxTotalPixels + " limit");
        }
    }

    private static long saturatingProduct(long a, long b, long c) {
        try {
            return Math.multiplyExact(Math.multiplyExact(a, b), c);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    void checkAudio(String what, int channels, long sampleRate) throws MediaDecodeException {
        if (channels > maxAudioChannels) {
            throw new MediaDecodeException(what + " has " + channels + " channels, more than the "
                    + maxAudioChannels + " limit");
        }
        if (sampleRate > maxSampleRate) {
            throw new MediaDecodeException(what + " is sampled at " + sampleRate + " Hz, more than the "
                    + maxSampleRate + " Hz limit");
        }
    }

    void checkJpegScans(int scans) throws MediaDecodeException {
        if (scans > maxJpegScans) {
            throw new MediaDecodeException("progressive JPEG has " + scans + " scans, more than the "
                    + maxJpegScans + " limit");
        }
    }
}
