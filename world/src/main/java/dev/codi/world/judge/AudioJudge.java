package dev.codi.world.judge;

import dev.codi.media.AudioClip;
import dev.codi.world.Color;
import dev.codi.world.Motion;
import dev.codi.world.Shape;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Color, shape and motion of a clip, at whatever sample rate it comes (≥ 8 kHz):
 * <ol>
 *   <li>pitch → color: the color whose pitch band holds the most spectral energy. Every timbre's
 *       fundamental is its strongest partial, so this is the fundamental, never a harmonic;</li>
 *   <li>timbre → shape: amplitudes of harmonics 2..5 relative to the fundamental, nearest to the
 *       Fourier series of sine, square, triangle and sawtooth;</li>
 *   <li>envelope → motion: the frame RMS track correlated with a ramp up, a ramp down, two and
 *       four pulses.</li>
 * </ol>
 * Bands are ±{@value #BAND_HZ} Hz wide: wide enough for the sidebands the envelope puts around each
 * partial (up to a few times 4 Hz), narrow enough that no two pitches share a band (the closest
 * differ by 32 Hz).
 */
public final class AudioJudge {
    static final int HIGHEST_HARMONIC = 5;
    private static final double BAND_HZ = 14;
    /** 20 ms RMS frames: fine enough to resolve four pulses a second. */
    private static final int ENVELOPE_FRAMES = 50;

    private AudioJudge() {
    }

    /** Quieter than this (RMS, about -80 dBFS) is silence: nothing to judge. */
    private static final double SILENCE_RMS = 1e-4;

    public static AudioReading read(AudioClip clip) {
        double[] nothing = new double[HIGHEST_HARMONIC - 1];
        java.util.Arrays.fill(nothing, Double.NaN);
        if (rms(clip.samples()) < SILENCE_RMS) {
            return new AudioReading(null, null, null, nothing, new double[Motion.values().length]);
        }
        double[] power = powerSpectrum(clip.samples());
        double binHz = clip.sampleRate() / (double) clip.samples().length;

        Color color = null;
        double strongest = 0;
        for (Color candidate : Color.values()) {
            double energy = bandEnergy(power, binHz, candidate.pitchHz());
            if (energy > strongest) {
                strongest = energy;
                color = candidate;
            }
        }
        double[] harmonics = new double[HIGHEST_HARMONIC - 1];
        Shape shape = null;
        if (color != null) {
            for (int n = 2; n <= HIGHEST_HARMONIC; n++) {
                double frequency = n * color.pitchHz();
                harmonics[n - 2] = frequency + BAND_HZ < 0.45 * clip.sampleRate()
                        ? Math.sqrt(bandEnergy(power, binHz, frequency) / strongest)
                        : Double.NaN;
            }
            shape = nearestTimbre(harmonics);
        }
        double[] correlations = envelopeCorrelations(clip.samples());
        Motion motion = null;
        for (Motion candidate : Motion.values()) {
            if (correlations[candidate.ordinal()] > (motion == null ? 0 : correlations[motion.ordinal()])) {
                motion = candidate;
            }
        }
        return new AudioReading(color, shape, motion, harmonics, correlations);
    }

    private static double rms(float[] samples) {
        double sum = 0;
        for (float sample : samples) {
            sum += sample * sample;
        }
        return samples.length == 0 ? 0 : Math.sqrt(sum / samples.length);
    }

    /** |X(k)|² of the Hann-windowed clip, k = 0..n/2. Hann keeps leakage from masking weak harmonics. */
    static double[] powerSpectrum(float[] samples) {
        int n = samples.length;
        double[] data = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
            data[i] = samples[i] * hann;
        }
        new DoubleFFT_1D(n).realForwardFull(data);
        double[] power = new double[n / 2 + 1];
        for (int k = 0; k < power.length; k++) {
            power[k] = data[2 * k] * data[2 * k] + data[2 * k + 1] * data[2 * k + 1];
        }
        return power;
    }

    private static double bandEnergy(double[] power, double binHz, double centreHz) {
        int from = Math.max(0, (int) Math.ceil((centreHz - BAND_HZ) / binHz));
        int to = Math.min(power.length - 1, (int) Math.floor((centreHz + BAND_HZ) / binHz));
        double energy = 0;
        for (int k = from; k <= to; k++) {
            energy += power[k];
        }
        return energy;
    }

    /** Nearest (Euclidean) Fourier-series profile over the harmonics below Nyquist. */
    private static Shape nearestTimbre(double[] harmonics) {
        Shape best = null;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (Shape shape : Shape.values()) {
            double distance = 0;
            for (int n = 2; n <= HIGHEST_HARMONIC; n++) {
                double measured = harmonics[n - 2];
                if (!Double.isNaN(measured)) {
                    double expected = Math.abs(shape.timbre().harmonic(n));
                    distance += (measured - expected) * (measured - expected);
                }
            }
            if (distance < bestDistance) {
                bestDistance = distance;
                best = shape;
            }
        }
        return best;
    }

    /** Correlation of the RMS track with each motion's ideal envelope, in {@link Motion} order. */
    static double[] envelopeCorrelations(float[] samples) {
        double[] rms = new double[ENVELOPE_FRAMES];
        for (int frame = 0; frame < ENVELOPE_FRAMES; frame++) {
            int from = (int) ((long) frame * samples.length / ENVELOPE_FRAMES);
            int to = (int) ((long) (frame + 1) * samples.length / ENVELOPE_FRAMES);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += samples[i] * samples[i];
            }
            rms[frame] = to > from ? Math.sqrt(sum / (to - from)) : 0;
        }
        double[] correlations = new double[Motion.values().length];
        for (Motion motion : Motion.values()) {
            double[] ideal = new double[ENVELOPE_FRAMES];
            for (int frame = 0; frame < ENVELOPE_FRAMES; frame++) {
                double t = (frame + 0.5) / ENVELOPE_FRAMES;
                ideal[frame] = switch (motion.envelope()) {
                    case CRESCENDO -> t;
                    case DECRESCENDO -> 1 - t;
                    case TWO_PULSES, FOUR_PULSES -> Math.pow(Math.sin(Math.PI * motion.envelope().pulses() * t), 2);
                };
            }
            correlations[motion.ordinal()] = pearson(rms, ideal);
        }
        return correlations;
    }

    private static double pearson(double[] a, double[] b) {
        double meanA = 0;
        double meanB = 0;
        for (int i = 0; i < a.length; i++) {
            meanA += a[i];
            meanB += b[i];
        }
        meanA /= a.length;
        meanB /= b.length;
        double covariance = 0;
        double varianceA = 0;
        double varianceB = 0;
        for (int i = 0; i < a.length; i++) {
            covariance += (a[i] - meanA) * (b[i] - meanB);
            varianceA += (a[i] - meanA) * (a[i] - meanA);
            varianceB += (b[i] - meanB) * (b[i] - meanB);
        }
        double denominator = Math.sqrt(varianceA * varianceB);
        return denominator == 0 ? 0 : covariance / denominator;
    }
}
