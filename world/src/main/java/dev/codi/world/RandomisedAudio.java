package dev.codi.world;

import dev.codi.media.AudioClip;
import java.util.Random;

/**
 * Audio of a combination with every free parameter of the world spec drawn widely (domain
 * randomisation, docs/design.md §7.1): what the spec fixes — the color's pitch, the shape's
 * harmonic series, the motion's envelope kind (a ramp up, a ramp down, two or four pulses a second),
 * one second at ≥ 8 kHz — stays fixed; the rest varies far beyond {@link WorldGenerator#audio}'s
 * narrow draws, so a model trained on it reads any rendering the spec allows, not one program's.
 *
 * <ul>
 *   <li>sample rate: any integer rate in 8–48 kHz; harmonics summed up to 0.45 × the rate;</li>
 *   <li>level: peak at −12 to 0 dBFS; noise: white, 40–60 dB below the peak;</li>
 *   <li>pulses: gated (flat top, 1–10 ms linear fades), raised-cosine, or sinᵖ with p in 0.5–3,
 *       each lasting 35–70 % of its period, its centre jittered by up to ±8 ms;</li>
 *   <li>ramps: linear, exponential ((e^{at} − 1)/(e^a − 1), a in 1–5) or tᵖ (p in 0.4–3), from a
 *       floor of 0–15 % of the peak;</li>
 *   <li>end fades 0–10 ms.</li>
 * </ul>
 *
 * Written from the spec for training; it shares no code with the evaluation module's renderer.
 */
public final class RandomisedAudio {
    /** The envelope a clip was drawn with: three ways to sound pulses, three ways to sound a ramp. */
    public enum EnvelopeKind {
        GATED_PULSES, RAISED_COSINE_PULSES, SINE_POWER_PULSES, LINEAR_RAMP, EXPONENTIAL_RAMP, POWER_RAMP;

        boolean pulses() {
            return ordinal() <= SINE_POWER_PULSES.ordinal();
        }
    }

    /** A clip and the free choices it was drawn with. */
    public record Clip(AudioClip audio, EnvelopeKind envelope, double peakDbfs, double noiseDbBelowPeak) {
    }

    static final int MAX_RATE = 48_000;
    private static final double MAX_JITTER_SECONDS = 0.008;
    private static final double MIN_DUTY = 0.35;
    private static final double MAX_DUTY = 0.70;
    private static final double MAX_FLOOR = 0.15;

    private RandomisedAudio() {
    }

    static Clip render(Color color, Shape shape, Motion motion, Random random) {
        int sampleRate = random.nextInt(WorldSpec.MIN_AUDIO_RATE, MAX_RATE + 1);
        int length = (int) Math.round(WorldSpec.AUDIO_SECONDS * sampleRate);
        double[] wave = waveform(color.pitchHz(), shape.timbre(), length, sampleRate, random.nextDouble() * 2 * Math.PI);
        Envelope envelope = Envelope.random(motion.envelope(), random);
        double peakDbfs = -12 * random.nextDouble();
        double noiseDb = 40 + 20 * random.nextDouble();
        double fadeSamples = 0.010 * random.nextDouble() * sampleRate;

        double[] values = new double[length];
        double peak = 1e-12;
        for (int i = 0; i < length; i++) {
            double fromEdge = Math.min(i, length - 1 - i);
            double fade = fadeSamples < 1 ? 1 : Math.min(1, fromEdge / fadeSamples);
            values[i] = wave[i] * envelope.at(i / (double) sampleRate) * fade;
            peak = Math.max(peak, Math.abs(values[i]));
        }
        double gain = Math.pow(10, peakDbfs / 20) / peak;
        double noise = Math.pow(10, (peakDbfs - noiseDb) / 20); // RMS of the noise, relative to full scale
        float[] samples = new float[length];
        for (int i = 0; i < length; i++) {
            double value = values[i] * gain + noise * random.nextGaussian();
            samples[i] = (float) Math.max(-1, Math.min(1, value));
        }
        return new Clip(new AudioClip(sampleRate, samples), envelope.kind(), peakDbfs, noiseDb);
    }

