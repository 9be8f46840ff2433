package dev.codi.model.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.codi.media.Modality;
import dev.codi.model.Latent;
import dev.codi.model.SamplingJob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The jobs of a sampling cohort that are still being sampled: which job each batch row is, each
 * row's noise generators, and the guidance inputs of those rows. A job canceled between two steps
 * leaves the batch; its rows are dropped from every batched tensor the loop keeps.
 *
 * <p>Each job's noise comes from its own generators, seeded by (seed, modality), so a job's latents
 * do not depend on which jobs share its batch (docs/design.md §3, idempotency).
 */
final class ActiveRows {
    private final List<SamplingJob> jobs;
    private final boolean[] canceled;
    private final Map<Modality, List<Random>> noise = new EnumMap<>(Modality.class); // per output, per active row
    private List<Integer> active = new ArrayList<>();                                 // row → index into jobs
    private Guidance guidance;

    ActiveRows(List<SamplingJob> jobs, List<Modality> outputs) {
        this.jobs = jobs;
        this.canceled = new boolean[jobs.size()];
        for (Modality modality : outputs) {
            noise.put(modality, new ArrayList<>());
        }
        for (int j = 0; j < jobs.size(); j++) {
            active.add(j);
            for (Modality modality : outputs) {
                noise.get(modality).add(new Random(noiseSeed(jobs.get(j).params().seed(), modality)));
            }
        }
        guidance = Guidance.of(jobs, active);
    }

    /**
     * Polls every active job's cancellation; canceled jobs leave the batch.
     *
     * @return the batch rows kept, or null when every job stays
     */
    int[] dropCanceled() {
        List<Integer> kept = active.stream().filter(j -> !jobs.get(j).canceled().getAsBoolean()).toList();
        if (kept.size() == active.size()) {
            return null;
        }
        int[] rows = kept.stream().mapToInt(active::indexOf).toArray();
        active.stream().filter(j -> !kept.contains(j)).forEach(j -> canceled[j] = true);
        noise.replaceAll((modality, generators) -> Arrays.stream(rows).mapToObj(generators::get).toList());
        active = new ArrayList<>(kept);
        guidance = Guidance.of(jobs, active);
        return rows;
    }

    boolean isEmpty() {
        return active.isEmpty();
    }

    int size() {
        return active.size();
    }

    Guidance guidance() {
        return guidance;
    }

    /** Every job the rows started with, canceled ones included, in the order of {@link #results}. */
    List<SamplingJob> allJobs() {
        return jobs;
    }

    /** The active jobs, in row order. */
    List<SamplingJob> activeJobs() {
        return active.stream().map(jobs::get).toList();
    }

    /** The ids of the active jobs, in row order. */
    List<String> jobIds() {
        return active.stream().map(j -> jobs.get(j).jobId()).toList();
    }

    /** (rows, latent shape...) standard normal noise, each row from its own job's generator for this output. */
    NDArray gaussian(NDManager manager, Modality modality, int[] latentShape) {
        List<Random> generators = noise.get(modality);
        int size = Arrays.stream(latentShape).reduce(1, Math::multiplyExact);
        float[] values = new float[generators.size() * size];
        for (int row = 0; row < generators.size(); row++) {
            Random random = generators.get(row);
            for (int k = 0; k < size; k++) {
                values[row * size + k] = (float) random.nextGaussian();
            }
        }
        long[] shape = new long[latentShape.length + 1];
        shape[0] = generators.size();
        for (int d = 0; d < latentShape.length; d++) {
            shape[d + 1] = latentShape[d];
        }
        return manager.create(values, new Shape(shape));
    }

    /** One latent map per job of the cohort, in job order: the active jobs' final latents, empty for a canceled job. */
    List<Map<Modality, Latent>> results(Map<Modality, NDArray> latents, Map<Modality, int[]> latentShapes) {
        List<Map<Modality, Latent>> results = new ArrayList<>(Collections.nCopies(jobs.size(), Map.of()));
        Map<Modality, float[]> values = new EnumMap<>(Modality.class);
        if (!active.isEmpty()) {
            latents.forEach((modality, z) -> values.put(modality, z.toFloatArray()));
        }
        for (int row = 0; row < active.size(); row++) {
            int j = active.get(row);
            if (canceled[j]) {
                continue;
            }
            Map<Modality, Latent> jobLatents = new EnumMap<>(Modality.class);
            for (Modality modality : latents.keySet()) {
                int[] shape = latentShapes.get(modality);
                int size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
                jobLatents.put(modality, new Latent(shape, Arrays.copyOfRange(values.get(modality), row * size, (row + 1) * size)));
            }
            results.set(j, Collections.unmodifiableMap(jobLatents));
        }
        return results;
    }

    /** The given rows of a batched tensor, attached to {@code manager}. */
    static NDArray select(NDManager manager, NDArray batch, int[] rows) {
        if (rows.length == 0) {
            return batch;
        }
        NDList kept = new NDList();
        for (int row : rows) {
            kept.add(batch.get(row));
        }
        NDArray selected = NDArrays.stack(kept);
        selected.attach(manager);
        return selected;
    }

    /** SplitMix64 of (seed, modality): independent streams per output, stable across batches. */
    static long noiseSeed(long seed, Modality modality) {
        long z = seed + 0x9E3779B97F4A7C15L * (modality.ordinal() + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
