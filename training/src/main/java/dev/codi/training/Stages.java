package dev.codi.training;

import dev.codi.media.Modality;

import dev.codi.training.alignment.AudioAlignmentTrainer;
import dev.codi.training.alignment.ImageAlignmentTrainer;
import dev.codi.training.alignment.TextImageAlignmentTrainer;
import dev.codi.training.alignment.VideoAlignmentTrainer;
import dev.codi.training.autoencoder.AudioAutoencoderTrainer;
import dev.codi.training.autoencoder.ImageAutoencoderTrainer;
import dev.codi.training.autoencoder.TextAutoencoderTrainer;
import dev.codi.training.diffusion.AudioDenoiserTrainer;
import dev.codi.training.diffusion.ImageDenoiserTrainer;
import dev.codi.training.diffusion.JointTrainer;
import dev.codi.training.diffusion.TextDenoiserTrainer;
import dev.codi.training.diffusion.VideoDenoiserTrainer;
import dev.codi.training.loop.CheckpointState;
import dev.codi.training.loop.StageRunner;
import dev.codi.training.loop.StageTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs training stages in order, resuming from checkpoints: a finished stage is skipped (its last
 * checkpoint holds every network), an unfinished one continues from its latest step, and a stage
 * without checkpoints starts from its predecessor's final one — stage 2 from every stage-1 network
 * at its newest (extended denoisers included).
 */
public final class Stages {
    private static final Logger LOG = LoggerFactory.getLogger(Stages.class);

    private Stages() {
    }

    public static StageTrainer trainer(TrainingStep stage, TrainingContext context) {
        return switch (stage) {
            case IMAGE_AUTOENCODER -> new ImageAutoencoderTrainer(context);
            case AUDIO_AUTOENCODER -> new AudioAutoencoderTrainer(context);
            case TEXT_AUTOENCODER -> new TextAutoencoderTrainer(context);
            case TEXT_IMAGE_ALIGNMENT -> new TextImageAlignmentTrainer(context);
            case IMAGE_ALIGNMENT -> new ImageAlignmentTrainer(context);
            case AUDIO_ALIGNMENT -> new AudioAlignmentTrainer(context);
            case VIDEO_ALIGNMENT -> new VideoAlignmentTrainer(context);
            case IMAGE_DENOISER -> new ImageDenoiserTrainer(context);
            case AUDIO_DENOISER -> new AudioDenoiserTrainer(context);
            case TEXT_DENOISER -> new TextDenoiserTrainer(context);
            case VIDEO_DENOISER -> new VideoDenoiserTrainer(context);
            case JOINT_TEXT_IMAGE, JOINT_TEXT_AUDIO, JOINT_AUDIO_VIDEO, JOINT_MIXED -> new JointTrainer(context, stage);
        };
    }

    /** A state before any step of {@code stage}, carrying what earlier stages recorded. */
    public static CheckpointState fresh(TrainingStep stage, TrainConfig config, CheckpointState previous) {
        return new CheckpointState(stage.id(), 0, config.schedule(stage).steps(), false, config.seed(), config,
                previous == null ? Map.of() : previous.latentScales(),
                previous == null ? Map.of() : previous.losses(),
                previous == null ? Map.of() : previous.seconds(),
                previous == null ? 0 : previous.skippedSteps(), 0);
    }

    /** Runs {@code stages} (consecutive, in order) and returns the state after the last one. */
    public static CheckpointState run(TrainingContext context, List<TrainingStep> stages) {
        return run(context, stages, null);
    }

