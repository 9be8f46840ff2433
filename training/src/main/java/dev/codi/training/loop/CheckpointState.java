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
 */
public record CheckpointState(String stage, int step, int steps, boolean done, long seed, TrainConfig config,
                              Map<String, Double> latentScales, Map<String, Double> losses, Map<String, Double> seconds,
                              int skippedSteps) {
}
