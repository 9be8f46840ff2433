package dev.codi.training;

import dev.codi.training.loop.LossHistory;
import dev.codi.training.loop.StageRunner;
import dev.codi.training.loop.StageTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The runner's loss history: a row every 10 steps, appended across runs, the header once. */
class LossHistoryTest {
    @Test
    void theRunnerAppendsTheSmoothedLossEveryTenStepsAndAResumedRunContinuesTheFile(@TempDir Path directory) throws Exception {
        TrainConfig defaults = TrainConfig.defaults();
        TrainConfig config = defaults.withEveryStage(20, 16).with(defaults.seed(), 24, 10);
        try (TrainingContext context = new TrainingContext(config, directory)) {
            StageTrainer trainer = Stages.trainer(TrainingStep.TEXT_AUTOENCODER, context);
            new StageRunner(config, context.networks, context.manager, context.checkpoints)
                    .run(trainer, Stages.fresh(TrainingStep.TEXT_AUTOENCODER, config, null));
        }
        Path csv = directory.resolve(LossHistory.FILE);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("stage,step,loss");
        assertThat(lines.subList(1, 3)).allSatisfy(row -> assertThat(Double.parseDouble(row.split(",")[2])).isFinite().isPositive());
        assertThat(lines.subList(1, 3)).extracting(row -> row.substring(0, row.lastIndexOf(',')))
                .containsExactly("text-autoencoder,10", "text-autoencoder,20");

        try (TrainingContext context = new TrainingContext(config, directory)) { // a new process goes on to step 30
            Path latest = context.checkpoints.latest(TrainingStep.TEXT_AUTOENCODER).orElseThrow();
            context.checkpoints.loadWeights(latest, context.networks, context.manager);
            new StageRunner(config, context.networks, context.manager, context.checkpoints)
                    .run(Stages.trainer(TrainingStep.TEXT_AUTOENCODER, context), context.checkpoints.readState(latest).extendedTo(30));
        }
        List<String> extended = Files.readAllLines(csv);
        assertThat(extended).startsWith(lines.toArray(String[]::new)).hasSize(4);
        assertThat(extended.get(3)).startsWith("text-autoencoder,30,");
    }
}
