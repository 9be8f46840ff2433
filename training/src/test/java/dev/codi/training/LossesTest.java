package dev.codi.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.codi.training.loop.Losses;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LossesTest {
    @Test
    void infoNceIsLowWhenPositivesAreNearestAndHighWhenNegativesAre() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            // two classes: rows 0, 1 are class A, rows 2, 3 class B
            NDArray a = manager.create(new float[] {1, 0, 1, 0, 0, 1, 0, 1}, new Shape(4, 2));
            NDArray swapped = manager.create(new float[] {0, 1, 0, 1, 1, 0, 1, 0}, new Shape(4, 2));
            float[] positives = {1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1};
            float aligned = Losses.multiPositiveInfoNce(a, a, positives, 0.1).getFloat();
            float wrong = Losses.multiPositiveInfoNce(a, swapped, positives, 0.1).getFloat();
            // aligned: each anchor spreads its mass over its 2 positives → −log ½
            assertThat((double) aligned).isCloseTo(Math.log(2), within(1e-3));
            assertThat(wrong).isGreaterThan(10f);
        }
    }

    @Test
    void gaussianKlIsZeroForTheStandardNormalAndPositiveOtherwise() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray zeros = manager.zeros(new Shape(3, 4));
            assertThat(Losses.gaussianKl(zeros, zeros).getFloat()).isCloseTo(0f, within(1e-7f));
            // μ = 1, log σ² = 0: ½·(1 + 1 − 1 − 0) = ½
            assertThat(Losses.gaussianKl(manager.ones(new Shape(3, 4)), zeros).getFloat()).isCloseTo(0.5f, within(1e-6f));
        }
    }
}
