package dev.codi.model.scheduler;

import ai.djl.ndarray.NDArray;

/**
 * What the sampling loop asks of a scheduler, the surface of diffusers' schedulers: choose the
 * timesteps, then move the sample one step from the model's noise prediction. Every scheduler runs
 * on {@link DdimScheduler}'s noise schedule and timesteps.
 *
 * <p>One instance per latent being sampled: a multistep scheduler remembers the model outputs of
 * earlier steps of that latent, so the steps of one instance follow its schedule in order, every row
 * of the batch at the same timestep, and rows that leave the batch leave its memory too ({@link #keepRows}).
 */
public interface Scheduler {

    /** Chooses {@code steps} timesteps (DDIM's "leading" spacing) and starts a new trajectory. */
    void setTimesteps(int steps);

    /** The timesteps of the current schedule, first to last (descending). */
    int[] timesteps();

    /**
     * One reverse step x_t → x_{t−Δ} of every row.
     *
     * @param epsilon (batch, ...) the model's noise prediction ε_θ(x_t, t)
     * @param t       a timestep of the current schedule
     * @param sample  (batch, ...) x_t
     * @param eta     η ∈ [0, 1], the share of fresh noise, for schedulers that take it
     * @param noise   (batch, ...) standard normal noise; may be null when eta is 0
     * @return (batch, ...) x_{t−Δ}
     */
    NDArray step(NDArray epsilon, int t, NDArray sample, double eta, NDArray noise);

    /** Keeps only these rows (indices into the current batch, in order) in what the scheduler remembers. */
    void keepRows(int[] rows);
}
