package dev.codi.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.model.nn.TinyBlock;
import dev.codi.training.loop.CheckpointState;
import dev.codi.training.loop.StageRunner;
import dev.codi.training.loop.StageTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The training loop's NaN guard: after skipped steps and a reload from the last checkpoint, training goes on. */
class NonFiniteStepsTest {
    private static final float OFFSET = 0.01f;

    @Test
    void afterReloadingTheLastCheckpointTheLoopTrainsTheWeightsItReloaded(@TempDir Path directory) {
        TrainConfig defaults = TrainConfig.defaults();
        TrainConfig config = defaults.withEveryStage(60, 4).with(defaults.seed(), 24, 2);
        try (TrainingContext context = new TrainingContext(config, directory)) {
            TinyBlock encoder = context.networks.promptEncoders.get(Modality.TEXT);
            Parameter weight = encoder.getParameters().valueAt(1);
            float[] target = weight.getArray().toFloatArray();
            for (int i = 0; i < target.length; i++) {
                target[i] += OFFSET;
            }
            int[] calls = {0};
            StageTrainer pullToTarget = new StageTrainer() {
                @Override
                public Stage stage() {
                    return Stage.TEXT_IMAGE_ALIGNMENT;
                }

                @Override
                public List<TinyBlock> trainedNetworks() {
                    return List.of(encoder);
                }

                @Override
                public NDArray loss(NDManager batch, ParameterStore store, Random random) {
                    NDArray w = store.getValue(weight, batch.getDevice(), true);
                    NDArray loss = w.sub(batch.create(target, w.getShape())).square().mean();
                    calls[0]++;
                    return calls[0] > 4 && calls[0] <= 9 ? loss.mul(Float.NaN) : loss; // steps 4..8: NaN, then a reload
                }
            };
            CheckpointState end = new StageRunner(config, context.networks, context.manager, context.checkpoints)
                    .run(pullToTarget, Stages.fresh(Stage.TEXT_IMAGE_ALIGNMENT, config, null));

            assertThat(end.skippedSteps()).isEqualTo(5);
            float[] trained = weight.getArray().toFloatArray();
            double distance = 0;
            for (int i = 0; i < trained.length; i++) {
                distance += Math.abs(trained[i] - target[i]);
            }
            // the weights the network holds (and saves) moved most of the way to the target
            assertThat(distance / trained.length).isLessThan(0.3 * OFFSET);
            // and the smoothed loss the loop reports (over ~50 steps) is that of those weights; stale ones stay near OFFSET²
            assertThat(end.losses().get(Stage.TEXT_IMAGE_ALIGNMENT.id())).isLessThan(0.6 * OFFSET * OFFSET);
        }
    }
}
