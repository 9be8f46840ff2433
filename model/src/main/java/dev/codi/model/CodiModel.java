package dev.codi.model;

import dev.codi.media.Modality;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * What the pipeline needs from a Composable Diffusion model (CoDi, Tang et al. 2023).
 *
 * <p>The three stages of the pipeline call one method each: the encoder-service calls
 * {@link #encode} (prompt encoders into the shared space, docs/design.md §5.2), the
 * diffusion-service calls {@link #sample} (joint DDIM sampling, §5.3), the decoder-service
 * calls {@link #decodeAll} (the autoencoders' decoders, over a batch). Implementations are thread-safe for
 * concurrent calls; every call is blocking and must never run on a Vert.x event loop.
 */
public interface CodiModel extends AutoCloseable {

    ModelManifest manifest();

    /** Prompt encoder E_m of the input's modality: one L2-normalised vector in the shared space. */
    float[] encode(PromptInput input);

    /**
     * The side of the square picture the image and video encoders read: decoders resample video
     * frames to it as they read them, so a long clip is never held at its source size. 0 when
     * the model reads any size.
     */
    default int inputSide() {
        return 0;
    }

    /**
     * The embedding of "no input" for a modality, mixed with the same weights as the inputs to
     * form the unconditional branch of classifier-free guidance.
     */
    float[] nullEmbedding(Modality modality);

    /**
     * Samples the requested outputs of every job in the batch with DDIM. Jobs asking for more
     * than one output are sampled jointly unless their params say otherwise.
     *
     * @return one map of latents per job, in batch order; a job that was canceled mid-way
     *     (its {@link SamplingJob#canceled()} turned true) gets an empty map
     */
    List<Map<Modality, Latent>> sample(List<SamplingJob> batch, SamplingListener listener);

    /**
     * A continuous batch: jobs admitted between two steps join at the next one, and every network
     * runs once per step on the rows of every job that needs it ({@link SamplingBatch}).
     */
    SamplingBatch newSamplingBatch();

    /** The decoder of a modality: latent to media (text, image, audio or video). */
    GeneratedMedia decode(Modality modality, Latent latent);

    /** One output's latent, as {@link #decodeAll} takes them. */
    record OutputLatent(Modality modality, Latent latent) {
    }

    /**
     * Decodes many outputs at once, each as {@link #decode} would (the same media, up to float
     * noise from the batch size): one result per latent, in order. A latent of the wrong shape
     * fails the whole call; callers that must isolate outputs check shapes against
     * {@link ModelManifest#latentShapes()} first.
     *
     * @param executor runs the per-output work once the networks ran (Griffin-Lim, pixels);
     *     {@code Runnable::run} keeps it on the calling thread
     */
    default List<GeneratedMedia> decodeAll(List<OutputLatent> latents, Executor executor) {
        return latents.stream().map(output -> decode(output.modality(), output.latent())).toList();
    }

    @Override
    void close();
}
