package dev.codi.model.autoencoder;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SpectrogramTest {
    private final Spectrogram spectrogram = Spectrogram.codiTiny();

    @Test
    void sinePeaksAtItsBinAndSurvivesGriffinLim() {
        float[] tone = sine(440.0, 0.5);
        float[] values = spectrogram.analyse(tone);
        assertThat(values).hasSize(128 * 64);
        int frame = 32;
        int peakBin = 0;
        for (int bin = 0; bin < spectrogram.bins(); bin++) {
            if (values[bin * 64 + frame] > values[peakBin * 64 + frame]) {
                peakBin = bin;
            }
        }
        assertThat(peakBin).isEqualTo((int) Math.round(440.0 * 1024 / 16_000)); // bin 28
        // a full-scale-ish sine sits near the top of the range, silence at −1
        assertThat(values[peakBin * 64 + frame]).isBetween(0.5f, 1.1f);
        assertThat(spectrogram.analyse(new float[16_000])[0]).isEqualTo(-1f);

        float[] rebuilt = spectrogram.synthesise(values, 7);
        assertThat(rebuilt).hasSize(16_000);
        assertThat(dominantFrequency(rebuilt, 16_000)).isCloseTo(440.0, within(4.0));
        assertThat(spectrogram.synthesise(values, 7)).containsExactly(rebuilt); // seeded: deterministic
    }

    private static float[] sine(double frequency, double amplitude) {
        float[] samples = new float[16_000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (amplitude * Math.sin(2 * Math.PI * frequency * i / 16_000));
        }
        return samples;
    }

    /** Plain DFT magnitude scan 200–800 Hz in 1 Hz steps over the middle 8000 samples. */
    private static double dominantFrequency(float[] samples, int rate) {
        double best = 0;
        double bestPower = -1;
        for (double f = 200; f <= 800; f += 1) {
            double re = 0;
            double im = 0;
            for (int i = 4000; i < 12_000; i++) {
                re += samples[i] * Math.cos(2 * Math.PI * f * i / rate);
                im -= samples[i] * Math.sin(2 * Math.PI * f * i / rate);
            }
            double power = re * re + im * im;
            if (power > bestPower) {
                bestPower = power;
                best = f;
            }
        }
        return best;
    }
}
