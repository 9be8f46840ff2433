package dev.codi.lab.probe;

import dev.codi.media.Modality;
import dev.codi.training.TrainingStep;
import dev.codi.training.Train;
import dev.codi.training.TrainingContext;
import dev.codi.training.loop.CheckpointState;
import dev.codi.training.loop.Checkpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code codi lab probe-environment}: how well each attribute can be read off V_m(z_t), and off z_t
 * itself, at each noise level, from a training run's last stage-2 checkpoint. Builds its networks
 * from the checkpoint's saved config.
 */
@Command(name = "probe-environment", mixinStandardHelpOptions = true,
        description = "How well each attribute can be read off V_m(z_t), and off z_t, at each noise level (the run's last stage-2 checkpoint).")
public final class ProbeEnvironmentCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "the training run's checkpoints and dataset cache (default: <codi.home>/.cache/training)")
    Path directory;

    @Option(names = "--probe-samples", defaultValue = "1500", description = "dataset samples probed, a third of them scored (default: ${DEFAULT-VALUE})")
    int probeSamples;

    @Option(names = "--timesteps", split = ",", defaultValue = "50,200,400,600,800,950",
            description = "noise levels t of z_t (default: ${DEFAULT-VALUE})")
    int[] timesteps;

    @Option(names = "--reader", defaultValue = "CENTROID", description = "CENTROID (nearest class mean) or RIDGE (ridge regression)")
    EnvironmentTokenProbe.Reader reader;

    @Override
    public Integer call() {
        Path dir = directory != null ? directory : Train.home().resolve(".cache/training");
        Checkpoints checkpoints = new Checkpoints(dir);
        // the last stage-2 stage that has run: every environment encoder is trained from audio–video on
        Path checkpoint = checkpoints.latest(TrainingStep.JOINT_MIXED).or(() -> checkpoints.latest(TrainingStep.JOINT_AUDIO_VIDEO))
                .orElseThrow(() -> new IllegalStateException("no audio-video or mixed checkpoint under " + checkpoints.root()));
        CheckpointState state = checkpoints.readState(checkpoint);
        List<EnvironmentTokenProbe.Row> rows;
        try (TrainingContext context = new TrainingContext(state.config(), dir)) {
            checkpoints.loadWeights(checkpoint, context.networks, context.manager);
            rows = new EnvironmentTokenProbe(context).run(List.of(Modality.IMAGE, Modality.AUDIO, Modality.VIDEO),
                    probeSamples, timesteps, state.config().seed(), reader);
        }
        System.out.printf("checkpoint %s%n%s accuracy (%%) on held-out samples: from the token V_m(z_t) / from z_t itself%n%n", checkpoint,
                reader == EnvironmentTokenProbe.Reader.RIDGE ? "ridge-regression" : "nearest-centroid");
        StringBuilder header = new StringBuilder("| output | attribute | chance |");
        StringBuilder rule = new StringBuilder("|---|---|---|");
        for (int t : timesteps) {
            header.append(" t=").append(t).append(" |");
            rule.append("---|");
        }
        System.out.println(header);
        System.out.println(rule);
        for (EnvironmentTokenProbe.Row row : rows) {
            StringBuilder line = new StringBuilder("| %s | %s | %.0f %% |".formatted(row.modality().wireName(), row.attribute(), 100.0 / row.classes()));
            for (int k = 0; k < timesteps.length; k++) {
                line.append(" %.0f / %.0f |".formatted(100 * row.fromToken()[k], 100 * row.fromLatent()[k]));
            }
            System.out.println(line);
        }
        return 0;
    }
}
