package dev.codi.model;

/** Told after every denoising step of a job; called on the sampling thread, so keep it cheap. */
@FunctionalInterface
public interface SamplingListener {
    void onStep(String jobId, int step, int totalSteps);

    SamplingListener NONE = (jobId, step, totalSteps) -> { };
}
