package dev.codi.model.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * DDIM against golden values computed independently (numpy, float64) from eq. 12 and 16 of Song
 * et al. 2021, with a deterministic dummy model ε_θ(x, t) = 0.1·x.
 */
class DdimSchedulerTest {
    private static final float[] START = {1.0f, -0.5f, 0.25f, 2.0f};
    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    void scaledLinearScheduleMatchesStableDiffusion() {
        DdimScheduler scheduler = new DdimScheduler(DdimScheduler.Config.codi());
        assertThat(scheduler.alphaCumprod(0)).isCloseTo(0.99915, within(1e-12));
        assertThat(scheduler.alphaCumprod(500)).isCloseTo(0.2763326838229746, within(1e-9));
        assertThat(scheduler.alphaCumprod(999)).isCloseTo(0.004660098513077238, within(1e-9));
        DdimScheduler linear = new DdimScheduler(new DdimScheduler.Config(1000, DdimScheduler.BetaSchedule.LINEAR, 0.00085, 0.012, 0));
        assertThat(linear.alphaCumprod(999)).isCloseTo(0.0015789629305514416, within(1e-9));
    }

    @Test
    void leadingSpacing() {
        DdimScheduler scheduler = new DdimScheduler(DdimScheduler.Config.codi());
        scheduler.setTimesteps(10);
        assertThat(scheduler.timesteps()).containsExactly(900, 800, 700, 600, 500, 400, 300, 200, 100, 0);
        scheduler.setTimesteps(50);
        assertThat(scheduler.timesteps()).hasSize(50).startsWith(980, 960, 940).endsWith(40, 20, 0);
    }

    @Test
    void theCleanEstimateUndoesTheNoisingOfEachRowAtItsOwnTimestepAndIsClipped() {
        DdimScheduler scheduler = new DdimScheduler(DdimScheduler.Config.codi());
        float[] clean = {1.0f, -0.5f, 0.25f, 2.0f};
        float[] noise = {0.3f, 1.2f, -0.7f, -2.0f};
        float[] timesteps = {10, 500, 980, 999};
        float[] noisy = new float[4];
        for (int row = 0; row < 4; row++) {   // x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε, one value per row
            double alpha = scheduler.alphaCumprod((int) timesteps[row]);
            noisy[row] = (float) (Math.sqrt(alpha) * clean[row] + Math.sqrt(1 - alpha) * noise[row]);
        }
        NDArray samples = manager.create(noisy, new ai.djl.ndarray.types.Shape(4, 1));
        NDArray epsilon = manager.create(noise, new ai.djl.ndarray.types.Shape(4, 1));
        assertThat(scheduler.predictedClean(samples, epsilon, timesteps, 4f).toFloatArray())
                .containsExactly(clean, within(2e-3f));
        // the last row's clean value 2.0 lies beyond a bound of 1.5
        assertThat(scheduler.predictedClean(samples, epsilon, timesteps, 1.5f).toFloatArray())
                .containsExactly(new float[] {1.0f, -0.5f, 0.25f, 1.5f}, within(2e-3f));
        assertThatThrownBy(() -> scheduler.predictedClean(samples, epsilon, new float[] {10, 20}, 4f))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deterministicLoopMatchesGoldenValues() {
        assertThat(runDummyModel(10)).containsExactly(new float[] {6.54009769f, -3.27004885f, 1.63502442f, 13.08019538f}, within(2e-4f));
        float[] fifty = runDummyModel(50);
        assertThat(fifty).containsExactly(new float[] {9.52174822f, -4.76087411f, 2.38043705f, 19.04349643f}, within(5e-4f));
        double sum = 0;
        for (float v : fifty) {
            sum += v;
        }
        assertThat(sum).isCloseTo(26.18480759321698, within(1e-3));
    }

    @Test
    void stochasticStepAddsSigmaTimesNoise() {
        DdimScheduler scheduler = new DdimScheduler(DdimScheduler.Config.codi());
        scheduler.setTimesteps(10);
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(START);
            NDArray noise = step.create(new float[] {0.3f, -0.2f, 0.1f, 0.0f});
            float[] previous = scheduler.step(x.mul(0.1f), 900, x, 1.0, noise).toFloatArray();
            // σ = 0.7758765863961948 (eq. 16 with η = 1)
            assertThat(previous).containsExactly(new float[] {1.74672174f, -0.9121547f, 0.45607735f, 3.02791753f}, within(1e-5f));
        }
    }

    @Test
    void badInputFailsWithAClearMessage() {
        DdimScheduler scheduler = new DdimScheduler(DdimScheduler.Config.codi());
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(START);
            assertThatThrownBy(() -> scheduler.step(x, 900, x, 0, null)).hasMessageContaining("setTimesteps");
            scheduler.setTimesteps(10);
            assertThatThrownBy(() -> scheduler.step(x, 901, x, 0, null)).hasMessageContaining("not in the schedule");
            assertThatThrownBy(() -> scheduler.step(x, 900, x, 0.5, null)).hasMessageContaining("needs noise");
            assertThatThrownBy(() -> scheduler.setTimesteps(0)).hasMessageContaining("steps must be within");
        }
    }

    private static float[] runDummyModel(int steps) {
        DdimScheduler scheduler = new DdimScheduler(DdimScheduler.Config.codi());
        scheduler.setTimesteps(steps);
        try (NDManager loop = manager.newSubManager()) {
            NDArray x = loop.create(START);
            for (int t : scheduler.timesteps()) {
                NDArray epsilon = x.mul(0.1f); // the dummy model
                x = scheduler.step(epsilon, t, x, 0.0, null);
            }
            return x.toFloatArray();
        }
    }
}
