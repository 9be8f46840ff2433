package dev.codi.model.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.model.Latent;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.model.denoiser.Denoiser;
import dev.codi.model.denoiser.EnvironmentEncoder;
import dev.codi.model.scheduler.DdimScheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Joint DDIM sampling of several modalities with classifier-free guidance (CoDi §3.3):
 * every requested output's denoiser runs once per step on the unconditional input ε_θ(z_t^A, t, ∅)
 * and the conditional one ε_θ(z_t^A, t, c, V_B(z_t^B) for B ≠ A) — sampled alone, without the
 * environment tokens — and the scheduler moves each latent one step. An environment encoder that
 * reads the clean estimate costs one more call per output and step, ε_θ(z_t^B, t, c) without
 * environment, batched with the unconditional one.
 *
 * <p>Staggered joint sampling ({@link dev.codi.model.SamplingParams#stagger()}): the outputs start
 * one after another, k steps apart in modality order, so every output but the first reads an earlier
 * output's token at a lower noise level than its own — at the high noise where the open attributes
 * are settled, a token of z_t at the same t shows almost nothing of them (docs/design.md §6.4). k = 0 is CoDi's lockstep sampling.
 *
 * <p>Shared-space feedback ({@link dev.codi.model.SamplingParams#feedback()}): every step, each output's
 * clean estimate x̂₀ (from its conditional prediction) is decoded and read by its modality's prompt
 * encoder into the shared conditioning space ({@link SharedSpace}), and every other output is
 * conditioned on the job's conditioning (weight 1) mixed with those readings (weighted by what their
 * modality shows, {@link FeedbackWeights}: {@code feedback}, or a quarter of it or none for an image read by
 * an output that shows motion), with the readings' null embeddings mixed into the unconditional side alike — CoDi's composable
 * conditioning (§3.2) applied to the outputs being generated. The environment tokens tell a denoiser
 * little at the high noise where the open attributes are settled; the prompt encoders read a clean
 * estimate well (docs/design.md §6.4). A text output is conditioned on the others' readings
 * but gives none. 0 turns it off.
 *
 * <p>Jobs are batched when they share (outputs, steps, eta, joint, stagger, feedback); each job's noise comes from
 * its own generators, seeded by (seed, modality), so a job's latents do not depend on which jobs
 * share its batch. Latents are in the scaled space of the denoisers (see the manifest's latent
 * scales).
 */
public final class CodiPipeline {
    private final NDManager manager;
    private final Map<Modality, Denoiser> denoisers;
    private final Map<Modality, EnvironmentEncoder> environmentEncoders;
    private final Map<Modality, int[]> latentShapes;
    private final DdimScheduler.Config schedulerConfig;
    private final int embeddingDim;
    private final SharedSpace sharedSpace;

    public CodiPipeline(NDManager manager, Map<Modality, Denoiser> denoisers, Map<Modality, EnvironmentEncoder> environmentEncoders,
                        Map<Modality, int[]> latentShapes, DdimScheduler.Config schedulerConfig, int embeddingDim,
                        SharedSpace sharedSpace) {
        this.manager = manager;
        this.sharedSpace = sharedSpace;
        this.denoisers = Map.copyOf(denoisers);
        this.environmentEncoders = Map.copyOf(environmentEncoders);
        this.latentShapes = Map.copyOf(latentShapes);
        this.schedulerConfig = schedulerConfig;
        this.embeddingDim = embeddingDim;
    }

    /** Reads a batch of scaled clean latents into the shared conditioning space: the decoder, then the prompt encoder. */
    public interface SharedSpace {
        /** Whether {@link #read} reads this modality's latents. */
        boolean reads(Modality modality);

        /** @return (batch, embeddingDim), unit L2 norm per row */
        NDArray read(ParameterStore store, Modality modality, NDArray scaledLatents);

        /** The modality's null embedding, mixed into the unconditional side with the same weight. */
        float[] nullEmbedding(Modality modality);
    }

    private record GroupKey(Set<Modality> outputs, int steps, double eta, boolean joint, int stagger, double feedback) { }

    public List<Map<Modality, Latent>> sample(List<SamplingJob> batch, SamplingListener listener) {
        Map<GroupKey, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            SamplingJob job = batch.get(i);
            if (job.conditioning().vector().length != embeddingDim) {
                throw new IllegalArgumentException("job " + job.jobId() + ": conditioning has dimension "
                        + job.conditioning().vector().length + ", the model's is " + embeddingDim);
            }
            var params = job.params();
            boolean joint = params.joint() && job.outputs().size() > 1;
            groups.computeIfAbsent(new GroupKey(job.outputs(), params.steps(), params.eta(), joint, joint ? params.stagger() : 0,
                            joint ? params.feedback() : 0),
                    key -> new ArrayList<>()).add(i);
        }
        List<Map<Modality, Latent>> results = new ArrayList<>(Collections.nCopies(batch.size(), Map.of()));
        for (var group : groups.entrySet()) {
            List<SamplingJob> jobs = group.getValue().stream().map(batch::get).toList();
            List<Map<Modality, Latent>> groupResults = sampleGroup(group.getKey(), jobs, listener);
            for (int j = 0; j < jobs.size(); j++) {
                results.set(group.getValue().get(j), groupResults.get(j));
            }
        }
        return results;
    }

    /**
     * The denoising loop for jobs that share outputs, steps, eta, joint, stagger and feedback. With a stagger
     * of k, the output at position p (modality order) takes its steps in iterations p·k to p·k + steps − 1;
     * before, it waits as its initial noise, after, it is finished, and either way the others still
     * read its environment token.
     */
    private List<Map<Modality, Latent>> sampleGroup(GroupKey key, List<SamplingJob> jobs, SamplingListener listener) {
        List<Modality> outputs = List.copyOf(new TreeSet<>(key.outputs()));
        DdimScheduler scheduler = new DdimScheduler(schedulerConfig);
        scheduler.setTimesteps(key.steps());
        int[] timesteps = scheduler.timesteps();
        ParameterStore store = new ParameterStore(manager, false);
        try (NDManager groupManager = manager.newSubManager()) {
            List<Integer> active = new ArrayList<>();                        // indices into jobs
            Map<Modality, List<Random>> noise = new EnumMap<>(Modality.class); // per modality, per active job
            Map<Modality, NDArray> latents = new EnumMap<>(Modality.class);    // (batch, latent shape...) z_t
            for (Modality modality : outputs) {
                noise.put(modality, new ArrayList<>());
            }
            for (int j = 0; j < jobs.size(); j++) {
                active.add(j);
                for (Modality modality : outputs) {
                    noise.get(modality).add(new Random(noiseSeed(jobs.get(j).params().seed(), modality)));
                }
            }
            for (Modality modality : outputs) {
                latents.put(modality, gaussian(groupManager, noise.get(modality), latentShapes.get(modality)));
            }
            boolean[] canceled = new boolean[jobs.size()];
            Guidance guidance = Guidance.of(jobs, active);

            int iterations = timesteps.length + (outputs.size() - 1) * key.stagger();
            boolean feedback = key.joint() && key.feedback() > 0;
            Map<Modality, NDArray> readings = new EnumMap<>(Modality.class); // (batch, dim): each output's latest x̂₀, read into the shared space
            Set<Modality> finishedReadings = EnumSet.noneOf(Modality.class);
            Map<Modality, NDArray> nullReadings = new EnumMap<>(Modality.class);  // (1, 1, dim): what a reading weighs on the null side
            Map<Modality, Map<Modality, Double>> readingWeights = new EnumMap<>(Modality.class); // per output: the weight of each other's reading
            if (feedback) {
                List<Modality> readOutputs = outputs.stream().filter(sharedSpace::reads).toList();
                readOutputs.forEach(modality -> nullReadings.put(modality,
                        groupManager.create(sharedSpace.nullEmbedding(modality)).reshape(1, 1, embeddingDim)));
                outputs.forEach(modality -> readingWeights.put(modality, FeedbackWeights.of(modality, readOutputs, key.feedback())));
            }
            for (int i = 0; i < iterations; i++) {
                // 0. poll cancellation between steps; canceled jobs leave the batch
                List<Integer> kept = active.stream().filter(j -> !jobs.get(j).canceled().getAsBoolean()).toList();
                if (kept.size() < active.size()) {
                    int[] rows = kept.stream().mapToInt(active::indexOf).toArray();
                    active.stream().filter(j -> !kept.contains(j)).forEach(j -> canceled[j] = true);
                    for (Modality modality : outputs) {
                        latents.put(modality, selectRows(groupManager, latents.get(modality), rows));
                        List<Random> generators = noise.get(modality);
                        noise.put(modality, Arrays.stream(rows).mapToObj(generators::get).toList());
                    }
                    for (Modality modality : readings.keySet()) {
                        replace(readings, modality, selectRows(groupManager, readings.get(modality), rows));
                    }
                    active = new ArrayList<>(kept);
                    guidance = Guidance.of(jobs, active);
                }
                if (active.isEmpty()) {
                    break;
                }
                Map<Modality, Integer> ownSteps = new EnumMap<>(Modality.class); // each output's own step: < 0 waiting, ≥ steps finished
                for (int position = 0; position < outputs.size(); position++) {
                    ownSteps.put(outputs.get(position), i - position * key.stagger());
                }
                try (NDManager stepManager = groupManager.newSubManager()) {
                    latents.values().forEach(z -> z.attach(stepManager)); // z_t is freed with this step
                    int batchSize = active.size();
                    NDArray contexts = guidance.contexts(stepManager);                                 // (2·batch, 1, dim)
                    // 1. joint: ε_u = ε_θ(z_t, t, ∅) of every output alone, and the environment token V_m of
                    //    every output (CoDi §3.3) — read off z_t, or off the clean estimate that ε_θ(z_t, t, c) alone
                    //    implies (EnvironmentEncoder.Reads), computed in one batch with ε_u
                    Map<Modality, NDArray> unconditional = new EnumMap<>(Modality.class); // (batch, ...)
                    Map<Modality, NDArray> environment = new EnumMap<>(Modality.class);   // (batch, environmentDim)
                    NDList nullAndConditioning = contexts.split(2, 0);
                    if (feedback) {                                                     // a finished output is read once, as z_0
                        for (Modality modality : outputs) {
                            if (ownSteps.get(modality) >= timesteps.length && sharedSpace.reads(modality) && finishedReadings.add(modality)) {
                                NDArray reading = sharedSpace.read(store, modality, latents.get(modality));
                                reading.attach(groupManager);
                                replace(readings, modality, reading);
                            }
                        }
                    }
                    Map<Modality, NDList> outputContexts = new EnumMap<>(Modality.class);   // [null; conditioning] per output
                    for (Modality modality : outputs) {
                        outputContexts.put(modality, feedback ? withFeedback(nullAndConditioning, readings, nullReadings, readingWeights.get(modality))
                                : nullAndConditioning);
                    }
                    if (key.joint()) {
                        for (Modality modality : outputs) {
                            NDArray z = latents.get(modality);
                            EnvironmentEncoder encoder = environmentEncoders.get(modality);
                            int step = ownSteps.get(modality);
                            if (step >= timesteps.length) {                                     // finished, z_0: its own clean estimate
                                environment.put(modality, encoder.encode(store, z,
                                        encoder.reads() == EnvironmentEncoder.Reads.CLEAN_ESTIMATE ? z : null));
                                continue;
                            }
                            int t = timesteps[Math.max(step, 0)];                               // a waiting output is at the first t
                            if (encoder.reads() == EnvironmentEncoder.Reads.CLEAN_ESTIMATE) {
                                NDList halves = bothHalves(store, modality, z, stepManager.full(new Shape(2L * batchSize), (float) t),
                                        NDArrays.concat(outputContexts.get(modality), 0));
                                float[] rowTimes = new float[batchSize];
                                Arrays.fill(rowTimes, t);
                                NDArray clean = scheduler.predictedClean(z, halves.get(1), rowTimes, EnvironmentEncoder.CLEAN_ESTIMATE_BOUND);
                                unconditional.put(modality, halves.get(0));
                                environment.put(modality, encoder.encode(store, z, clean));
                            } else {
                                if (step >= 0) {
                                    unconditional.put(modality, denoisers.get(modality)
                                            .predictNoise(store, z, stepManager.full(new Shape(batchSize), (float) t), outputContexts.get(modality).get(0), null));
                                }
                                environment.put(modality, encoder.encode(store, z, null));
                            }
                        }
                    }
                    Map<Modality, NDArray> next = new EnumMap<>(Modality.class);
                    for (Modality modality : outputs) {
                        NDArray z = latents.get(modality);                                                  // (batch, ...)
                        int step = ownSteps.get(modality);
                        if (step < 0 || step >= timesteps.length) {                                         // waiting or finished
                            z.attach(groupManager);
                            next.put(modality, z);
                            continue;
                        }
                        int t = timesteps[step];
                        NDArray stepTimes = stepManager.full(new Shape(batchSize), (float) t);             // one call per half
                        NDArray doubledTimes = stepManager.full(new Shape(2L * batchSize), (float) t);     // both halves in one call
                        NDArray epsilon;
                        if (key.joint()) {
                            // 2. joint: ε_c = ε_θ(z_t, t, c, V_B for B ≠ A), guided against ε_u
                            NDList tokens = new NDList();
                            outputs.stream().filter(other -> other != modality).forEach(other -> tokens.add(environment.get(other)));
                            NDArray others = NDArrays.stack(tokens, 1);                                     // (batch, outputs−1, envDim)
                            NDArray conditional = denoisers.get(modality).predictNoise(store, z, stepTimes, outputContexts.get(modality).get(1), others);
                            epsilon = guide(unconditional.get(modality), conditional, guidance.scales(stepManager, z.getShape().dimension()));
                            if (feedback && sharedSpace.reads(modality)) {
                                // 2b. feedback: this output's clean estimate, read into the shared space for the others' next step
                                float[] rowTimes = new float[batchSize];
                                Arrays.fill(rowTimes, t);
                                NDArray clean = scheduler.predictedClean(z, conditional, rowTimes, EnvironmentEncoder.CLEAN_ESTIMATE_BOUND);
                                NDArray reading = sharedSpace.read(store, modality, clean);
                                reading.attach(groupManager);
                                replace(readings, modality, reading);
                            }
                        } else {
                            // 2. independent: ε_θ on [unconditional; conditional] in one batch
                            NDList halves = bothHalves(store, modality, z, doubledTimes, contexts);
                            epsilon = guide(halves.get(0), halves.get(1), guidance.scales(stepManager, z.getShape().dimension()));
                        }
                        // 3. DDIM step (eq. 12), η-noise drawn from each job's own generator
                        NDArray stepNoise = key.eta() > 0 ? gaussian(stepManager, noise.get(modality), latentShapes.get(modality)) : null;
                        NDArray previous = scheduler.step(epsilon, t, z, key.eta(), stepNoise);
                        previous.attach(groupManager);
                        next.put(modality, previous);
                    }
                    latents = next;
                }
                // 4. progress
                for (int j : active) {
                    listener.onStep(jobs.get(j).jobId(), i + 1, iterations);
                }
            }

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
                for (Modality modality : outputs) {
                    int[] shape = latentShapes.get(modality);
                    int size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
                    jobLatents.put(modality, new Latent(shape, Arrays.copyOfRange(values.get(modality), row * size, (row + 1) * size)));
                }
                results.set(j, Collections.unmodifiableMap(jobLatents));
            }
            return results;
        }
    }

    /**
     * The contexts of one output with feedback: [null; conditioning] of the job mixed with the other
     * outputs' readings, c' = (c + Σ w_B·r_B) / (1 + Σ w_B) and ∅' = (∅ + Σ w_B·∅_B) / (1 + Σ w_B), over
     * the other outputs read so far that {@link FeedbackWeights} gives a weight w_B.
     */
    private static NDList withFeedback(NDList nullAndConditioning, Map<Modality, NDArray> readings, Map<Modality, NDArray> nullReadings,
                                       Map<Modality, Double> weights) {
        NDArray nullSum = nullAndConditioning.get(0);                                       // (batch, 1, dim)
        NDArray conditionSum = nullAndConditioning.get(1);
        double weightSum = 1;
        for (Map.Entry<Modality, Double> weighted : weights.entrySet()) {
            NDArray reading = readings.get(weighted.getKey());
            if (reading == null) {                                                          // not read yet: waiting to start
                continue;
            }
            double weight = weighted.getValue();
            conditionSum = conditionSum.add(reading.expandDims(1).mul(weight));
            nullSum = nullSum.add(nullReadings.get(weighted.getKey()).mul(weight));
            weightSum += weight;
        }
        return weightSum == 1 ? nullAndConditioning : new NDList(nullSum.div(weightSum), conditionSum.div(weightSum));
    }

    private static void replace(Map<Modality, NDArray> readings, Modality modality, NDArray reading) {
        NDArray replaced = readings.put(modality, reading);
        if (replaced != null && replaced != reading) {
            replaced.close();
        }
    }

    /** [ε_θ(z_t, t, ∅); ε_θ(z_t, t, c)] without environment, in one call on the doubled batch. */
    private NDList bothHalves(ParameterStore store, Modality modality, NDArray z, NDArray doubledTimes, NDArray contexts) {
        NDArray doubledLatents = NDArrays.concat(new NDList(z, z), 0);                                  // (2·batch, ...)
        return denoisers.get(modality).predictNoise(store, doubledLatents, doubledTimes, contexts, null).split(2, 0);
    }

    /**
     * Classifier-free guidance, ε = ε_u + s·(ε_c − ε_u), s per job. In joint sampling only ε_c sees
     * the other outputs' environment tokens, so guidance amplifies the agreement with them as it
     * amplifies the conditioning (ε_u is then the stage-1 denoiser's unconditional prediction).
     */
    private static NDArray guide(NDArray unconditional, NDArray conditional, NDArray scales) {
        return unconditional.add(conditional.sub(unconditional).mul(scales));
    }

    /** The guidance inputs of the active jobs: contexts [null; conditioning] and scales, on the host. */
    private record Guidance(float[] contextValues, int dimension, float[] scaleValues) {
        static Guidance of(List<SamplingJob> jobs, List<Integer> active) {
            int dimension = jobs.get(0).conditioning().vector().length;
            float[] contexts = new float[2 * active.size() * dimension];
            float[] scales = new float[active.size()];
            for (int row = 0; row < active.size(); row++) {
                SamplingJob job = jobs.get(active.get(row));
                System.arraycopy(job.conditioning().nullVector(), 0, contexts, row * dimension, dimension);
                System.arraycopy(job.conditioning().vector(), 0, contexts, (active.size() + row) * dimension, dimension);
                scales[row] = (float) job.params().guidance();
            }
            return new Guidance(contexts, dimension, scales);
        }

        /** (2·batch, 1, dimension): the null mixes, then the conditioning mixes. */
        NDArray contexts(NDManager manager) {
            return manager.create(contextValues, new Shape(2L * scaleValues.length, 1, dimension));
        }

        /** (batch, 1, …, 1) guidance scales broadcasting over a latent of the given rank. */
        NDArray scales(NDManager manager, int rank) {
            long[] shape = new long[rank];
            Arrays.fill(shape, 1);
            shape[0] = scaleValues.length;
            return manager.create(scaleValues, new Shape(shape));
        }
    }

    private static NDArray gaussian(NDManager manager, List<Random> generators, int[] latentShape) {
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

    private static NDArray selectRows(NDManager manager, NDArray batch, int[] rows) {
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
