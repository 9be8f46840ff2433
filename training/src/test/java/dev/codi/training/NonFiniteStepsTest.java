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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The training loop's NaN guard: a step that is NaN once is computed again and lands where a clean
 * run does; one that stays NaN is skipped, and after a reload from the last checkpoint training goes on.
 */
class NonFiniteStepsTest {
    private static final float OFFSET = 0.01f;
    private static final TrainingStep STAGE = TrainingStep.TEXT_IMAGE_ALIGNMENT;

    /** The first draw of each step's random: how a trainer tells which step it is computing. */
    private static Set<Long> firstDraws(TrainConfig config, int fromStep, int toStep) {
        Set<Long> draws = new HashSet<>();
        for (int step = fromStep; step <= toStep; step++) {
            draws.add(StageRunner.stepRandom(config.seed(), STAGE, step).nextLong());
        }
        return draws;
    }

    /** Pulls the text encoder's weight towards itself + OFFSET; NaN where {@code nanFor} says so, given the step's first draw. */
    private static StageTrainer pullToTarget(TinyBlock encoder, Parameter weight, float[] target, java.util.function.LongPredicate nanFor) {
        return new StageTrainer() {
            @Override
            public TrainingStep stage() {
                return STAGE;
            }

            @Override
            public List<TinyBlock> trainedNetworks() {
                return List.of(encoder);
            }

            @Override
            public NDArray loss(NDManager batch, ParameterStore store, Random random) {
                NDArray w = store.getValue(weight, batch.getDevice(), true);
                NDArray loss = w.sub(batch.create(target, w.getShape())).square().mean();
                return nanFor.test(random.nextLong()) ? loss.mul(Float.NaN) : loss;
            }
        };
    }

    private static float[] shifted(float[] weights) {
        float[] target = weights.clone();
        for (int i = 0; i < target.length; i++) {
            target[i] += OFFSET;
        }
        return target;
    }

    @Test
    void aStepThatIsNonFiniteOnceIsComputedAgainAndTheRunEndsWhereACleanRunEnds(@TempDir Path directory) {
        TrainConfig defaults = TrainConfig.defaults();
        TrainConfig config = defaults.withEveryStage(12, 4).with(defaults.seed(), 24, 4);
        Set<Long> transientSteps = firstDraws(config, 3, 3);
        transientSteps.addAll(firstDraws(config, 7, 8));
        float[][] ends = new float[2][];
        CheckpointState[] states = new CheckpointState[2];
        for (int run = 0; run < 2; run++) {
            try (TrainingContext context = new TrainingContext(config, directory.resolve("run-" + run))) {
                TinyBlock encoder = context.networks.promptEncoders.get(Modality.TEXT);
                Parameter weight = encoder.getParameters().valueAt(1);
                float[] target = shifted(weight.getArray().toFloatArray());
                Set<Long> seen = new HashSet<>();
                // run 0 is clean; in run 1 steps 3, 7 and 8 are NaN the first time they are computed
                java.util.function.LongPredicate nanFor = run == 0 ? draw -> false : draw -> transientSteps.contains(draw) && seen.add(draw);
                states[run] = new StageRunner(config, context.networks, context.manager, context.checkpoints)
                        .run(pullToTarget(encoder, weight, target, nanFor), Stages.fresh(STAGE, config, null));
                ends[run] = weight.getArray().toFloatArray();
            }
        }
        assertThat(states[1].skippedSteps()).isZero();
        assertThat(ends[1]).isEqualTo(ends[0]);
        assertThat(states[1].losses()).isEqualTo(states[0].losses());
    }

    @Test
    void afterReloadingTheLastCheckpointTheLoopTrainsTheWeightsItReloaded(@TempDir Path directory) {
        TrainConfig defaults = TrainConfig.defaults();
        TrainConfig config = defaults.withEveryStage(60, 4).with(defaults.seed(), 24, 2);
        Set<Long> alwaysNonFinite = firstDraws(config, 4, 8); // steps 4..8: NaN however often computed, then a reload
        try (TrainingContext context = new TrainingContext(config, directory)) {
            TinyBlock encoder = context.networks.promptEncoders.get(Modality.TEXT);
            Parameter weight = encoder.getParameters().valueAt(1);
            float[] target = shifted(weight.getArray().toFloatArray());
            StageTrainer pullToTarget = pullToTarget(encoder, weight, target, alwaysNonFinite::contains);
            CheckpointState end = new StageRunner(config, context.networks, context.manager, context.checkpoints)
                    .run(pullToTarget, Stages.fresh(STAGE, config, null));

            assertThat(end.skippedSteps()).isEqualTo(5);
            float[] trained = weight.getArray().toFloatArray();
            double distance = 0;
            for (int i = 0; i < trained.length; i++) {
                distance += Math.abs(trained[i] - target[i]);
            }
            // the weights the network holds (and saves) moved most of the way to the target
            assertThat(distance / trained.length).isLessThan(0.3 * OFFSET);
            // and the smoothed loss the loop reports (over ~50 steps) is that of those weights; stale ones stay near OFFSET²
            assertThat(end.losses().get(STAGE.id())).isLessThan(0.6 * OFFSET * OFFSET);
        }
    }
}
