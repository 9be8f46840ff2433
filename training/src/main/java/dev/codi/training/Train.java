package dev.codi.training;

import ai.djl.engine.Engine;
import dev.codi.model.tiny.BundleManifest;
import dev.codi.model.tiny.CodiTinyBundle;
import dev.codi.training.loop.CheckpointState;
import dev.codi.training.loop.Checkpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code codi train}: training of codi-tiny, one command per stage, one for stage 2, one for all.
 *
 * <pre>
 * train all                       every stage in order (resumes from checkpoints), then writes the bundle
 * train joint [--seed N]          stage 2 (text–image, text–audio, audio–video, then mixed sets) on finished stage 1, then the bundle
 * train stage image-autoencoder   one stage, from its predecessor's final checkpoint (or its own latest)
 * train export --out DIR          a bundle from the latest checkpoint, for evaluation mid-run
 * </pre>
 *
 * Run with OPT_OUT_TRACKING=true, -Dai.djl.offline=true, DJL_CACHE_DIR set, and
 * -Dai.djl.pytorch.num_threads=2 on the 2-core machines.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Trains codi-tiny on the Shapes & Tones world.",
        subcommands = {Train.All.class, Train.Joint.class, Train.OneStage.class, Train.Export.class})
public final class Train {
    private static final Logger LOG = LoggerFactory.getLogger(Train.class);

    /** Options every training command shares. */
    static final class Common {
        @Option(names = "--dir", description = "checkpoints and dataset cache (default: <codi.home>/.cache/training)")
        Path directory;

        @Option(names = "--seed", description = "seed of the stages this command starts: their batches, noise and dataset "
                + "(default: the seed of the run's newest checkpoint; a stage that resumes keeps the seed it began with)")
        Long seed;

        @Option(names = "--samples", description = "dataset size (default: the config's)")
        Integer samples;

        @Option(names = "--steps", description = "every stage at this many steps (smoke runs)")
        Integer steps;

        @Option(names = "--batch", description = "with --steps: every stage at this batch size (default: 8)")
        Integer batch;

        @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: the config's)")
        Integer checkpointEvery;

        @Option(names = "--randomised-audio-share", description = "share of audio-alignment rows on domain-randomised clips "
                + "(default: the run's config; a new run's default is 0.5)")
        Double randomisedAudioShare;

        @Option(names = "--audio-anchor-weight", description = "weight of ‖E(x) − E_start(x)‖² on the generator's own clips in audio "
                + "alignment: re-training the audio encoder (--extend-to) while the denoisers keep its embeddings (default: the run's config, 0)")
        Double audioAnchorWeight;

        Path directory() {
            return directory != null ? directory : home().resolve(".cache/training");
        }

        /**
         * The config for training {@code trained}: the one saved with existing checkpoints (so a resume
         * continues the same run), else defaults plus options. Its seed is the seed of the stages this
         * command trains: an unfinished stage among them resumes with the seed it began with; otherwise
         * {@code --seed}, else the seed of the run's newest checkpoint. A seed that differs from the
         * finished stages' (a second stage-2 draw on the same stage 1) renders and trains on that
         * seed's own dataset; each checkpoint records the seed its stage ran with.
         */
        TrainConfig config(List<TrainingStep> trained) {
            Path dir = directory();
            Checkpoints checkpoints = new Checkpoints(dir);
            TrainConfig saved = null;
            Long newestSeed = null;
            for (TrainingStep stage : TrainingStep.values()) {
                var latest = checkpoints.latest(stage);
                if (latest.isPresent()) {
                    CheckpointState state = checkpoints.readState(latest.get());
                    saved = saved == null ? state.config() : saved;
                    newestSeed = state.seed();
                }
            }
            if (saved == null) {
                TrainConfig config = TrainConfig.defaults();
                if (steps != null) {
                    config = config.withEveryStage(steps, batch == null ? 8 : batch);
                }
                return withOptions(config.with(seed != null ? seed : config.seed(), samples != null ? samples : config.datasetSamples(),
                        checkpointEvery != null ? checkpointEvery : config.checkpointEvery()));
            }
            LOG.info("checkpoints exist under {}: continuing the run they belong to, with its saved config", dir);
            for (TrainingStep stage : trained) {
                var latest = checkpoints.latest(stage);
                if (latest.isEmpty()) {
                    continue;
                }
                CheckpointState state = checkpoints.readState(latest.get());
                if (!state.done()) {
                    if (seed != null && seed != state.seed()) {
                        throw new IllegalArgumentException("--seed " + seed + ": " + stage.id() + " resumes from " + latest.get()
                                + ", which began with seed " + state.seed() + "; resume with that seed, or train into another --dir");
                    }
                    return withOptions(saved.with(state.seed(), saved.datasetSamples(), saved.checkpointEvery())
                            .withAudioRobustness(state.config().randomisedAudioShare(), state.config().audioAnchorWeight()));
                }
            }
            return withOptions(saved.with(seed != null ? seed : newestSeed, saved.datasetSamples(), saved.checkpointEvery()));
        }

        /** The config with the audio-robustness options given on the command line. */
        TrainConfig withOptions(TrainConfig config) {
            return config.withAudioRobustness(randomisedAudioShare != null ? randomisedAudioShare : config.randomisedAudioShare(),
                    audioAnchorWeight != null ? audioAnchorWeight : config.audioAnchorWeight());
        }
    }

    public static Path home() {
        return Path.of(System.getProperty("codi.home", ".")).toAbsolutePath().normalize();
    }

    @Command(name = "all", mixinStandardHelpOptions = true, description = "Every stage in order, then the bundle.")
    static class All implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--bundle", description = "where the finished model goes (default: <codi.home>/models/codi-tiny)")
        Path bundle;

