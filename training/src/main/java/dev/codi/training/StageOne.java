package dev.codi.training;

import dev.codi.training.alignment.AudioAlignmentTrainer;
import dev.codi.training.alignment.TextImageAlignmentTrainer;
import dev.codi.training.alignment.VideoAlignmentTrainer;
import dev.codi.training.autoencoder.AudioAutoencoderTrainer;
import dev.codi.training.autoencoder.ImageAutoencoderTrainer;
import dev.codi.training.autoencoder.TextAutoencoderTrainer;
import dev.codi.training.diffusion.AudioDenoiserTrainer;
import dev.codi.training.diffusion.ImageDenoiserTrainer;
import dev.codi.training.diffusion.TextDenoiserTrainer;
import dev.codi.training.diffusion.VideoDenoiserTrainer;
import dev.codi.training.loop.CheckpointState;
import dev.codi.training.loop.StageRunner;
import dev.codi.training.loop.StageTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs stage-1 stages in order, resuming from checkpoints: a finished stage is skipped (its last
 * checkpoint holds every network), an unfinished one continues from its latest step, and a stage
 * without checkpoints starts from its predecessor's final one.
 */
public final class StageOne {
    private static final Logger LOG = LoggerFactory.getLogger(StageOne.class);

    private StageOne() {
    }

    public static StageTrainer trainer(Stage stage, TrainingContext context) {
        return switch (stage) {
            case IMAGE_AUTOENCODER -> new ImageAutoencoderTrainer(context);
            case AUDIO_AUTOENCODER -> new AudioAutoencoderTrainer(context);
            case TEXT_AUTOENCODER -> new TextAutoencoderTrainer(context);
            case TEXT_IMAGE_ALIGNMENT -> new TextImageAlignmentTrainer(context);
            case AUDIO_ALIGNMENT -> new AudioAlignmentTrainer(context);
            case VIDEO_ALIGNMENT -> new VideoAlignmentTrainer(context);
            case IMAGE_DENOISER -> new ImageDenoiserTrainer(context);
            case AUDIO_DENOISER -> new AudioDenoiserTrainer(context);
            case TEXT_DENOISER -> new TextDenoiserTrainer(context);
            case VIDEO_DENOISER -> new VideoDenoiserTrainer(context);
        };
    }

    /** A state before any step of {@code stage}, carrying what earlier stages recorded. */
    static CheckpointState fresh(Stage stage, TrainConfig config, CheckpointState previous) {
        return new CheckpointState(stage.id(), 0, config.schedule(stage).steps(), false, config.seed(), config,
                previous == null ? Map.of() : previous.latentScales(),
                previous == null ? Map.of() : previous.losses(),
                previous == null ? Map.of() : previous.seconds(),
                previous == null ? 0 : previous.skippedSteps());
    }

    /** Runs {@code stages} (consecutive, in order) and returns the state after the last one. */
    public static CheckpointState run(TrainingContext context, List<Stage> stages) {
        var checkpoints = context.checkpoints;
        context.dataset(); // rendered or read before any step is timed
        StageRunner runner = new StageRunner(context.config, context.networks, context.manager, checkpoints);
        CheckpointState state = null;
        Path toLoad = null;   // the last finished checkpoint, loaded only when a later stage needs the weights
        Stage first = stages.get(0);
        if (first.previous() != null && checkpoints.latest(first).isEmpty()) {
            Path previous = checkpoints.latest(first.previous())
                    .filter(p -> checkpoints.readState(p).done())
                    .orElseThrow(() -> new IllegalStateException("stage " + first.id() + " starts from the finished stage "
                            + first.previous().id() + ", which has no final checkpoint under " + checkpoints.root()
                            + "; run it first (or `all`)"));
            state = checkpoints.readState(previous);
            toLoad = previous;
        }
        for (Stage stage : stages) {
            Optional<Path> latest = checkpoints.latest(stage);
            CheckpointState start;
            if (latest.isPresent()) {
                start = checkpoints.readState(latest.get());
                if (start.done()) {
                    LOG.info("{}: finished earlier ({}), skipped", stage.id(), latest.get());
                    state = start;
                    toLoad = latest.get();
                    continue;
                }
                LOG.info("{}: resuming from {}", stage.id(), latest.get());
                toLoad = latest.get();
            } else {
                start = fresh(stage, context.config, state);
            }
            if (toLoad != null) {
                checkpoints.loadWeights(toLoad, context.networks, context.manager);
                toLoad = null;
            }
            context.latentScales.putAll(start.latentScales());
            state = runner.run(trainer(stage, context), start);
            context.latentScales.putAll(state.latentScales());
        }
        if (toLoad != null) {
            checkpoints.loadWeights(toLoad, context.networks, context.manager);
            context.latentScales.putAll(state.latentScales());
        }
        return state;
    }

    /** The training record for the bundle manifest: config, seed, time and loss of every stage. */
    public static Map<String, Object> manifestTraining(CheckpointState state, String engine) {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("command", "codi train all --seed " + state.seed());
        training.put("seed", state.seed());
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
