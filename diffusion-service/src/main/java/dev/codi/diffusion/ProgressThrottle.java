package dev.codi.diffusion;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides which denoising steps are worth a progress event: the first, the last, and otherwise
 * at most one per {@code minIntervalNanos} per job, so a 50-step job on a fast GPU does not
 * flood the job-events topic.
 */
final class ProgressThrottle {
    private final long minIntervalNanos;
    private final Map<String, Long> lastEmitted = new HashMap<>();

    ProgressThrottle(long minIntervalNanos) {
        this.minIntervalNanos = minIntervalNanos;
    }

    synchronized boolean shouldEmit(String jobId, int step, int totalSteps, long nowNanos) {
        Long last = lastEmitted.get(jobId);
        boolean due = step == 1 || step == totalSteps || last == null || nowNanos - last >= minIntervalNanos;
        if (due) {
            lastEmitted.put(jobId, nowNanos);
        }
        if (step == totalSteps) {
            lastEmitted.remove(jobId);
        }
        return due;
    }
}
