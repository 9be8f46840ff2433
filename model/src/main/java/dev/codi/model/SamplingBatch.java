package dev.codi.model;

import dev.codi.media.Modality;

import java.util.List;
import java.util.Map;

/**
 * Step-level continuous batching of sampling jobs: every {@link #step} advances each admitted job by
 * one iteration of its own denoising loop, and each network (a modality's denoiser, environment
 * encoder, shared-space reader) runs once per step on the rows of every job that needs it then,
 * whatever the jobs' outputs, steps, timesteps, guidance or stage of sampling. A job admitted
 * between two steps joins at the next one; a finished or canceled job leaves at the step it ends.
 * A job's latents do not depend on which other jobs share its steps (its noise comes from its own
 * seed; the floats may differ in the last bits, as batched matrix products do). Not thread-safe:
 * one thread admits and steps; blocking, never on a Vert.x event loop.
 */
public interface SamplingBatch extends AutoCloseable {

    /** A job that left the batch: its latents, or an empty map when it was canceled. */
    record Sampled(SamplingJob job, Map<Modality, Latent> latents) { }

    /**
     * Admits a job; it takes its first step at the next {@link #step}.
     *
     * @throws IllegalArgumentException when the model cannot sample it (its conditioning's dimension)
     */
    void admit(SamplingJob job);

    /** True when no admitted job is left to sample. */
    boolean isEmpty();

    /**
     * One iteration of every admitted job; the listener hears each job's step.
     *
     * @return the jobs that left at this step: finished, or canceled before it
     */
    List<Sampled> step(SamplingListener listener);

    /** Network calls made so far, per network kind ("denoiser", "environment", "shared-space"). */
    Map<String, Long> networkCalls();

    /**
     * Time spent in those calls so far, per network kind: where a step's time goes. Networks that
     * ran at once each count their own time ({@link #networkWallTime} is the time they took together).
     */
    Map<String, java.time.Duration> networkTime();

    /** Wall time of every network call so far, calls that ran at once counted once. */
    java.time.Duration networkWallTime();

    @Override
    void close();
}
