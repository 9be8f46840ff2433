package dev.codi.model.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.model.Latent;
import dev.codi.model.SamplingBatch;
import dev.codi.model.SamplingJob;
import dev.codi.model.SamplingListener;
import dev.codi.model.denoiser.Denoiser;
import dev.codi.model.denoiser.EnvironmentEncoder;
import dev.codi.model.scheduler.DdimScheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Joint sampling of several modalities with classifier-free guidance (CoDi §3.3):
 * every requested output's denoiser runs once per step on the unconditional input ε_θ(z_t^A, t, ∅)
 * and the conditional one ε_θ(z_t^A, t, c, V_B(z_t^B) for B ≠ A) — sampled alone, without the
 * environment tokens — and the job's scheduler (DDIM or DPM-Solver++, one instance per output latent)
 * moves each latent one step. An environment encoder that
 * reads the clean estimate costs one more call per output and step, ε_θ(z_t^B, t, c) without
 * environment, batched with the unconditional one. {@link Cohort} writes one iteration out.
 *
 * <p>Two additions couple jointly sampled outputs beyond the environment tokens (docs/design.md §6.4):
 * staggered starts ({@link StaggerClock}) and shared-space feedback ({@link SharedSpaceFeedback}, each
 * reading weighed by {@link FeedbackWeights}). With {@code stagger} and {@code feedback} 0 the loop is
 * CoDi's lockstep sampling.
 *
 * <p>Jobs are batched step by step ({@link ContinuousBatch}): each network runs once per step on every
 * row that needs it, whatever the jobs' parameters; a job's latents do not depend on which jobs share
 * its steps. Latents are in the scaled space of the denoisers (see the manifest's latent scales).
 */
public final class CodiPipeline implements AutoCloseable {
    private final NDManager manager;
    private final Networks networks;
    private final ExecutorService concurrently;                     // the networks of one phase at once; null: one after another

    /**
     * @param networksAtOnce how many networks of one sampling phase run at once, each on its own
     *                       thread (1: one after another)
     */
    public CodiPipeline(NDManager manager, Map<Modality, Denoiser> denoisers, Map<Modality, EnvironmentEncoder> environmentEncoders,
                        Map<Modality, int[]> latentShapes, DdimScheduler.Config schedulerConfig, int embeddingDim,
                        SharedSpace sharedSpace, int networksAtOnce) {
        if (networksAtOnce < 1) {
            throw new IllegalArgumentException("networks at once must be at least 1, got " + networksAtOnce);
        }
        this.manager = manager;
        this.networks = new Networks(Map.copyOf(denoisers), Map.copyOf(environmentEncoders), Map.copyOf(latentShapes),
                schedulerConfig, embeddingDim, sharedSpace, new ParameterStore(manager, false));
        this.concurrently = networksAtOnce == 1 ? null : Executors.newFixedThreadPool(networksAtOnce, new ThreadFactory() {
            private final AtomicInteger next = new AtomicInteger();

            @Override
            public Thread newThread(Runnable task) {
                Thread thread = new Thread(task, "codi-network-" + next.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            }
        });
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

    /** What sampling runs: the networks, the noise schedule and the latents' shapes. */
    record Networks(Map<Modality, Denoiser> denoisers, Map<Modality, EnvironmentEncoder> environmentEncoders,
                    Map<Modality, int[]> latentShapes, DdimScheduler.Config schedulerConfig, int embeddingDim,
                    SharedSpace sharedSpace, ParameterStore store) { }

    /** A continuous batch: jobs join and leave it step by step. */
    public SamplingBatch newBatch() {
        return new ContinuousBatch(networks, manager, concurrently);
    }

    /** Samples every job of {@code batch} in one continuous batch; one latent map per job, in batch order, empty when canceled. */
    public List<Map<Modality, Latent>> sample(List<SamplingJob> batch, SamplingListener listener) {
        Map<SamplingJob, Integer> order = new IdentityHashMap<>();
        List<Map<Modality, Latent>> results = new ArrayList<>(Collections.nCopies(batch.size(), Map.of()));
        try (SamplingBatch continuous = newBatch()) {
            for (int i = 0; i < batch.size(); i++) {
                continuous.admit(batch.get(i));
                order.put(batch.get(i), i);
            }
            while (!continuous.isEmpty()) {
                for (SamplingBatch.Sampled sampled : continuous.step(listener)) {
                    results.set(order.get(sampled.job()), sampled.latents());
                }
            }
        }
        return results;
    }

    @Override
    public void close() {
        if (concurrently != null) {
            concurrently.shutdownNow();
        }
    }
}
