package dev.codi.training;

import dev.codi.model.tiny.CodiTinyConfig;
import dev.codi.training.data.WorldDataset;
import dev.codi.world.HeldOutCombinations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class WorldDatasetTest {
    private static final CodiTinyConfig MODEL = CodiTinyConfig.defaults();

    @Test
    void coversOnlyTrainingCombinationsEachInTurn() {
        int size = HeldOutCombinations.training().size() + 6;
        WorldDataset dataset = WorldDataset.render(3, size, 0.5, 0.5, MODEL);
        assertThat(IntStream.range(0, size).mapToObj(dataset::combination))
                .noneMatch(HeldOutCombinations::isHeldOut)
                .containsAll(HeldOutCombinations.training());
    }

    @Test
    void sameSeedSameSamplesAndTheCacheReadsBackWhatWasRendered(@TempDir Path cache) {
        WorldDataset rendered = WorldDataset.loadOrRender(cache, 11, 12, 0.5, 0.5, MODEL);
        WorldDataset again = WorldDataset.render(11, 12, 0.5, 0.5, MODEL);
        WorldDataset cached = WorldDataset.loadOrRender(cache, 11, 12, 0.5, 0.5, MODEL);
        WorldDataset otherSeed = WorldDataset.render(12, 12, 0.5, 0.5, MODEL);
        assertThat(cache.toFile().list()).hasSize(1);
        for (int sample : new int[] {0, 5, 11}) {
            assertThat(video(again, sample)).isEqualTo(video(rendered, sample)).isEqualTo(video(cached, sample));
            assertThat(spectrogram(cached, sample)).isEqualTo(spectrogram(rendered, sample));
        }
        assertThat(video(otherSeed, 0)).isNotEqualTo(video(rendered, 0));
    }

    @Test
    void aCacheFileUnderAnotherSeedsNameIsRenderedAgainFromTheSeedItsNameSays(@TempDir Path cache) throws Exception {
        WorldDataset.loadOrRender(cache, 11, 12, 0.5, 0.5, MODEL);
        Path seed11 = cache.resolve(cache.toFile().list()[0]);
        Path seed12 = cache.resolve(seed11.getFileName().toString().replace("seed11", "seed12"));
        Files.createSymbolicLink(seed12, seed11);                      // what a hand-made experiment directory did

        WorldDataset loaded = WorldDataset.loadOrRender(cache, 12, 12, 0.5, 0.5, MODEL);

        WorldDataset seed12Rendered = WorldDataset.render(12, 12, 0.5, 0.5, MODEL);
        for (int sample : new int[] {0, 7}) {
            assertThat(video(loaded, sample)).isEqualTo(video(seed12Rendered, sample));
            assertThat(spectrogram(loaded, sample)).isEqualTo(spectrogram(seed12Rendered, sample));
        }
        assertThat(Files.isSymbolicLink(seed12)).as("the link is replaced by seed 12's own file").isFalse();
        assertThat(video(WorldDataset.loadOrRender(cache, 11, 12, 0.5, 0.5, MODEL), 0)).isNotEqualTo(video(loaded, 0));
    }

    @Test
    void imagesAreInRangeWithADarkBackgroundAndABrightShape() {
        WorldDataset dataset = WorldDataset.render(5, 4, 0, 0, MODEL);
        float[] image = new float[dataset.imageValues()];
        dataset.image(2, image, 0);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : image) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isGreaterThanOrEqualTo(-1f).isLessThan(40 / 127.5f - 1 + 1e-3f);  // background ≤ 40
        assertThat(max).isLessThanOrEqualTo(1f).isGreaterThan(0.5f);                       // a shape channel ≥ 200
    }

    @Test
    void audioAtOtherRatesStillGivesTheSameToneAfterTheModelsResampler() {
        WorldDataset native16k = WorldDataset.render(8, 2, 0, 0, MODEL);
        WorldDataset resampled = WorldDataset.render(8, 2, 1, 0, MODEL);
        // the fundamental's bin either way: resampling kept the pitch
        assertThat(peakBin(resampled, 0)).isEqualTo(peakBin(native16k, 0));
    }

    private static float[] video(WorldDataset dataset, int sample) {
        float[] values = new float[dataset.videoValues()];
        dataset.video(sample, values, 0);
        return values;
    }

    private static float[] spectrogram(WorldDataset dataset, int sample) {
        float[] values = new float[dataset.spectrogramValues()];
        dataset.spectrogram(sample, values, 0);
        return values;
    }

    /** The bin with the most energy over the clip: the fundamental, for every timbre of the world. */
    private static int peakBin(WorldDataset dataset, int sample) {
        float[] values = spectrogram(dataset, sample);
        int best = 0;
        double bestSum = Double.NEGATIVE_INFINITY;
        for (int bin = 0; bin < dataset.bins; bin++) {
            double sum = 0;
            for (int frame = 0; frame < dataset.spectrogramFrames; frame++) {
                sum += values[bin * dataset.spectrogramFrames + frame];
            }
            if (sum > bestSum) {
                bestSum = sum;
                best = bin;
            }
        }
        return best;
    }
}
