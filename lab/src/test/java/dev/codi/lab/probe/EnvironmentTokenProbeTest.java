package dev.codi.lab.probe;

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
    void ridgeRegressionReadsAClassCarriedByOneSmallFeatureAmongLargeNoiseAndNothingFromNoise() {
        // the class is the sign of feature 0, which is small beside 20 features of large pure noise
        Random random = new Random(11);
        int dimension = 21;
        int[] labels = new int[ROWS];
        float[] features = new float[ROWS * dimension];
        for (int i = 0; i < ROWS; i++) {
            labels[i] = random.nextInt(2);
            features[i * dimension] = (labels[i] == 1 ? 0.5f : -0.5f) + 0.05f * (float) random.nextGaussian();
            for (int d = 1; d < dimension; d++) {
                features[i * dimension + d] = 10f * (float) random.nextGaussian();
            }
        }
        assertThat(EnvironmentTokenProbe.accuracy(EnvironmentTokenProbe.Reader.RIDGE, features, dimension, labels)).isGreaterThan(0.95);
        assertThat(EnvironmentTokenProbe.ridgeAccuracy(noiseOnly(random, dimension), dimension, labels, 1.0)).isBetween(0.3, 0.7);
    }

    @Test
    void theCholeskySolverSolvesASymmetricSystem() {
        double[][] a = {{4, 2, 0.4}, {2, 5, 1}, {0.4, 1, 3}};
        double[][] expected = {{1, -2}, {0.5, 3}, {-1, 0.25}};
        double[][] b = new double[3][2];
        for (int i = 0; i < 3; i++) {
            for (int c = 0; c < 2; c++) {
                for (int k = 0; k < 3; k++) {
                    b[i][c] += a[i][k] * expected[k][c];
                }
            }
        }
        double[][] x = EnvironmentTokenProbe.solveSymmetric(a, b);
        for (int i = 0; i < 3; i++) {
            assertThat(x[i]).containsExactly(expected[i], org.assertj.core.api.Assertions.within(1e-9));
        }
    }

    private static float[] noiseOnly(Random random, int dimension) {
        float[] features = new float[ROWS * dimension];
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) random.nextGaussian();
        }
        return features;
    }

    @Test
    void imagesAreNotProbedForMotion() {
        assertThat(EnvironmentTokenProbe.attributesOf(Modality.IMAGE)).containsExactly("color", "shape");
        assertThat(EnvironmentTokenProbe.attributesOf(Modality.VIDEO)).containsExactly("color", "shape", "motion");
    }
}
