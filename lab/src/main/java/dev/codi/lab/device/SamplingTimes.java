package dev.codi.lab.device;

import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.model.tiny.CodiTinyModel;

import java.util.Arrays;
import java.util.List;

/** Wall time of sampling one batch, as the benchmark programs measure it. */
final class SamplingTimes {
    private SamplingTimes() {
    }

    /** The median of {@code repeats} timed calls of {@code model.sample(jobs)}, after one untimed warm-up call. */
    static double medianSeconds(CodiTinyModel model, List<SamplingJob> jobs, int repeats) {
        model.sample(jobs, SamplingListener.NONE);
        double[] seconds = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            model.sample(jobs, SamplingListener.NONE);
            seconds[r] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[repeats / 2];
    }
}