    /**
     * Runs {@code stages} (consecutive, in order) and returns the state after the last one. With
     * {@code extendTo}, {@code stages} must be one extensible stage ({@link TrainingStep#extensible()}) with checkpoints: a finished stage
     * continues from its final checkpoint to {@code extendTo} steps in a new learning-rate segment
     * (short warm-up, cosine decay over the added steps); an unfinished extension resumes and ends at
     * {@code extendTo} instead of its recorded target.
     */
    public static CheckpointState run(TrainingContext context, List<TrainingStep> stages, Integer extendTo) {
        if (extendTo != null) {
            requireExtensible(context, stages);
        }
        var checkpoints = context.checkpoints;
        context.dataset(); // rendered or read before any step is timed
        StageRunner runner = new StageRunner(context.config, context.networks, context.manager, checkpoints);
        CheckpointState state = null;
        Path toLoad = null;   // the last finished checkpoint, loaded only when a later stage needs the weights
        TrainingStep first = stages.get(0);
        if (first.previous() != null && checkpoints.latest(first).isEmpty()) {
            Path previous = checkpoints.latest(first.previous())
                    .filter(p -> checkpoints.readState(p).done())
                    .orElseThrow(() -> new IllegalStateException("stage " + first.id() + " starts from the finished stage "
                            + first.previous().id() + ", which has no final checkpoint under " + checkpoints.root()
                            + "; run it first (or `all`)"));
            state = checkpoints.readState(previous);
            toLoad = previous;
        }
        for (TrainingStep stage : stages) {
            Optional<Path> latest = checkpoints.latest(stage);
            CheckpointState start;
            if (latest.isPresent()) {
                start = checkpoints.readState(latest.get());
                boolean extending = extendTo != null && start.done() && start.step() < extendTo;
                if (extending) {
                    LOG.info("{}: extending the finished stage from step {} to {} ({})", stage.id(), start.step(), extendTo, latest.get());
                    start = start.extendedTo(extendTo);
                } else if (extendTo != null && !start.done() && extendTo > start.step()) {
                    start = start.withSteps(extendTo);
                }
                if (start.done()) {
                    LOG.info("{}: finished earlier ({}), skipped", stage.id(), latest.get());
                    state = start;
                    toLoad = latest.get();
                    continue;
                }
                if (!extending) {
                    LOG.info("{}: resuming from {}", stage.id(), latest.get());
                }
                toLoad = latest.get();
            } else {
                start = fresh(stage, context.config, state);
            }
            if (toLoad != null) {
                checkpoints.loadWeights(toLoad, context.networks, context.manager);
                toLoad = null;
                if (!stage.joint()) { // a stage-1 stage trains on the newest weights of the extended stages before it
                    start = overlay(context, start, extensibleBefore(stage));
                }
            }
            if (start.step() == 0 && stage.joint() && state != null) {
                List<TrainingStep> newest = java.util.stream.Stream.concat(stage.newInStageTwo().stream().map(TrainingStep::denoiserOf),
                        TrainingStep.bridgedEncoders().stream()).toList(); // encoders: conditioning only, harmless to reload
                state = TrainingStep.fromId(state.stage()).joint()
                        ? overlay(context, state, newest)
                        : overlayExtensions(context, state); // stage 2 starts from every stage-1 network at its newest
                // stage 1's steps as they ran (extensions included), stage 2's settings as this run has them
                start = fresh(stage, state.config().withStageTwo(context.config.stageTwo()), state);
            }
            if (start.step() == 0 && stage.newInStageTwo().contains(Modality.VIDEO)) {
                // video's frames are image latents: its environment encoder starts as the trained image one
                context.networks.environmentEncoders.get(Modality.VIDEO)
                        .startFrom(context.networks.environmentEncoders.get(Modality.IMAGE));
                LOG.info("{}: video's environment encoder starts from image's", stage.id());
            }
            context.latentScales.putAll(start.latentScales());
            state = runner.run(trainer(stage, context), start);
            context.latentScales.putAll(state.latentScales());
        }
        if (toLoad != null) {
            checkpoints.loadWeights(toLoad, context.networks, context.manager);
            context.latentScales.putAll(state.latentScales());
            state = overlayExtensions(context, state);
        }
        return state;
    }

    /** {@code --extend-to} continues one finished stage-1 denoiser or bridged encoder that has a checkpoint. */
    private static void requireExtensible(TrainingContext context, List<TrainingStep> stages) {
        if (stages.size() != 1 || !stages.get(0).extensible()) {
            throw new IllegalArgumentException("--extend-to applies to one stage-1 denoiser or bridged encoder (nothing trains against it), got "
                    + stages.stream().map(TrainingStep::id).toList());
        }
        if (context.checkpoints.latest(stages.get(0)).isEmpty()) {
            throw new IllegalStateException(stages.get(0).id() + " has no checkpoint to extend under " + context.checkpoints.root());
        }
    }

    /**
     * A checkpoint holds every network, but an extensible stage extended after later stages finished
     * has its newer weights only in its own checkpoints: loads each such stage's trained networks
     * from its latest checkpoint over what is loaded, and returns {@code state} with that stage's
     * loss, time and step count (in its config). Stages before {@code state}'s own are the only candidates.
     * After stage 2, whose checkpoints hold every network it trained on, only the bridged encoders:
     * they are conditioning, and one trained on after stage 2 finished counts.
     */
    public static CheckpointState overlayExtensions(TrainingContext context, CheckpointState state) {
        TrainingStep current = TrainingStep.fromId(state.stage());
        if (current.joint()) {
            return overlay(context, state, TrainingStep.bridgedEncoders());
        }
        if (state.config().schedule(current).steps() != state.steps()) { // the state's own stage was extended
            state = new CheckpointState(state.stage(), state.step(), state.steps(), state.done(), state.seed(),
                    state.config().withStageSteps(current, state.steps()), state.latentScales(), state.losses(), state.seconds(),
                    state.skippedSteps(), state.segmentStart());
        }
        return overlay(context, state, extensibleBefore(current));
    }

    private static List<TrainingStep> extensibleBefore(TrainingStep stage) {
        return Arrays.stream(TrainingStep.values()).filter(earlier -> earlier.ordinal() < stage.ordinal() && earlier.extensible()).toList();
    }