        List<TrainingStep> stages() {
            return Arrays.asList(TrainingStep.values());
        }

        @Override
        public Integer call() {
            return trainAndWrite(common, bundle, stages());
        }
    }

    @Command(name = "joint", mixinStandardHelpOptions = true,
            description = "TrainingStep 2 (joint generation: text–image, text–audio, audio–video, then every set of 2–4 outputs mixed) on the finished stage 1, then the bundle.")
    static final class Joint extends All {
        @Override
        List<TrainingStep> stages() {
            return TrainingStep.stageTwo();
        }
    }

    private static int trainAndWrite(Common common, Path bundle, List<TrainingStep> stages) {
        TrainConfig config = common.config(stages);
        Path target = bundle != null ? bundle : home().resolve("models/codi-tiny");
        try (TrainingContext context = new TrainingContext(config, common.directory())) {
            CheckpointState state = Stages.run(context, stages);
            if (!state.done() || !state.stage().equals(TrainingStep.values()[TrainingStep.values().length - 1].id())) {
                throw new IllegalStateException("training did not finish every stage; the bundle was not written");
            }
            BundleManifest manifest = writeBundle(context, state, target);
            System.out.printf("wrote trained %s to %s (%d s of training)%n", manifest.name(), target,
                    ((Number) manifest.training().get("durationSeconds")).longValue());
        }
        return 0;
    }

    @Command(name = "stage", mixinStandardHelpOptions = true, description = "One stage, e.g. `train stage image-denoiser`.")
    static final class OneStage implements Callable<Integer> {
        @Mixin
        Common common;

        @Parameters(index = "0", description = "one of: image-autoencoder, audio-autoencoder, text-autoencoder, "
                + "text-image-alignment, image-alignment, audio-alignment, video-alignment, image-denoiser, audio-denoiser, text-denoiser, video-denoiser, "
                + "joint-text-image, joint-text-audio, joint-audio-video, joint-mixed")
        String stage;

        @Option(names = "--extend-to", description = "a stage-1 denoiser or the image, audio or video alignment: continue it from its latest checkpoint to this many "
                + "steps in total, with a new warm-up and cosine decay over the added steps (export then uses its newer weights)")
        Integer extendTo;

        @Override
        public Integer call() {
            try (TrainingContext context = new TrainingContext(common.config(List.of(TrainingStep.fromId(stage))), common.directory())) {
                CheckpointState state = Stages.run(context, List.of(TrainingStep.fromId(stage)), extendTo);
                System.out.printf("%s: step %d/%d, loss %s%n", stage, state.step(), state.steps(), state.losses().get(stage));
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Writes a bundle (trained=false unless every stage is done) from the latest checkpoint.")
    static final class Export implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--out", required = true, description = "bundle directory (never models/codi-tiny mid-run)")
        Path out;

        @Override
        public Integer call() {
            Path checkpoint = export(common.directory(), out);
            System.out.printf("wrote a bundle of checkpoint %s to %s%n", checkpoint, out);
            return 0;
        }
    }

    /**
     * Writes a bundle of the latest checkpoint under {@code directory}, with the newest weights of
     * the stages extended after it ({@link Stages#overlayExtensions}); returns that checkpoint.
     */
    static Path export(Path directory, Path out) {
        Checkpoints checkpoints = new Checkpoints(directory);
        TrainingStep last = null;
        for (TrainingStep stage : TrainingStep.values()) {
            if (checkpoints.latest(stage).isPresent()) {
                last = stage;
            }
        }
        if (last == null) {
            throw new IllegalStateException("no checkpoints under " + checkpoints.root());
        }
        Path checkpoint = checkpoints.latest(last).orElseThrow();
        CheckpointState state = checkpoints.readState(checkpoint);
        try (TrainingContext context = new TrainingContext(state.config(), directory)) {
            checkpoints.loadWeights(checkpoint, context.networks, context.manager);
            context.latentScales.putAll(state.latentScales());
            state = Stages.overlayExtensions(context, state);
            writeBundle(context, state, out);
        }
        return checkpoint;
    }

    static BundleManifest writeBundle(TrainingContext context, CheckpointState state, Path target) {
        // trained: stage 1 finished (a bundle without stage 2 samples every output independently well)
        boolean jointTrained = state.done() && state.stage().equals(TrainingStep.JOINT_MIXED.id());
        boolean finished = jointTrained || (state.done() && state.stage().equals(TrainingStep.VIDEO_DENOISER.id()));
        String engine = "DJL " + Engine.getDjlVersion() + ", " + Engine.getInstance().getEngineName() + " "
                + Engine.getInstance().getVersion() + ", CPU";
        Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        state.losses().forEach((stage, loss) -> metrics.put("train_loss/" + stage, loss));
        String stageOne = "codi-tiny trained on the Shapes & Tones world (stage 1: autoencoders, bridging alignment, denoisers; ";
        String description = !finished
                ? "codi-tiny, partially trained (checkpoint " + state.stage() + " step " + state.step() + ")"
                : jointTrained
                ? stageOne + "stage 2: environment encoders and joint cross-attention on text–image, text–audio, audio–video, then every set of 2–4 outputs mixed)"
                : stageOne + "no joint-generation training yet)";
        try {
            Files.createDirectories(target);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, Long> stageSeeds = Stages.stageSeeds(context.checkpoints, state);
        long runSeed = stageSeeds.values().stream().findFirst().orElse(state.seed());
        return CodiTinyBundle.write(target, context.model, context.networks, runSeed, finished, description,
                Stages.manifestTraining(state, engine, stageSeeds), metrics, context.latentScales);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Train()).execute(args));
    }
}
