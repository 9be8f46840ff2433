package dev.codi.model.pipeline;

import ai.djl.ndarray.NDManager;
import dev.codi.media.Modality;
import dev.codi.model.Latent;
import dev.codi.model.SamplingBatch;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Step-level continuous batching ({@link SamplingBatch}): the jobs admitted between two steps start
 * together, those with the same sampling parameters as one {@link Cohort}; every step runs each
 * cohort one iteration, phase by phase, and each phase's network calls of every cohort run as one
 * call per network ({@link NetworkCalls}). A finished cohort, or a canceled job, leaves at the step
 * it ends. Each job's noise comes from its own generators, seeded by (seed, modality)
 * ({@link ActiveRows}), so what it samples does not depend on which jobs share its steps.
 */
public final class ContinuousBatch implements SamplingBatch {
    private final CodiPipeline.Networks networks;
    private final NDManager batchManager;
    private final List<SamplingJob> admitted = new ArrayList<>();   // start at the next step
    private final List<Cohort> cohorts = new ArrayList<>();
    private final NetworkCalls calls;

    ContinuousBatch(CodiPipeline.Networks networks, NDManager manager, java.util.concurrent.ExecutorService concurrently) {
        this.networks = networks;
        this.calls = new NetworkCalls(concurrently);
        this.batchManager = manager.newSubManager();
    }

    @Override
    public void admit(SamplingJob job) {
        int dimension = job.conditioning().vector().length;
        if (dimension != networks.embeddingDim()) {
            throw new IllegalArgumentException("job " + job.jobId() + ": conditioning has dimension " + dimension
                    + ", the model's is " + networks.embeddingDim());
        }
        admitted.add(job);
    }

    @Override
    public boolean isEmpty() {
        return admitted.isEmpty() && cohorts.isEmpty();
    }

    @Override
    public List<Sampled> step(SamplingListener listener) {
        startAdmitted();
        List<Sampled> left = new ArrayList<>();
        for (Iterator<Cohort> it = cohorts.iterator(); it.hasNext(); ) {          // canceled jobs leave between steps
            Cohort cohort = it.next();
            cohort.dropCanceled().forEach(job -> left.add(new Sampled(job, Map.of())));
            if (cohort.isEmpty()) {
                cohort.close();
                it.remove();
            }
        }
        if (cohorts.isEmpty()) {
            return left;
        }
        try (NDManager stepManager = batchManager.newSubManager()) {
            cohorts.forEach(cohort -> cohort.beginStep(stepManager));
            cohorts.forEach(cohort -> cohort.readFinished(calls));          // 1. finished outputs read as z_0
            calls.run();
            cohorts.forEach(cohort -> cohort.denoiseAlone(calls));          // 2. ε without environment
            calls.run();
            cohorts.forEach(cohort -> cohort.encodeEnvironment(calls));     // 3. environment tokens V_m
            calls.run();
            cohorts.forEach(cohort -> cohort.denoiseJointly(calls));        // 4. ε_c with the others' tokens
            calls.run();
            cohorts.forEach(cohort -> cohort.stepSchedulers(calls));        // 5. guidance, scheduler step, feedback reads
            calls.run();
            cohorts.forEach(cohort -> cohort.endStep(listener));
        }
        for (Iterator<Cohort> it = cohorts.iterator(); it.hasNext(); ) {
            Cohort cohort = it.next();
            if (cohort.finished()) {
                List<Map<Modality, Latent>> results = cohort.results();
                List<SamplingJob> jobs = cohort.jobs();
                for (int j = 0; j < jobs.size(); j++) {
                    if (!results.get(j).isEmpty()) {                           // a canceled one has left already
                        left.add(new Sampled(jobs.get(j), results.get(j)));
                    }
                }
                cohort.close();
                it.remove();
            }
        }
        return left;
    }

    /** The jobs admitted since the last step start, one cohort per set of sampling parameters. */
    private void startAdmitted() {
        Map<Cohort.Parameters, List<SamplingJob>> byKey = new LinkedHashMap<>();
        admitted.forEach(job -> byKey.computeIfAbsent(Cohort.Parameters.of(job), key -> new ArrayList<>()).add(job));
        admitted.clear();
        byKey.forEach((key, jobs) -> cohorts.add(new Cohort(key, jobs, networks, batchManager.newSubManager())));
    }

    @Override
    public Map<String, Long> networkCalls() {
        return calls.calls();
    }

    @Override
    public Map<String, java.time.Duration> networkTime() {
        return calls.time();
    }

    @Override
    public java.time.Duration networkWallTime() {
        return calls.wallTime();
    }

    @Override
    public void close() {
        cohorts.clear();
        batchManager.close();
    }
}
