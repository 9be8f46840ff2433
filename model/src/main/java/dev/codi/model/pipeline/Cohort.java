package dev.codi.model.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.codi.media.Modality;
import dev.codi.model.Latent;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.model.denoiser.EnvironmentEncoder;
import dev.codi.model.pipeline.NetworkCalls.Key;
import dev.codi.model.pipeline.NetworkCalls.Result;
import dev.codi.model.scheduler.DdimScheduler;
import dev.codi.model.scheduler.DpmSolverMultistepScheduler;
import dev.codi.model.scheduler.Scheduler;
import dev.codi.model.scheduler.UniPcMultistepScheduler;
import dev.codi.protocol.JobParams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Jobs that started at the same step with the same outputs, steps, eta, joint, stagger, feedback and
 * sampler: they share their latents' tensors, schedulers and stagger clock, one row per job. A
 * sampling step of the cohort runs in the phases of {@link ContinuousBatch#step}; in each phase the
 * cohort asks for network calls ({@link NetworkCalls}), which run batched with every other cohort's,
 * and reads their results in the next phase.
 *
 * <p>One iteration (CoDi §3.3, docs/design.md §6.4), for every output:
 * <ol>
 *   <li>a finished output is read into the shared space once more, as z_0 ({@link #readFinished});</li>
 *   <li>ε_θ(z_t, t, ∅) without environment, or both halves [∅; c] at once ({@link #denoiseAlone});</li>
 *   <li>the environment token V_m of every output, joint only ({@link #encodeEnvironment});</li>
 *   <li>ε_θ(z_t, t, c, V_B for B ≠ A), joint only ({@link #denoiseJointly});</li>
 *   <li>guidance, the scheduler's step (DDIM eq. 12, DPM-Solver++ or UniPC), and the clean estimate read
 *       into the shared space for the others' next step ({@link #stepSchedulers}, {@link #endStep}).</li>
 * </ol>
 * With {@code stagger} and {@code feedback} 0 this is CoDi's lockstep sampling.
 */
final class Cohort implements AutoCloseable {
    private static final String DENOISER = "denoiser";
    private static final String ENVIRONMENT = "environment";
    private static final String SHARED_SPACE = "shared-space";

    /** What jobs share to be sampled as rows of one cohort. */
    record Parameters(Set<Modality> outputs, int steps, double eta, boolean joint, int stagger, double feedback,
               JobParams.Sampler sampler, int feedbackEvery) {
        static Parameters of(SamplingJob job) {
            JobParams params = job.params();
            boolean joint = params.joint() && job.outputs().size() > 1;
            boolean feedback = joint && params.feedback() > 0;
            return new Parameters(job.outputs(), params.steps(), params.eta(), joint, joint ? params.stagger() : 0,
                    feedback ? params.feedback() : 0, params.sampler(), feedback ? params.feedbackEvery() : 1);
        }
    }

    private final Parameters key;
    private final CodiPipeline.Networks networks;
    private final List<Modality> outputs;                 // modality order
    private final DdimScheduler schedule;                 // the noise schedule: timesteps and clean estimates
    private final Map<Modality, Scheduler> schedulers = new EnumMap<>(Modality.class); // one per output: a multistep one remembers its latent
    private final int[] timesteps;
    private final StaggerClock clock;
    private final ActiveRows rows;
    private final SharedSpaceFeedback feedback;
    private final NDManager cohortManager;
    private Map<Modality, NDArray> latents = new EnumMap<>(Modality.class);  // (rows, latent shape...) z_t
    private int iteration;
    // this step's state, attached to the step's manager
    private NDManager stepManager;
    private NDArray contexts;                                                 // (2·rows, 1, dim) [∅; c]
    private final Map<Modality, NDList> outputContexts = new EnumMap<>(Modality.class);  // [∅'; c'] per output
    private final Map<Modality, Result> finishedReadings = new EnumMap<>(Modality.class);
    private final Map<Modality, Result> alone = new EnumMap<>(Modality.class);           // ε_u, or [ε_u; ε_c] halves
    private final Map<Modality, NDArray> unconditional = new EnumMap<>(Modality.class);  // (rows, ...) ε_u, joint
    private final Map<Modality, Result> environment = new EnumMap<>(Modality.class);     // (rows, environmentDim)
    private final Map<Modality, Result> jointly = new EnumMap<>(Modality.class);         // (rows, ...) ε_c with environment
    private final Map<Modality, Result> bothHalvesJointly = new EnumMap<>(Modality.class); // (2·rows, ...) [ε_u; ε_c with environment]
    private final Map<Modality, Result> readings = new EnumMap<>(Modality.class);        // (rows, dim) clean estimates, read
    private final Map<Modality, NDArray> next = new EnumMap<>(Modality.class);           // z_{t−Δ}

    Cohort(Parameters key, List<SamplingJob> jobs, CodiPipeline.Networks networks, NDManager cohortManager) {
        this.key = key;
        this.networks = networks;
        this.outputs = List.copyOf(new TreeSet<>(key.outputs()));
        this.cohortManager = cohortManager;
        this.schedule = new DdimScheduler(networks.schedulerConfig());
        schedule.setTimesteps(key.steps());
        for (Modality modality : outputs) {
            Scheduler scheduler = switch (key.sampler()) {
                case DDIM -> new DdimScheduler(networks.schedulerConfig());
                case DPM_SOLVER_PLUS_PLUS -> new DpmSolverMultistepScheduler(networks.schedulerConfig(), cohortManager);
                case UNIPC -> new UniPcMultistepScheduler(networks.schedulerConfig(), cohortManager);
            };
            scheduler.setTimesteps(key.steps());
            schedulers.put(modality, scheduler);
        }
        this.timesteps = schedule.timesteps();
        this.clock = new StaggerClock(outputs, timesteps.length, key.stagger());
        this.rows = new ActiveRows(jobs, outputs);
        this.feedback = new SharedSpaceFeedback(networks.sharedSpace(), cohortManager, networks.embeddingDim(), outputs,
                key.joint(), key.feedback(), key.feedbackEvery());
        for (Modality modality : outputs) {
            latents.put(modality, rows.gaussian(cohortManager, modality, networks.latentShapes().get(modality)));
        }
    }

    /**
     * Polls every job's cancellation; canceled jobs leave the cohort.
     *
     * @return the jobs that left
     */
    List<SamplingJob> dropCanceled() {
        List<SamplingJob> before = rows.activeJobs();
        int[] kept = rows.dropCanceled();
        if (kept == null) {
            return List.of();
        }
        latents.replaceAll((modality, z) -> ActiveRows.select(cohortManager, z, kept));
        feedback.keepRows(kept);
        schedulers.values().forEach(scheduler -> scheduler.keepRows(kept));
        Set<SamplingJob> staying = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        staying.addAll(rows.activeJobs());
        return before.stream().filter(job -> !staying.contains(job)).toList();
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** True once every output took all its steps. */
    boolean finished() {
        return iteration >= clock.iterations();
    }

    /** Starts a step: this step's tensors, z_t included, are freed with {@code manager}. */
    void beginStep(NDManager manager) {
        stepManager = manager;
        latents.values().forEach(z -> z.attach(manager));
        contexts = rows.guidance().contexts(manager);
        List.of(finishedReadings, alone, unconditional, environment, jointly, bothHalvesJointly, readings, next).forEach(Map::clear);
    }

    /** Phase 1: a finished output is read once more, as z_0. */
    void readFinished(NetworkCalls calls) {
        for (Modality modality : outputs) {
            if (clock.finished(ownStep(modality)) && feedback.needsFinishedReading(modality)) {
                finishedReadings.put(modality, calls.add(Key.of(SHARED_SPACE, modality), sharedSpaceRead(modality), latents.get(modality)));
            }
        }
    }

    /** Phase 2: the output contexts, then ε without environment — ε_u alone, or [ε_u; ε_c] in one doubled batch. */
    void denoiseAlone(NetworkCalls calls) {
        finishedReadings.forEach((modality, reading) -> feedback.acceptFinished(modality, reading.get()));
        NDList nullAndConditioning = contexts.split(2, 0);
        outputs.forEach(modality -> outputContexts.put(modality, feedback.contexts(modality, nullAndConditioning)));
        for (Modality modality : outputs) {
            int ownStep = ownStep(modality);
            NDArray z = latents.get(modality);
            if (!key.joint()) {
                if (clock.denoising(ownStep)) {
                    alone.put(modality, bothHalves(calls, modality, z, timesteps[ownStep], contexts));
                }
            } else if (!clock.finished(ownStep)) {
                int t = timesteps[Math.max(ownStep, 0)];                                       // a waiting output is at the first t
                if (readsClean(modality)) {                                                    // V_m reads x̂₀(ε_θ(z_t, t, c))
                    alone.put(modality, bothHalves(calls, modality, z, t, NDArrays.concat(outputContexts.get(modality), 0)));
                }                                                                              // else ε_u runs in phase 4's call
            }
        }
    }

    /** Phase 3 (joint): the environment token V_m of every output, off z_t or off its clean estimate; a finished z_0 is its own. */
    void encodeEnvironment(NetworkCalls calls) {
        if (!key.joint()) {
            return;
        }
        for (Modality modality : outputs) {
            int ownStep = ownStep(modality);
            NDArray z = latents.get(modality);
            NDArray read = z;
            if (!clock.finished(ownStep) && readsClean(modality)) {
                NDList halves = alone.get(modality).get().split(2, 0);
                unconditional.put(modality, halves.get(0));
                read = cleanEstimate(z, halves.get(1), timesteps[Math.max(ownStep, 0)]);
            } else if (alone.containsKey(modality)) {
                unconditional.put(modality, alone.get(modality).get());
            }
            EnvironmentEncoder encoder = networks.environmentEncoders().get(modality);
            environment.put(modality, calls.add(Key.of(ENVIRONMENT, modality), inputs -> encoder.encode(networks.store(), inputs[0]), read));
        }
    }

    /**
     * Phase 4 (joint): ε_c = ε_θ(z_t, t, c', V_B for B ≠ A) of every denoising output; where V_A reads z_t,
     * in one call with ε_u = ε_θ(z_t, t, ∅'), whose rows skip the joint attention (the same ε_u as a call
     * of its own, at the cost of one call, as independent sampling's doubled batch).
     */
    void denoiseJointly(NetworkCalls calls) {
        if (!key.joint()) {
            return;
        }
        int n = rows.size();
        for (Modality modality : outputs) {
            int ownStep = ownStep(modality);
            if (clock.denoising(ownStep)) {
                NDList others = new NDList();                                                  // in modality order
                outputs.stream().filter(other -> other != modality).forEach(other -> others.add(environment.get(other).get()));
                NDArray environmentTokens = NDArrays.stack(others, 1);                         // (rows, outputs − 1, environmentDim)
                Key network = new Key(DENOISER, modality, others.size());
                NDArray z = latents.get(modality);
                int t = timesteps[ownStep];
                if (unconditional.containsKey(modality)) {                                     // ε_u ran in phase 2
                    jointly.put(modality, calls.add(network, denoiser(modality), z, times(n, t), outputContexts.get(modality).get(1),
                            environmentTokens, stepManager.ones(new Shape(n))));
                } else {
                    bothHalvesJointly.put(modality, calls.add(network, denoiser(modality), NDArrays.concat(new NDList(z, z), 0),
                            times(2 * n, t), NDArrays.concat(outputContexts.get(modality), 0),
                            NDArrays.concat(new NDList(environmentTokens, environmentTokens), 0),
                            NDArrays.concat(new NDList(stepManager.zeros(new Shape(n)), stepManager.ones(new Shape(n))), 0)));
                }
            }
        }
    }

    /** Phase 5: guidance and the scheduler's step of every denoising output; its clean estimate read for the others. */
    void stepSchedulers(NetworkCalls calls) {
        for (Modality modality : outputs) {
            NDArray z = latents.get(modality);
            int ownStep = ownStep(modality);
            if (!clock.denoising(ownStep)) {                                                   // waiting or finished: z_t as it is
                next.put(modality, z);
                continue;
            }
            int t = timesteps[ownStep];
            NDArray conditional = null;
            NDArray epsilon;
            if (key.joint()) {
                NDArray unconditionalEpsilon;
                if (bothHalvesJointly.containsKey(modality)) {
                    NDList halves = bothHalvesJointly.get(modality).get().split(2, 0);
                    unconditionalEpsilon = halves.get(0);
                    conditional = halves.get(1);
                } else {
                    unconditionalEpsilon = unconditional.get(modality);
                    conditional = jointly.get(modality).get();
                }
                epsilon = rows.guidance().guide(stepManager, modality, unconditionalEpsilon, conditional);
            } else {
                NDList halves = alone.get(modality).get().split(2, 0);
                epsilon = rows.guidance().guide(stepManager, modality, halves.get(0), halves.get(1));
            }
            // η-noise drawn from each job's own generator
            NDArray stepNoise = key.eta() > 0 ? rows.gaussian(stepManager, modality, networks.latentShapes().get(modality)) : null;
            next.put(modality, schedulers.get(modality).step(epsilon, t, z, key.eta(), stepNoise));
            if (feedback.readsAt(modality, ownStep)) {
                readings.put(modality, calls.add(Key.of(SHARED_SPACE, modality), sharedSpaceRead(modality),
                        cleanEstimate(z, conditional, t)));
            }
        }
    }

    /** Ends the step: z_{t−Δ} and the readings outlive it; every job hears its step. */
    void endStep(SamplingListener listener) {
        readings.forEach((modality, reading) -> feedback.accept(modality, reading.get()));
        next.values().forEach(z -> z.attach(cohortManager));
        latents = new EnumMap<>(next);
        iteration++;
        for (String jobId : rows.jobIds()) {
            listener.onStep(jobId, iteration, clock.iterations());
        }
        stepManager = null;
    }

    /** One latent map per job of the cohort, in job order: the final latents, empty for a canceled job. */
    List<Map<Modality, Latent>> results() {
        return rows.results(latents, networks.latentShapes());
    }

    /** The cohort's jobs, in the order of {@link #results}. */
    List<SamplingJob> jobs() {
        return rows.allJobs();
    }

    private int ownStep(Modality modality) {
        return clock.ownStep(modality, iteration);
    }

    private boolean readsClean(Modality modality) {
        return networks.environmentEncoders().get(modality).reads() == EnvironmentEncoder.Reads.CLEAN_ESTIMATE;
    }

    private java.util.function.Function<NDArray[], NDArray> denoiser(Modality modality) {
        var network = networks.denoisers().get(modality);
        return inputs -> network.predictNoise(networks.store(), inputs[0], inputs[1], inputs[2], inputs[3],
                inputs.length > 4 ? inputs[4] : null);
    }

    private java.util.function.Function<NDArray[], NDArray> sharedSpaceRead(Modality modality) {
        return inputs -> networks.sharedSpace().read(networks.store(), modality, inputs[0]);
    }

    /** [ε_θ(z_t, t, ∅); ε_θ(z_t, t, c)] without environment, asked as one call on the doubled batch. */
    private Result bothHalves(NetworkCalls calls, Modality modality, NDArray z, int t, NDArray doubledContexts) {
        return calls.add(Key.of(DENOISER, modality), denoiser(modality),
                NDArrays.concat(new NDList(z, z), 0), times(2 * rows.size(), t), doubledContexts, null);
    }

    /** x̂₀ of z_t at t from ε, clipped as the environment encoders and prompt encoders expect. */
    private NDArray cleanEstimate(NDArray z, NDArray epsilon, int t) {
        float[] rowTimes = new float[rows.size()];
        Arrays.fill(rowTimes, t);
        return schedule.predictedClean(z, epsilon, rowTimes, EnvironmentEncoder.CLEAN_ESTIMATE_BOUND);
    }

    /** (n) the timestep t for every row. */
    private NDArray times(int n, int t) {
        return stepManager.full(new Shape(n), (float) t);
    }

    @Override
    public void close() {
        cohortManager.close();
    }
}
