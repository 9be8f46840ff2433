package dev.codi.model.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * UniPC (bh2, order 2) against golden values computed independently (float64) by a transcription of
 * diffusers' algorithm, lab/schedulers/reference.py, with a deterministic dummy model
 * ε_θ(x, t) = 0.1·x + 0.05·t/1000.
 */
class UniPcMultistepSchedulerTest {
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
    void deterministicLoopMatchesGoldenValues() {
        // one and two steps: the correction weighs nothing before the last step into σ = 0, so these are DPM-Solver++(2M)'s
        assertThat(runDummyModel(1)).containsExactly(new float[] {0.99750856f, -0.49875428f, 0.24937714f, 1.99501711f}, within(1e-5f));
        assertThat(runDummyModel(2)).containsExactly(new float[] {1.69871530f, -0.90877560f, 0.39496985f, 3.43704258f}, within(1e-4f));
        // three steps: a first-order corrector, then a second-order predictor and corrector
        assertThat(runDummyModel(3)).containsExactly(new float[] {2.48776681f, -1.31436437f, 0.58670122f, 5.02252093f}, within(1e-4f));
        assertThat(runDummyModel(10)).containsExactly(new float[] {6.09180400f, -3.37826302f, 1.35677049f, 12.40518201f}, within(5e-4f));
        float[] twenty = runDummyModel(20);
        assertThat(twenty).containsExactly(new float[] {7.76399437f, -4.35379086f, 1.70510175f, 15.84251786f}, within(1e-3f));
        double sum = 0;
        for (float v : twenty) {
            sum += v;
        }
        assertThat(sum).isCloseTo(20.957823112033, within(2e-3));
        // and not DPM-Solver++(2M)'s 20-step sum, 20.985131646376: the corrector moves the trajectory
        assertThat(sum).isNotCloseTo(20.985131646376, within(1e-2));
    }

    @Test
    void aRowThatLeavesTakesItsMemoryAlongAndTheOthersGoOnAsIfSampledAlone() {
        float[] alone = runDummyModel(10);
        UniPcMultistepScheduler scheduler = new UniPcMultistepScheduler(DdimScheduler.Config.codi(), manager);
        scheduler.setTimesteps(10);
        try (NDManager loop = manager.newSubManager()) {
            float[] twoRows = new float[8];                      // row 0: something else, row 1: START
            for (int i = 0; i < 4; i++) {
                twoRows[i] = -3 * START[i];
                twoRows[4 + i] = START[i];
            }
            NDArray x = loop.create(twoRows, new Shape(2, 4));
            int[] timesteps = scheduler.timesteps();
            for (int i = 0; i < timesteps.length; i++) {
                if (i == 4) {                                    // row 0 leaves after second-order predictor and corrector steps
                    x = x.get(1).expandDims(0);
                    scheduler.keepRows(new int[] {1});
                }
                try (NDManager step = loop.newSubManager()) {    // the step's arrays are freed after it, as in the pipeline
                    x.attach(step);
                    NDArray next = scheduler.step(dummyModel(x, timesteps[i]), timesteps[i], x, 0.0, null);
                    next.attach(loop);
                    x = next;
                }
            }
            assertThat(x.getShape()).isEqualTo(new Shape(1, 4));
            assertThat(x.toFloatArray()).containsExactly(alone, within(1e-5f));
        }
    }

    @Test
    void badInputFailsWithAClearMessage() {
        UniPcMultistepScheduler scheduler = new UniPcMultistepScheduler(DdimScheduler.Config.codi(), manager);
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(START);
            assertThatThrownBy(() -> scheduler.step(x, 900, x, 0, null)).hasMessageContaining("setTimesteps");
            scheduler.setTimesteps(10);
            assertThatThrownBy(() -> scheduler.step(x, 901, x, 0, null)).hasMessageContaining("not in the schedule");
            assertThatThrownBy(() -> scheduler.step(x, 900, x, 0.5, null)).hasMessageContaining("UniPC is deterministic: eta must be 0");
            assertThatThrownBy(() -> scheduler.step(x, 700, x, 0, null)).hasMessageContaining("does not follow the start");
            scheduler.step(x, 900, x, 0, null);
            assertThatThrownBy(() -> scheduler.step(x, 700, x, 0, null)).hasMessageContaining("does not follow timestep 900");
        }
    }

    private static NDArray dummyModel(NDArray x, int t) {
        return x.mul(0.1f).add(0.05f * t / 1000f);
    }

    private static float[] runDummyModel(int steps) {
        UniPcMultistepScheduler scheduler = new UniPcMultistepScheduler(DdimScheduler.Config.codi(), manager);
        scheduler.setTimesteps(steps);
        try (NDManager loop = manager.newSubManager()) {
            NDArray x = loop.create(START);
            for (int t : scheduler.timesteps()) {
                x = scheduler.step(dummyModel(x, t), t, x, 0.0, null);
            }
            return x.toFloatArray();
        }
    }
}
