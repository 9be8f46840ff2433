package dev.codi.training.loop;

import dev.codi.training.TrainConfig;

import java.util.Map;

/**
 * What a checkpoint records besides the weights: where the run is, how it was configured and what
 * it measured so far. Optimizer moments are not kept: a resumed stage restarts Adam's moments,
 * which costs a few steps of warm-up and no correctness.
 *
 * @param stage        the stage's id
 * @param step         steps completed in this stage
 * @param done         the stage finished all its steps
 * @param latentScales latent scale factors measured so far, by modality
 * @param losses       last smoothed loss of every stage run so far, by stage id
 * @param seconds      wall time spent in every stage so far, by stage id
 * @param segmentStart the step this stage's current learning-rate segment began at: 0, or the final
 *                     step of a finished stage that {@code train stage <id> --extend-to N} continued
 *                     (warm-up and cosine decay then run over steps segmentStart..steps; absent in
 *                     older checkpoints, which reads as 0)
 */
public record CheckpointState(String stage, int step, int steps, boolean done, long seed, TrainConfig config,
                              Map<String, Double> latentScales, Map<String, Double> losses, Map<String, Double> seconds,
                              int skippedSteps, int segmentStart) {

    /** This state, extended to {@code newSteps} steps: not done, a new learning-rate segment from its step. */
    public CheckpointState extendedTo(int newSteps) {
        if (newSteps <= step) {
            throw new IllegalArgumentException(stage + " already has " + step + " steps; cannot extend it to " + newSteps);
        }
        return new CheckpointState(stage, step, newSteps, false, seed, config, latentScales, losses, seconds, skippedSteps, step);
    }

    /** This state with another target step count (an unfinished extension re-sized), same segment. */
    public CheckpointState withSteps(int newSteps) {
        return new CheckpointState(stage, step, newSteps, step >= newSteps, seed, config, latentScales, losses, seconds,
                skippedSteps, segmentStart);
    }
}
