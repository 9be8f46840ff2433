package dev.codi.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ResamplingTest {
    @Test
    void resampledToneKeepsItsPitch() {
        AudioClip tone = TestMedia.tone(440, 48000, 1.0, 0.8);

        AudioClip down = Resampling.resample(tone, 16000);
        AudioClip up = Resampling.resample(tone, 96000);

        assertThat(down.sampleRate()).isEqualTo(16000);
        assertThat(down.samples()).hasSize(16000);
        assertThat(TestMedia.zeroCrossingFrequency(down)).isCloseTo(440, Offset.offset(0.5));
        assertThat(TestMedia.zeroCrossingFrequency(up)).isCloseTo(440, Offset.offset(0.5));
        assertThat(rms(down, 1000, 15000)).isCloseTo(0.8 / Math.sqrt(2), Offset.offset(0.01));
    }

    @Test
    void downsamplingRemovesContentAboveTheNewNyquistInsteadOfAliasingIt() {
        // 7 kHz at 48 kHz -> 8 kHz (Nyquist 4 kHz): plain decimation would fold it to 1 kHz at full level.
        AudioClip high = TestMedia.tone(7000, 48000, 0.5, 0.8);

        AudioClip down = Resampling.resample(high, 8000);

        assertThat(rms(down, 400, 3600)).isLessThan(0.01);
    }

    @Test
    void fitDurationPadsWithSilenceOrTrims() {
        AudioClip clip = TestMedia.tone(440, 8000, 0.5, 0.5);

        AudioClip padded = Resampling.fitDuration(clip, 1.0);
        AudioClip trimmed = Resampling.fitDuration(clip, 0.25);

        assertThat(padded.samples()).hasSize(8000);
        assertThat(padded.samples()[3999]).isEqualTo(clip.samples()[3999]);
        assertThat(padded.samples()[4000]).isZero();
        assertThat(padded.samples()[7999]).isZero();
        assertThat(trimmed.samples()).hasSize(2000);
    }

    @Test
    void shrinkingAveragesAreasAndEnlargingInterpolates() {
        RgbImage checker = RgbImage.blank(4, 2);
        checker.set(0, 0, 200, 0, 0);
        checker.set(1, 1, 200, 0, 0);
        checker.set(2, 0, 0, 100, 0);

        RgbImage shrunk = Resampling.resize(checker, 2, 1);
        assertThat(shrunk.channel(0, 0, 0)).isEqualTo(100); // mean of 200, 0, 0, 200
        assertThat(shrunk.channel(1, 0, 1)).isEqualTo(25);  // mean of 100, 0, 0, 0

        RgbImage ramp = RgbImage.blank(2, 1);
        ramp.set(0, 0, 0, 0, 0);
        ramp.set(1, 0, 200, 0, 0);
        RgbImage grown = Resampling.resize(ramp, 4, 1);
        // Pixel centres at -0.25, 0.25, 0.75, 1.25 in the source: clamp, 1/4, 3/4, clamp.
        assertThat(new int[] {grown.channel(0, 0, 0), grown.channel(1, 0, 0), grown.channel(2, 0, 0),
                grown.channel(3, 0, 0)}).containsExactly(0, 50, 150, 200);
    }

    @Test
    void toFramesSamplesUniformlyAndKeepsDuration() {
        VideoClip sixteen = new VideoClip(java.util.stream.IntStream.range(0, 16)
                .mapToObj(i -> TestMedia.squareAt(64, 64, 2 * i, 20, 16)).toList(), 16);

        VideoClip eight = Resampling.toFrames(sixteen, 8, 32, 32);

        assertThat(eight.frames()).hasSize(8);
        assertThat(eight.framesPerSecond()).isEqualTo(8.0);
        assertThat(eight.frames().get(0).width()).isEqualTo(32);
        // Output frame i shows input frame floor((i + 0.5) * 2) = 2i + 1, whose square starts at 4i + 2.
        List<Double> centroids = eight.frames().stream().map(TestMedia::redCentroidX).toList();
        for (int i = 0; i < 8; i++) {
            assertThat(centroids.get(i)).isCloseTo((4 * i + 2 + 7.5) / 2, Offset.offset(0.6));
        }
    }

    private static double rms(AudioClip clip, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += clip.samples()[i] * clip.samples()[i];
        }
        return Math.sqrt(sum / (to - from));
    }
}