    /**
     * Σ aₙ·sin(n·θ) over the harmonics below 0.45 × rate, peak-normalised later. sin(nθ) comes from
     * the recurrence sin((n+1)θ) = 2·cos θ·sin(nθ) − sin((n−1)θ): one sine and cosine per sample,
     * whatever the harmonic count (up to 82 at 48 kHz).
     */
    private static double[] waveform(double pitchHz, Shape.Timbre timbre, int length, int sampleRate, double phase) {
        int harmonics = (int) Math.floor(0.45 * sampleRate / pitchHz);
        double[] amplitudes = new double[harmonics + 1];
        for (int n = 1; n <= harmonics; n++) {
            amplitudes[n] = timbre.harmonic(n);
        }
        double omega = 2 * Math.PI * pitchHz / sampleRate;
        double[] wave = new double[length];
        for (int i = 0; i < length; i++) {
            double theta = omega * i + phase;
            double twoCos = 2 * Math.cos(theta);
            double previous = 0;              // sin(0·θ)
            double current = Math.sin(theta); // sin(1·θ)
            double sum = 0;
            for (int n = 1; n <= harmonics; n++) {
                sum += amplitudes[n] * current;
                double next = twoCos * current - previous;
                previous = current;
                current = next;
            }
            wave[i] = sum;
        }
        return wave;
    }

    /**
     * A motion's envelope with its free parameters. Pulses: k a second, pulse j centred at
     * (j + ½)/k + jitter, lasting duty/k; ramps from {@code floor} to 1 (up) or 1 to floor (down).
     */
    private record Envelope(Motion.Envelope motion, EnvelopeKind kind, double duty, double[] centres, double fade,
                            double floor, double curve) {
        static Envelope random(Motion.Envelope motion, Random random) {
            if (motion.pulses() > 0) {
                int k = motion.pulses();
                EnvelopeKind kind = EnvelopeKind.values()[random.nextInt(3)];
                double duty = MIN_DUTY + (MAX_DUTY - MIN_DUTY) * random.nextDouble();
                double[] centres = new double[k];
                for (int j = 0; j < k; j++) {
                    centres[j] = (j + 0.5) / k + MAX_JITTER_SECONDS * (2 * random.nextDouble() - 1);
                }
                double fade = 0.001 + 0.009 * random.nextDouble();
                double curve = 0.5 + 2.5 * random.nextDouble();
                return new Envelope(motion, kind, duty, centres, fade, 0, curve);
            }
            EnvelopeKind kind = EnvelopeKind.values()[3 + random.nextInt(3)];
            double floor = MAX_FLOOR * random.nextDouble();
            double curve = kind == EnvelopeKind.EXPONENTIAL_RAMP ? 1 + 4 * random.nextDouble() : 0.4 + 2.6 * random.nextDouble();
            return new Envelope(motion, kind, 0, new double[0], 0, floor, curve);
        }

        /** Gain at time t seconds into the clip, in [0, 1]. */
        double at(double t) {
            if (kind.pulses()) {
                double width = duty / centres.length;
                double gain = 0;
                for (double centre : centres) {
                    double u = (t - centre) / width + 0.5; // 0..1 across the pulse
                    if (u > 0 && u < 1) {
                        gain = Math.max(gain, pulse(u, width));
                    }
                }
                return gain;
            }
            double rise = motion == Motion.Envelope.CRESCENDO ? t : 1 - t;
            double shaped = switch (kind) {
                case LINEAR_RAMP -> rise;
                case EXPONENTIAL_RAMP -> Math.expm1(curve * rise) / Math.expm1(curve);
                default -> Math.pow(rise, curve);
            };
            return floor + (1 - floor) * shaped;
        }

        private double pulse(double u, double width) {
            return switch (kind) {
                case GATED_PULSES -> Math.min(1, Math.min(u, 1 - u) * width / fade);
                case RAISED_COSINE_PULSES -> 0.5 - 0.5 * Math.cos(2 * Math.PI * u);
                default -> Math.pow(Math.sin(Math.PI * u), curve);
            };
        }
    }
}
