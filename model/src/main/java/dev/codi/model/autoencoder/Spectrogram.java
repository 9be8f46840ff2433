package dev.codi.model.autoencoder;

import java.util.Arrays;
import java.util.Random;

/**
 * The audio representation of codi-tiny: a linear-frequency log-magnitude spectrogram of 1 s at
 * 16 kHz, and its inversion to a waveform by Griffin-Lim (Griffin &amp; Lim 1984).
 *
 * <p>STFT: Hann window of {@code fftSize} samples, hop {@code hop}, frames centred at k·hop
 * (signal zero-padded by fftSize/2 on both sides), the first {@code bins} bins kept. Linear
 * rather than mel frequency because the judge measures pitch to the semitone between 261 and
 * 523 Hz (docs/design.md §7): 15.6 Hz bins separate them, a 64-bin mel scale would blur them. Values:
 * v = 2·ln(max(|X|/(Σw/2), floor))/ln(1/floor) + 1, so a full-scale sine peaks near 1 and
 * silence (the floor) is −1.
 *
 * @param bins   kept frequency bins (0 … bins−1), e.g. 128 → 0–1984 Hz
 * @param frames STFT frames, e.g. 64 → hop 250 at 16 kHz
 */
public record Spectrogram(int sampleRate, int samples, int fftSize, int hop, int bins, int frames,
                          double magnitudeFloor, int griffinLimIterations) {
    public Spectrogram {
        if (bins > fftSize / 2 + 1 || frames * hop > samples + hop || !(magnitudeFloor > 0 && magnitudeFloor < 1)) {
            throw new IllegalArgumentException("inconsistent spectrogram settings: bins " + bins + ", frames " + frames
                    + ", hop " + hop + ", samples " + samples);
        }
    }

    public static Spectrogram codiTiny() {
        return new Spectrogram(16_000, 16_000, 1024, 250, 128, 64, 1e-4, 32);
    }

    private double windowGain() {
        return fftSize / 4.0; // Σ Hann / 2
    }

    private double[] window() {
        double[] window = new double[fftSize];
        for (int i = 0; i < fftSize; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / fftSize); // periodic Hann
        }
        return window;
    }

    /** @return (bins, frames) row-major normalised log magnitudes */
    public float[] analyse(float[] waveform) {
        if (waveform.length != samples) {
            throw new IllegalArgumentException("expected " + samples + " samples, got " + waveform.length);
        }
        double[][] magnitude = stftMagnitude(toDouble(waveform));
        float[] values = new float[bins * frames];
        double scale = Math.log(1 / magnitudeFloor) / 2;
        for (int bin = 0; bin < bins; bin++) {
            for (int frame = 0; frame < frames; frame++) {
                double m = Math.max(magnitude[frame][bin] / windowGain(), magnitudeFloor);
                values[bin * frames + frame] = (float) (Math.log(m) / scale + 1);
            }
        }
        return values;
    }

    /**
     * Griffin-Lim from (bins, frames) normalised log magnitudes; phases start from a seeded draw.
     * Each iteration keeps the target magnitudes and takes the phase of the last estimate's STFT
     * (Griffin &amp; Lim eq. 6–7). The phase is held as the unit phasor X/|X|, which is
     * (cos ∠X, sin ∠X) without the trigonometry, and two real frames share one complex FFT.
     */
    public float[] synthesise(float[] values, long seed) {
        if (values.length != bins * frames) {
            throw new IllegalArgumentException("expected " + bins * frames + " spectrogram values, got " + values.length);
        }
        int half = fftSize / 2 + 1;
        double scale = Math.log(1 / magnitudeFloor) / 2;
        double[][] target = new double[frames][half]; // bins above `bins` stay 0
        for (int bin = 0; bin < bins; bin++) {
            for (int frame = 0; frame < frames; frame++) {
                double v = Math.min(values[bin * frames + frame], 1.5f);
                double m = Math.exp((v - 1) * scale);
                target[frame][bin] = m <= magnitudeFloor * 1.0001 ? 0 : m * windowGain();
            }
        }
        Random random = new Random(seed);
        double[][] phaseReal = new double[frames][half];      // (frames, fftSize/2 + 1): cos of the phase
        double[][] phaseImaginary = new double[frames][half]; // (frames, fftSize/2 + 1): sin of the phase
        for (int frame = 0; frame < frames; frame++) {
            for (int k = 0; k < half; k++) {
                double angle = 2 * Math.PI * random.nextDouble();
                phaseReal[frame][k] = Math.cos(angle);
                phaseImaginary[frame][k] = Math.sin(angle);
            }
        }
        Fft fft = new Fft(fftSize);
        double[] window = window();
        double[] signal = overlapAdd(target, phaseReal, phaseImaginary, fft, window);
        for (int iteration = 0; iteration < griffinLimIterations; iteration++) {
            estimatePhase(signal, phaseReal, phaseImaginary, fft, window);
            signal = overlapAdd(target, phaseReal, phaseImaginary, fft, window);
        }
        float[] waveform = new float[samples];
        double peak = 0;
        for (double s : signal) {
            peak = Math.max(peak, Math.abs(s));
        }
        double gain = peak > 0.99 ? 0.99 / peak : 1;
        for (int i = 0; i < samples; i++) {
            waveform[i] = (float) (signal[i] * gain);
        }
        return waveform;
    }

    /**
     * The unit phasors of the signal's STFT, frames taken two at a time: frame a in the real part
     * and frame b in the imaginary part of one FFT Z, then A[k] = (Z[k] + conj Z[N−k]) / 2 and
     * B[k] = (Z[k] − conj Z[N−k]) / 2i. A bin of magnitude 0 gets phase 0, as atan2(0, 0) does.
     */
    private void estimatePhase(double[] signal, double[][] phaseReal, double[][] phaseImaginary, Fft fft, double[] window) {
        double[] real = new double[fftSize];
        double[] imaginary = new double[fftSize];
        for (int frame = 0; frame < frames; frame += 2) {
            boolean pair = frame + 1 < frames;
            windowedFrame(signal, frame, window, real);
            if (pair) {
                windowedFrame(signal, frame + 1, window, imaginary);
            } else {
                Arrays.fill(imaginary, 0);
            }
            fft.transform(real, imaginary, false);
            for (int k = 0; k <= fftSize / 2; k++) {
                int mirror = (fftSize - k) % fftSize;
                double zr = real[k];
                double zi = imaginary[k];
                double yr = real[mirror];
                double yi = imaginary[mirror];
                unitPhasor(phaseReal[frame], phaseImaginary[frame], k, (zr + yr) / 2, (zi - yi) / 2);
                if (pair) {
                    unitPhasor(phaseReal[frame + 1], phaseImaginary[frame + 1], k, (zi + yi) / 2, (yr - zr) / 2);
                }
            }
        }
    }

    private static void unitPhasor(double[] phaseReal, double[] phaseImaginary, int k, double real, double imaginary) {
        double magnitude = Math.sqrt(real * real + imaginary * imaginary);
        phaseReal[k] = magnitude > 0 ? real / magnitude : 1;
        phaseImaginary[k] = magnitude > 0 ? imaginary / magnitude : 0;
    }

    private void windowedFrame(double[] signal, int frame, double[] window, double[] into) {
        int start = frame * hop - fftSize / 2;
        for (int i = 0; i < fftSize; i++) {
            int index = start + i;
            into[i] = index >= 0 && index < samples ? signal[index] * window[i] : 0;
        }
    }

    /**
     * Weighted overlap-add inverse STFT of magnitude·phasor (least-squares estimate, Griffin &amp;
     * Lim eq. 6), the real part of each frame's inverse FFT. Two frames share one inverse FFT:
     * A and B made Hermitian (their DC and Nyquist bins real), Z = A + iB transforms to a + ib.
     */
    private double[] overlapAdd(double[][] magnitude, double[][] phaseReal, double[][] phaseImaginary, Fft fft, double[] window) {
        double[] signal = new double[samples];
        double[] weight = new double[samples];
        double[] real = new double[fftSize];
        double[] imaginary = new double[fftSize];
        for (int frame = 0; frame < frames; frame += 2) {
            boolean pair = frame + 1 < frames;
            for (int k = 0; k <= fftSize / 2; k++) {
                boolean hermitianPair = k > 0 && k < fftSize / 2;
                double ar = magnitude[frame][k] * phaseReal[frame][k];
                double ai = hermitianPair ? magnitude[frame][k] * phaseImaginary[frame][k] : 0;
                double br = pair ? magnitude[frame + 1][k] * phaseReal[frame + 1][k] : 0;
                double bi = pair && hermitianPair ? magnitude[frame + 1][k] * phaseImaginary[frame + 1][k] : 0;
                real[k] = ar - bi;
                imaginary[k] = ai + br;
                if (hermitianPair) { // Z[N−k] = conj A[k] + i·conj B[k]
                    real[fftSize - k] = ar + bi;
                    imaginary[fftSize - k] = br - ai;
                }
            }
            fft.transform(real, imaginary, true);
            addFrame(signal, weight, frame, real, window);
            if (pair) {
                addFrame(signal, weight, frame + 1, imaginary, window);
            }
        }
        for (int i = 0; i < samples; i++) {
            signal[i] = weight[i] > 1e-6 ? signal[i] / weight[i] : 0;
        }
        return signal;
    }

    private void addFrame(double[] signal, double[] weight, int frame, double[] values, double[] window) {
        int start = frame * hop - fftSize / 2;
        for (int i = 0; i < fftSize; i++) {
            int index = start + i;
            if (index >= 0 && index < samples) {
                signal[index] += values[i] / fftSize * window[i];
                weight[index] += window[i] * window[i];
            }
        }
    }

    private double[][] stftMagnitude(double[] signal) {
        double[][][] spectrum = stft(signal);
        double[][] magnitude = new double[frames][fftSize / 2 + 1];
        for (int frame = 0; frame < frames; frame++) {
            for (int k = 0; k <= fftSize / 2; k++) {
                magnitude[frame][k] = Math.hypot(spectrum[0][frame][k], spectrum[1][frame][k]);
            }
        }
        return magnitude;
    }

    /** @return [real|imaginary][frame][bin 0..fftSize/2] */
    private double[][][] stft(double[] signal) {
        Fft fft = new Fft(fftSize);
        double[] window = window();
        double[][][] spectrum = new double[2][frames][];
        double[] real = new double[fftSize];
        double[] imaginary = new double[fftSize];
        for (int frame = 0; frame < frames; frame++) {
            int start = frame * hop - fftSize / 2;
            for (int i = 0; i < fftSize; i++) {
                int index = start + i;
                real[i] = index >= 0 && index < samples ? signal[index] * window[i] : 0;
                imaginary[i] = 0;
            }
            fft.transform(real, imaginary, false);
            spectrum[0][frame] = Arrays.copyOf(real, fftSize / 2 + 1);
            spectrum[1][frame] = Arrays.copyOf(imaginary, fftSize / 2 + 1);
        }
        return spectrum;
    }

    private static double[] toDouble(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }
}
