package dev.codi.world;

import dev.codi.media.AudioClip;
import java.util.Random;

/**
 * Sounds a combination: the color's pitch, the shape's timbre and the motion's loudness envelope
 * (docs/design.md §7). Waveforms are summed from their Fourier series up to 0.45 × the sample rate, so no
 * harmonic aliases back below Nyquist and the harmonic profile the judge reads is the series itself.
 */
final class ToneSynth {
    /** Fade at both ends so the clip starts and stops without a click. */
    private static final double FADE_SECONDS = 0.005;

    private ToneSynth() {
    }

    static AudioClip render(Color color, Shape shape, Motion motion, int sampleRate, Random random) {
        if (sampleRate < WorldSpec.MIN_AUDIO_RATE) {
            throw new IllegalArgumentException("sample rate must be at least " + WorldSpec.MIN_AUDIO_RATE
                    + " Hz, got " + sampleRate);
        }
        int length = (int) Math.round(WorldSpec.AUDIO_SECONDS * sampleRate);
        double[] wave = waveform(color.pitchHz(), shape.timbre(), length, sampleRate, random.nextDouble() * 2 * Math.PI);
        EnvelopeShape envelope = EnvelopeShape.random(motion.envelope(), random);
        double level = 0.5 + 0.4 * random.nextDouble();
        double noiseLevel = 0.004 * random.nextDouble();

        double peak = 1e-12;
        for (double value : wave) {
            peak = Math.max(peak, Math.abs(value));
        }
        float[] samples = new float[length];
        for (int i = 0; i < length; i++) {
            double t = i / (double) length;
            double gain = level / peak * envelope.at(t) * fade(i, length, sampleRate);
            double value = wave[i] * gain + noiseLevel * (2 * random.nextDouble() - 1);
            samples[i] = (float) Math.max(-1, Math.min(1, value));
        }
        return new AudioClip(sampleRate, samples);
    }

    /** Σ aₙ·sin(n(ωt + φ)) over the harmonics below 0.45 × rate; one phase keeps the waveform's shape. */
    private static double[] waveform(double pitchHz, Shape.Timbre timbre, int length, int sampleRate, double phase) {
        int harmonics = (int) Math.floor(0.45 * sampleRate / pitchHz);
        double[] amplitudes = new double[harmonics + 1];
        for (int n = 1; n <= harmonics; n++) {
            amplitudes[n] = timbre.harmonic(n);
        }
        double[] wave = new double[length];
        double omega = 2 * Math.PI * pitchHz / sampleRate;
        for (int i = 0; i < length; i++) {
            double angle = omega * i + phase;
            double sum = 0;
            for (int n = 1; n <= harmonics; n++) {
                if (amplitudes[n] != 0) {
                    sum += amplitudes[n] * Math.sin(n * angle);
                }
            }
            wave[i] = sum;
        }
        return wave;
    }

    private static double fade(int index, int length, int sampleRate) {
        double fadeSamples = FADE_SECONDS * sampleRate;
        double fromEdge = Math.min(index, length - 1 - index);
        return Math.min(1, fromEdge / fadeSamples);
    }

    /**
     * A motion's envelope with its nuisance parameters: ramps start (or end) at a small floor and
     * bend slightly; pulses are sinᵖ humps of equal height.
     */
    private record EnvelopeShape(Motion.Envelope kind, double floor, double curve) {
        static EnvelopeShape random(Motion.Envelope kind, Random random) {
            return kind.pulses() > 0
                    ? new EnvelopeShape(kind, 0, 1.5 + random.nextDouble())
                    : new EnvelopeShape(kind, 0.1 * random.nextDouble(), 0.8 + 0.7 * random.nextDouble());
        }

        /** Gain at time t ∈ [0, 1). */
        double at(double t) {
            return switch (kind) {
                case CRESCENDO -> floor + (1 - floor) * Math.pow(t, curve);
                case DECRESCENDO -> floor + (1 - floor) * Math.pow(1 - t, curve);
                case TWO_PULSES, FOUR_PULSES -> Math.pow(Math.abs(Math.sin(Math.PI * kind.pulses() * t)), curve);
            };
        }
    }
}
