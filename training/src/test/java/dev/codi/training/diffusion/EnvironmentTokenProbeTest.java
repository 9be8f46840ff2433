package dev.codi.training.diffusion;

import dev.codi.media.Modality;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class EnvironmentTokenProbeTest {
    private static final int ROWS = 600;
    private static final int DIMENSION = 8;

    @Test
    void featuresThatSeparateTheClassesAreReadAndNoiseIsNot() {
        Random random = new Random(7);
        int[] labels = new int[ROWS];
        float[] separated = new float[ROWS * DIMENSION];
        float[] noise = new float[ROWS * DIMENSION];
        for (int i = 0; i < ROWS; i++) {
            labels[i] = random.nextInt(4);
            for (int d = 0; d < DIMENSION; d++) {
                // class c sits at 3 on axis c, 0 elsewhere, with unit noise; the other features carry nothing
                separated[i * DIMENSION + d] = (d == labels[i] ? 3f : 0f) + (float) random.nextGaussian();
                noise[i * DIMENSION + d] = (float) random.nextGaussian();
            }
        }
        assertThat(EnvironmentTokenProbe.nearestCentroidAccuracy(separated, DIMENSION, labels)).isGreaterThan(0.9);
        assertThat(EnvironmentTokenProbe.nearestCentroidAccuracy(noise, DIMENSION, labels)).isBetween(0.1, 0.4);
    }

    @Test
    void scoresOnlyTheHeldOutThird() {
        // fitted rows (index not a multiple of 3) say class 0 lives at +1 and class 1 at −1; the held-out rows sit the other way round
        int[] labels = new int[ROWS];
        float[] features = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            labels[i] = i % 2;
            float side = labels[i] == 0 ? 1f : -1f;
            features[i] = i % 3 == 0 ? -side : side;
        }
        assertThat(EnvironmentTokenProbe.nearestCentroidAccuracy(features, 1, labels)).isEqualTo(0.0);
    }

    @Test
    void imagesAreNotProbedForMotion() {
        assertThat(EnvironmentTokenProbe.attributesOf(Modality.IMAGE)).containsExactly("color", "shape");
        assertThat(EnvironmentTokenProbe.attributesOf(Modality.VIDEO)).containsExactly("color", "shape", "motion");
    }
}
