package dev.codi.media;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Changing the size of images, the rate and length of audio, and the frame count of video. */
public final class Resampling {
    /** Windowed-sinc half width in output-rate periods: 32 gives ~ -70 dB stop band with Blackman. */
    private static final int SINC_ZERO_CROSSINGS = 32;
    /** Cut off a little below the lower Nyquist frequency so the window's transition band fits under it. */
    private static final double CUTOFF_FRACTION = 0.94;

    private Resampling() {
    }

    /** Area averaging along an axis that shrinks, bilinear along one that grows (separable). */
    public static RgbImage resize(RgbImage image, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        if (width == image.width() && height == image.height()) {
            return new RgbImage(width, height, image.pixels().clone());
        }
        AxisWeights horizontal = AxisWeights.of(image.width(), width);
        AxisWeights vertical = AxisWeights.of(image.height(), height);
        double[] rows = new double[image.height() * width * 3]; // (input row, output column, channel)
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < width; x++) {
                for (int i = 0; i < horizontal.sources()[x].length; i++) {
                    double weight = horizontal.weights()[x][i];
                    int source = horizontal.sources()[x][i];
                    for (int c = 0; c < 3; c++) {
                        rows[(y * width + x) * 3 + c] += weight * image.channel(source, y, c);
                    }
                }
            }
        }
        RgbImage out = RgbImage.blank(width, height);
        double[] sum = new double[3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                Arrays.fill(sum, 0);
                for (int i = 0; i < vertical.sources()[y].length; i++) {
                    int row = vertical.sources()[y][i];
                    for (int c = 0; c < 3; c++) {
                        sum[c] += vertical.weights()[y][i] * rows[(row * width + x) * 3 + c];
                    }
                }
                out.set(x, y, (int) Math.round(sum[0]), (int) Math.round(sum[1]), (int) Math.round(sum[2]));
            }
        }
        return out;
    }

    /**
     * Band-limited resampling by windowed-sinc interpolation (J. O. Smith, "Digital Audio
     * Resampling"): y(t) = Σ x[k] · c·sinc(c·(t − k)) · w(t − k), t in input samples, with the
     * cutoff c = 0.94 · min(1, target/source) of the input Nyquist frequency. When downsampling
     * this is the low-pass that keeps content above the new Nyquist from aliasing.
     */
    public static AudioClip resample(AudioClip clip, int targetRate) {
        if (targetRate <= 0) {
            throw new IllegalArgumentException("target rate must be positive, got " + targetRate);
        }
        if (targetRate == clip.sampleRate()) {
            return new AudioClip(targetRate, clip.samples().clone());
        }
        float[] input = clip.samples();
        double step = clip.sampleRate() / (double) targetRate; // input samples per output sample
        double cutoff = CUTOFF_FRACTION * Math.min(1.0, 1.0 / step);
        double halfWidth = SINC_ZERO_CROSSINGS / cutoff; // in input samples
        int outputLength = (int) Math.round(input.length / step);
        float[] output = new float[outputLength];
        for (int m = 0; m < outputLength; m++) {
            double t = m * step;
            int first = Math.max(0, (int) Math.ceil(t - halfWidth));
            int last = Math.min(input.length - 1, (int) Math.floor(t + halfWidth));
            double sum = 0;
            for (int k = first; k <= last; k++) {
                double u = t - k;
                sum += input[k] * cutoff * sinc(cutoff * u) * blackman(u / halfWidth);
            }
            output[m] = (float) sum;
        }
        return new AudioClip(targetRate, output);
    }

    /** Trims the end, or pads it with silence, to round(seconds · rate) samples. */
    public static AudioClip fitDuration(AudioClip clip, double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("duration must be finite and non-negative, got " + seconds);
        }
        int length = Math.toIntExact(Math.round(seconds * clip.sampleRate()));
        return new AudioClip(clip.sampleRate(), Arrays.copyOf(clip.samples(), length));
    }

    /**
     * {@code frameCount} frames sampled uniformly over the clip's duration (output frame i shows
     * the input frame on screen at the middle of its time slot), each resized; the duration is
     * kept, so the frame rate becomes frameCount / duration.
     */
    public static VideoClip toFrames(VideoClip clip, int frameCount, int width, int height) {
        if (frameCount <= 0) {
            throw new IllegalArgumentException("frame count must be positive, got " + frameCount);
        }
        int inputCount = clip.frames().size();
        List<RgbImage> frames = new ArrayList<>(frameCount);
        for (int i = 0; i < frameCount; i++) {
            int source = (int) Math.min(inputCount - 1, Math.floor((i + 0.5) * inputCount / frameCount));
            frames.add(resize(clip.frames().get(source), width, height));
        }
        double durationSeconds = inputCount / clip.framesPerSecond();
        return new VideoClip(frames, frameCount / durationSeconds);
    }

    private static double sinc(double x) {
        return x == 0 ? 1.0 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    /** Blackman window over [-1, 1]. */
    private static double blackman(double x) {
        if (Math.abs(x) >= 1) {
            return 0;
        }
        return 0.42 + 0.5 * Math.cos(Math.PI * x) + 0.08 * Math.cos(2 * Math.PI * x);
    }
}
