package dev.codi.media;

/** Mono audio: samples in [-1, 1] at {@code sampleRate} Hz. */
public record AudioClip(int sampleRate, float[] samples) {
    public AudioClip {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
    }

    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }
}
