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
import dev.codi.model.scheduler.DpmSolverMultistepScheduler;
import dev.codi.model.scheduler.Scheduler;
import dev.codi.protocol.JobParams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Joint sampling of several modalities with classifier-free guidance (CoDi §3.3):
 * every requested output's denoiser runs once per step on the unconditional input ε_θ(z_t^A, t, ∅)
 * and the conditional one ε_θ(z_t^A, t, c, V_B(z_t^B) for B ≠ A) — sampled alone, without the
 * environment tokens — and the job's scheduler (DDIM or DPM-Solver++, one instance per output latent)
 * moves each latent one step. An environment encoder that
 * reads the clean estimate costs one more call per output and step, ε_θ(z_t^B, t, c) without
 * environment, batched with the unconditional one.
 *
 * <p>Two additions couple jointly sampled outputs beyond the environment tokens (docs/design.md §6.4):
 * staggered starts ({@link StaggerClock}) and shared-space feedback ({@link SharedSpaceFeedback}, each
 * reading weighed by {@link FeedbackWeights}). With {@code stagger} and {@code feedback} 0 the loop is
 * CoDi's lockstep sampling.
 *
 * <p>Jobs are batched when they share (outputs, steps, eta, joint, stagger, feedback, sampler); a job's latents
 * do not depend on which jobs share its batch ({@link ActiveRows}). Latents are in the scaled space of
 * the denoisers (see the manifest's latent scales).
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

        /** What each modality shows of the world's attributes (the bundle's manifest), for {@link FeedbackWeights}. */
        Map<Modality, Set<String>> shownAttributes();
    }

    private record GroupKey(Set<Modality> outputs, int steps, double eta, boolean joint, int stagger, double feedback,
                            JobParams.Sampler sampler) { }

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
                            joint ? params.feedback() : 0, params.sampler()),
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

    /** The denoising loop for jobs that share outputs, steps, eta, joint, stagger, feedback and sampler. */
    private List<Map<Modality, Latent>> sampleGroup(GroupKey key, List<SamplingJob> jobs, SamplingListener listener) {
        List<Modality> outputs = List.copyOf(new TreeSet<>(key.outputs()));                 // modality order
        try (NDManager groupManager = manager.newSubManager()) {
            GroupLoop loop = new GroupLoop(key, outputs, new ActiveRows(jobs, outputs), groupManager);
            Map<Modality, NDArray> latents = new EnumMap<>(Modality.class);                  // (batch, latent shape...) z_t
            for (Modality modality : outputs) {
                latents.put(modality, loop.rows.gaussian(groupManager, modality, latentShapes.get(modality)));
            }
            for (int i = 0; i < loop.clock.iterations(); i++) {
                int[] kept = loop.rows.dropCanceled();                                        // canceled jobs leave between steps
                if (kept != null) {
                    latents.replaceAll((modality, z) -> ActiveRows.select(groupManager, z, kept));
                    loop.feedback.keepRows(kept);
                    loop.schedulers.values().forEach(scheduler -> scheduler.keepRows(kept));
                }
                if (loop.rows.isEmpty()) {
                    break;
                }
                try (NDManager stepManager = groupManager.newSubManager()) {
                    latents.values().forEach(z -> z.attach(stepManager));                     // z_t is freed with this step
                    latents = loop.step(i, latents, stepManager);
                }
                for (String jobId : loop.rows.jobIds()) {
                    listener.onStep(jobId, i + 1, loop.clock.iterations());
                }
            }
            return loop.rows.results(latents, latentShapes);
        }
    }

    /** One group's sampling state: its outputs, their schedulers, stagger clock, active rows and feedback. */
    private final class GroupLoop {
        final GroupKey key;
        final List<Modality> outputs;
        final DdimScheduler schedule;                     // the noise schedule: timesteps and clean estimates
        final Map<Modality, Scheduler> schedulers = new EnumMap<>(Modality.class); // one per output: a multistep one remembers its latent
        final int[] timesteps;
        final StaggerClock clock;
        final ActiveRows rows;
        final SharedSpaceFeedback feedback;
        final NDManager groupManager;
        final ParameterStore store = new ParameterStore(manager, false);

        GroupLoop(GroupKey key, List<Modality> outputs, ActiveRows rows, NDManager groupManager) {
            this.key = key;
            this.outputs = outputs;
            this.schedule = new DdimScheduler(schedulerConfig);
            schedule.setTimesteps(key.steps());
            for (Modality modality : outputs) {
                Scheduler scheduler = switch (key.sampler()) {
                    case DDIM -> new DdimScheduler(schedulerConfig);
                    case DPM_SOLVER_PLUS_PLUS -> new DpmSolverMultistepScheduler(schedulerConfig, groupManager);
                };
                scheduler.setTimesteps(key.steps());
                schedulers.put(modality, scheduler);
            }
            this.timesteps = schedule.timesteps();
            this.clock = new StaggerClock(outputs, timesteps.length, key.stagger());
            this.rows = rows;
            this.feedback = new SharedSpaceFeedback(sharedSpace, groupManager, embeddingDim, outputs, key.joint(), key.feedback());
            this.groupManager = groupManager;
        }

        /**
         * One iteration for every output: tokens → ε → guidance → scheduler step → feedback.
         *
         * @return z_{t−Δ} of every denoising output, z_t of a waiting or finished one, attached to the group's manager
         */
        Map<Modality, NDArray> step(int i, Map<Modality, NDArray> latents, NDManager stepManager) {
            NDArray contexts = rows.guidance().contexts(stepManager);                         // (2·batch, 1, dim)
            for (Modality modality : outputs) {                                               // a finished output is read once, as z_0
                if (clock.finished(clock.ownStep(modality, i))) {
                    feedback.readFinished(store, modality, latents.get(modality));
                }
            }
            Map<Modality, NDList> outputContexts = new EnumMap<>(Modality.class);             // [null; conditioning] per output
            NDList nullAndConditioning = contexts.split(2, 0);
            outputs.forEach(modality -> outputContexts.put(modality, feedback.contexts(modality, nullAndConditioning)));
            // 1. tokens: V_m of every output (CoDi §3.3), and ε_u of every denoising output alone
            Map<Modality, NDArray> unconditional = new EnumMap<>(Modality.class);             // (batch, ...)
            Map<Modality, NDArray> tokens = key.joint()
                    ? environmentTokens(i, latents, outputContexts, unconditional, stepManager) : Map.of();
            Map<Modality, NDArray> next = new EnumMap<>(Modality.class);
            for (Modality modality : outputs) {
                NDArray z = latents.get(modality);                                            // (batch, ...)
                int ownStep = clock.ownStep(modality, i);
                if (!clock.denoising(ownStep)) {                                              // waiting or finished: z_t as it is
                    z.attach(groupManager);
                    next.put(modality, z);
                    continue;
                }
                int t = timesteps[ownStep];
                NDArray epsilon;
                NDArray conditional = null;
                if (key.joint()) {
                    // 2. ε_c = ε_θ(z_t, t, c, V_B for B ≠ A); 3. guided against ε_u
                    conditional = denoisers.get(modality).predictNoise(store, z, times(stepManager, rows.size(), t),
                            outputContexts.get(modality).get(1), othersTokens(tokens, modality));
                    epsilon = rows.guidance().guide(stepManager, unconditional.get(modality), conditional);
                } else {
                    // 2. ε_θ on [unconditional; conditional] in one batch; 3. guided
                    NDList halves = bothHalves(modality, z, times(stepManager, 2 * rows.size(), t), contexts);
                    epsilon = rows.guidance().guide(stepManager, halves.get(0), halves.get(1));
                }
                // 4. scheduler step (DDIM: eq. 12), η-noise drawn from each job's own generator
                NDArray stepNoise = key.eta() > 0 ? rows.gaussian(stepManager, modality, latentShapes.get(modality)) : null;
                NDArray previous = schedulers.get(modality).step(epsilon, t, z, key.eta(), stepNoise);
                previous.attach(groupManager);
                next.put(modality, previous);
                // 5. feedback: this output's clean estimate, read into the shared space for the others' next step
                if (feedback.reads(modality)) {
                    feedback.read(store, modality, cleanEstimate(z, conditional, t));
                }
            }
            return next;
        }

        /**
         * The environment token V_m of every output (CoDi §3.3) — read off z_t, or off the clean estimate
         * that ε_θ(z_t, t, c) alone implies ({@link EnvironmentEncoder.Reads}), computed in one batch with
         * ε_u — and, into {@code unconditional}, ε_u = ε_θ(z_t, t, ∅) of every output that denoises this step.
         * A waiting output is at the first t; a finished one, z_0, is its own clean estimate.
         *
         * @return (batch, environmentDim) per output
         */
        private Map<Modality, NDArray> environmentTokens(int i, Map<Modality, NDArray> latents, Map<Modality, NDList> outputContexts,
                                                         Map<Modality, NDArray> unconditional, NDManager stepManager) {
            Map<Modality, NDArray> environment = new EnumMap<>(Modality.class);
            for (Modality modality : outputs) {
                NDArray z = latents.get(modality);
                EnvironmentEncoder encoder = environmentEncoders.get(modality);
                boolean readsClean = encoder.reads() == EnvironmentEncoder.Reads.CLEAN_ESTIMATE;
                int ownStep = clock.ownStep(modality, i);
                if (clock.finished(ownStep)) {
                    environment.put(modality, encoder.encode(store, z, readsClean ? z : null));
                    continue;
                }
                int t = timesteps[Math.max(ownStep, 0)];
                if (readsClean) {
                    NDList halves = bothHalves(modality, z, times(stepManager, 2 * rows.size(), t),
                            NDArrays.concat(outputContexts.get(modality), 0));
                    unconditional.put(modality, halves.get(0));
                    environment.put(modality, encoder.encode(store, z, cleanEstimate(z, halves.get(1), t)));
                } else {
                    if (!clock.waiting(ownStep)) {
                        unconditional.put(modality, denoisers.get(modality)
                                .predictNoise(store, z, times(stepManager, rows.size(), t), outputContexts.get(modality).get(0), null));
                    }
                    environment.put(modality, encoder.encode(store, z, null));
                }
            }
            return environment;
        }

        /** (batch, outputs − 1, environmentDim): the other outputs' tokens, in modality order. */
        private NDArray othersTokens(Map<Modality, NDArray> tokens, Modality modality) {
            NDList others = new NDList();
            outputs.stream().filter(other -> other != modality).forEach(other -> others.add(tokens.get(other)));
            return NDArrays.stack(others, 1);
        }

        /** x̂₀ of z_t at t from ε, clipped as the environment encoders and prompt encoders expect. */
        private NDArray cleanEstimate(NDArray z, NDArray epsilon, int t) {
            float[] rowTimes = new float[rows.size()];
            Arrays.fill(rowTimes, t);
            return schedule.predictedClean(z, epsilon, rowTimes, EnvironmentEncoder.CLEAN_ESTIMATE_BOUND);
        }

        /** [ε_θ(z_t, t, ∅); ε_θ(z_t, t, c)] without environment, in one call on the doubled batch. */
        private NDList bothHalves(Modality modality, NDArray z, NDArray doubledTimes, NDArray contexts) {
            NDArray doubledLatents = NDArrays.concat(new NDList(z, z), 0);                    // (2·batch, ...)
            return denoisers.get(modality).predictNoise(store, doubledLatents, doubledTimes, contexts, null).split(2, 0);
        }
    }

    /** (rows) the timestep t for every row. */
    private static NDArray times(NDManager manager, int rows, int t) {
        return manager.full(new Shape(rows), (float) t);
    }
}
