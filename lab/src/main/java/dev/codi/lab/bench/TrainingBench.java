package dev.codi.lab.bench;

import dev.codi.training.TrainingStep;
import dev.codi.training.Stages;
import dev.codi.training.Train;
import dev.codi.training.TrainConfig;
import dev.codi.training.TrainingContext;
import dev.codi.training.loop.CheckpointState;
import dev.codi.training.loop.StageRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Prints the measured seconds per step of every stage at the default batch sizes, and what the
 * default schedule costs at that speed: the figures the schedule in {@link TrainConfig} is sized by.
 * Starts from random weights in a scratch directory; the dataset cache is shared with real runs.
 */
@Command(name = "bench-training", mixinStandardHelpOptions = true, description = "Measures seconds per step of every stage.")
public final class TrainingBench implements Callable<Integer> {
    @Option(names = "--steps", defaultValue = "8", description = "timed steps per stage (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--dir", description = "dataset cache directory (default: <codi.home>/.cache/training)")
    Path directory;

    @Override
    public Integer call() throws IOException {
        Path cache = directory != null ? directory : Train.home().resolve(".cache/training");
        Path scratch = Files.createTempDirectory("codi-bench");
        TrainConfig defaults = TrainConfig.defaults();
        TrainConfig config = defaults.withSteps(steps).with(defaults.seed(), defaults.datasetSamples(), 1_000_000);
        double total = 0;
        try (TrainingContext context = new TrainingContext(config, scratch)) {
            // share the real dataset cache: rendering it is the first thing a real run does anyway
            Files.createDirectories(cache);
            dev.codi.training.data.WorldDataset.loadOrRender(cache, config.seed(), config.datasetSamples(),
                    config.resampledAudioShare(), config.gifShare(), context.model);
            linkDatasets(cache, scratch);
            TrainingContext shared = context;
            StageRunner runner = new StageRunner(config, shared.networks, shared.manager, shared.checkpoints);
            CheckpointState state = null;
            System.out.printf("%-22s %6s %10s %8s %12s%n", "stage", "batch", "s/step", "steps", "minutes");
            for (TrainingStep stage : TrainingStep.values()) {
                state = runner.run(Stages.trainer(stage, shared), Stages.fresh(stage, config, state));
                double perStep = state.seconds().get(stage.id()) / steps;
                int planned = defaults.schedule(stage).steps();
                total += perStep * planned / 60;
                System.out.printf("%-22s %6d %10.3f %8d %12.1f%n", stage.id(), defaults.schedule(stage).batch(), perStep, planned,
                        perStep * planned / 60);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(scratch)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (UncheckedIOException e) {
                // scratch cleanup is best effort
            }
        }
        System.out.printf("default schedule: %.1f minutes of steps%n", total);
        return 0;
    }

    /** Makes the cached dataset files of {@code cache} visible in {@code scratch} (rendering there caches them in both). */
    private static void linkDatasets(Path cache, Path scratch) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("dataset-")).toList()) {
                Files.createSymbolicLink(scratch.resolve(file.getFileName()), file);
            }
        }
    }
}