    /**
     * Loads each of {@code candidates} (extensible stage-1 stages) that was extended — from its latest
     * checkpoint, its trained networks over what is loaded — and returns {@code state} with that
     * stage's loss, time and step count. A bridged encoder comes so whether extended or not: its
     * latest checkpoint holds it at its newest, which also covers one whose stage ran only after
     * later stages had (image-alignment, added to a finished run). Before a stage-2 stage, the
     * denoisers new to stage 2 come so too: their joint layers are still zero, so nothing trained
     * is lost, and a denoiser extended while stage 2 ran is picked up.
     */
    static CheckpointState overlay(TrainingContext context, CheckpointState state, List<TrainingStep> candidates) {
        for (TrainingStep stage : candidates) {
            Optional<Path> latest = context.checkpoints.latest(stage);
            if (latest.isEmpty()) {
                continue;
            }
            CheckpointState extended = context.checkpoints.readState(latest.get());
            if (extended.segmentStart() == 0 && !stage.bridgedEncoder()) {
                continue;
            }
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            for (var block : trainer(stage, context).trainedNetworks()) {
                context.networks.byName().forEach((name, b) -> {
                    if (b == block) {
                        names.add(name);
                    }
                });
            }
            LOG.info("{}: using its newest networks {} from {}", stage.id(), names, latest.get());
            context.checkpoints.loadWeights(latest.get(), context.networks, context.manager, names);
            Map<String, Double> losses = new LinkedHashMap<>(state.losses());
            Map<String, Double> seconds = new LinkedHashMap<>(state.seconds());
            if (extended.losses().containsKey(stage.id())) {
                losses.put(stage.id(), extended.losses().get(stage.id()));
            }
            if (extended.seconds().containsKey(stage.id())) {
                seconds.put(stage.id(), extended.seconds().get(stage.id()));
            }
            TrainConfig config = state.config().withStageSteps(stage, extended.steps());
            if (stage == TrainingStep.AUDIO_ALIGNMENT) { // the audio encoder comes with the data and anchor it trained on
                config = config.withAudioRobustness(extended.config().randomisedAudioShare(), extended.config().audioAnchorWeight());
            }
            state = new CheckpointState(state.stage(), state.step(), state.steps(), state.done(), state.seed(), config,
                    state.latentScales(), losses, seconds, state.skippedSteps(), state.segmentStart());
        }
        return state;
    }

    /**
     * The seed each stage that ran (those {@code state} records a time for) trained with, in stage
     * order, as its latest checkpoint under {@code checkpoints} records it; {@code state}'s own seed
     * for a stage without one.
     */
    public static Map<String, Long> stageSeeds(dev.codi.training.loop.Checkpoints checkpoints, CheckpointState state) {
        Map<String, Long> seeds = new LinkedHashMap<>();
        for (TrainingStep stage : TrainingStep.values()) {
            if (state.seconds().containsKey(stage.id())) {
                seeds.put(stage.id(), checkpoints.latest(stage).map(p -> checkpoints.readState(p).seed()).orElse(state.seed()));
            }
        }
        return seeds;
    }

    /**
     * The commands that reproduce a run whose stages trained with {@code stageSeeds}: {@code train all}
     * with the first stage's seed, then, from the first stage with another seed on, {@code train joint}
     * (or {@code train all}) with that seed on the earlier stages' checkpoints.
     */
    static String reproducingCommand(Map<String, Long> stageSeeds) {
        List<Map.Entry<String, Long>> entries = List.copyOf(stageSeeds.entrySet());
        if (entries.isEmpty()) {
            return "codi train all";
        }
        long runSeed = entries.get(0).getValue();
        StringBuilder command = new StringBuilder("codi train all --seed " + runSeed);
        long current = runSeed;
        for (Map.Entry<String, Long> entry : entries) {
            if (entry.getValue() != current) {
                current = entry.getValue();
                TrainingStep from = TrainingStep.fromId(entry.getKey());
                command.append(", then from ").append(from.id()).append(" on (its checkpoints and later ones removed): codi train ")
                        .append(from.joint() ? "joint" : "all").append(" --seed ").append(current);
            }
        }
        return command.toString();
    }

    /** The training record for the bundle manifest: config, seeds, time and loss of every stage. */
    public static Map<String, Object> manifestTraining(CheckpointState state, String engine, Map<String, Long> stageSeeds) {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("command", reproducingCommand(stageSeeds));
        training.put("seed", stageSeeds.values().stream().findFirst().orElse(state.seed()));
        training.put("stageSeeds", stageSeeds);
        training.put("engine", engine);
        double total = state.seconds().values().stream().mapToDouble(Double::doubleValue).sum();
        training.put("durationSeconds", Math.round(total));
        training.put("stageSeconds", state.seconds());
        training.put("stageLosses", state.losses());
        training.put("skippedNonFiniteSteps", state.skippedSteps());
        training.put("heldOutCombinations", dev.codi.world.HeldOutCombinations.heldOut().stream().map(Object::toString).toList());
        training.put("config", state.config());
        return training;
    }
}
