package dev.codi.model.tiny;

import dev.codi.media.AudioClip;
import dev.codi.media.Resampling;
import dev.codi.media.RgbImage;
import dev.codi.media.VideoClip;
import dev.codi.model.autoencoder.Spectrogram;

/**
 * Media ↔ float tensors in the layouts and ranges codi-tiny uses (pixels in [−1, 1], CHW). Public
 * so a trainer feeds its networks exactly what {@link CodiTinyModel} feeds them at inference.
 */
public final class MediaTensors {
    private MediaTensors() {
    }

    /** @return (3, size, size) in [−1, 1] */
    public static float[] imageToChw(RgbImage image, int size) {
        RgbImage resized = image.width() == size && image.height() == size ? image : Resampling.resize(image, size, size);
        float[] values = new float[3 * size * size];
        writeChw(resized, values, 0, size);
        return values;
    }

    /** @return (frames, 3, size, size) in [−1, 1] */
    public static float[] videoToFchw(VideoClip video, int frames, int size) {
        VideoClip fitted = Resampling.toFrames(video, frames, size, size);
        float[] values = new float[frames * 3 * size * size];
        for (int f = 0; f < frames; f++) {
            writeChw(fitted.frames().get(f), values, f * 3 * size * size, size);
        }
        return values;
    }

    /** Resampled to the spectrogram's rate, trimmed or zero-padded to its length. */
    public static float[] audioSamples(AudioClip audio, Spectrogram spectrogram) {
        AudioClip resampled = audio.sampleRate() == spectrogram.sampleRate() ? audio : Resampling.resample(audio, spectrogram.sampleRate());
        return java.util.Arrays.copyOf(resampled.samples(), spectrogram.samples());
    }

    /** Reads (3, size, size) values in [−1, 1] starting at {@code offset}. */
    public static RgbImage chwToImage(float[] values, int offset, int size) {
        RgbImage image = RgbImage.blank(size, size);
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = offset + y * size + x;
                image.set(x, y, toByte(values[p]), toByte(values[p + plane]), toByte(values[p + 2 * plane]));
            }
        }
        return image;
    }

    private static void writeChw(RgbImage image, float[] values, int offset, int size) {
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                for (int c = 0; c < 3; c++) {
                    values[offset + c * plane + y * size + x] = image.channel(x, y, c) / 127.5f - 1f;
                }
            }
        }
    }

    private static int toByte(float value) {
        float clamped = Math.max(-1f, Math.min(1f, Float.isNaN(value) ? 0f : value));
        return Math.round((clamped + 1f) * 127.5f);
    }
}
