package dev.codi.training.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.model.autoencoder.WordTokenizer;
import dev.codi.model.nn.TinyBlock;
import dev.codi.model.scheduler.DdimScheduler;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.Prompts;
import dev.codi.training.data.WorldDataset;
import dev.codi.training.loop.Draws;
import dev.codi.training.loop.Losses;
import dev.codi.training.loop.StageTrainer;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A modality's latent diffusion model, DDPM's simplified objective (Ho et al. 2020, eq. 14) on the
 * frozen autoencoder's scaled latents: z_t = √ᾱ_t·z₀ + √(1−ᾱ_t)·ε with t ~ U{0, …, T−1} and the
 * scheduler's scaled-linear betas, loss ‖ε − ε_θ(z_t, t, c)‖².
 *
 * <p>Conditioning c (CoDi §3.2): the frozen encoder's embedding of one input modality of the same
 * sample (text most often, with captions as users write them, else image, audio or video); a share
 * of steps uses a weighted mix of two modalities, as composable conditioning does at inference;
 * a share (classifier-free guidance, Ho &amp; Salimans 2022) uses the null embeddings mixed with
 * the same weights. No environment tokens: joint cross-attention is stage 2.
 */
public abstract class DenoiserTrainer implements StageTrainer {
    private static final Modality[] MEDIA = {Modality.IMAGE, Modality.AUDIO, Modality.VIDEO};
    protected final TrainingContext context;
    private final Modality output;
    private final DdimScheduler scheduler;
    private double latentScale = Double.NaN;
    private float[] bank;                   // (samples or combinations, latent...) scaled clean latents z₀

    protected DenoiserTrainer(TrainingContext context, Modality output) {
        this.context = context;
        this.output = output;
        this.scheduler = new DdimScheduler(DdimScheduler.Config.codi());
    }

    @Override
    public List<TinyBlock> trainedNetworks() {
        return List.of(context.networks.denoisers.get(output));
    }

    /** Encodes the training latents with the frozen autoencoder; returns the unscaled bank. */
    protected abstract float[] encodeLatents();

    /** Values per latent, e.g. 4·8·8: the product of {@link #latentShapeOfOne()}. */
    public int latentValues() {
        int values = 1;
        for (int dimension : latentShapeOfOne()) {
            values *= dimension;
        }
        return values;
    }

    /**
     * Writes the (scaled) latent that sample {@code sample} of the dataset is denoised to; by
     * default the bank holds one latent per sample, in dataset order.
     */
    protected void writeLatent(float[] bank, int sample, float[] into, int offset) {
        System.arraycopy(bank, sample * latentValues(), into, offset, latentValues());
    }

    @Override
    public void prepare() {
        context.conditioningBank();
        float[] raw = encodeLatents();
        double sum = 0;
        double squares = 0;
        for (float v : raw) {
            sum += v;
            squares += (double) v * v;
        }
        double mean = sum / raw.length;
        double std = Math.sqrt(Math.max(squares / raw.length - mean * mean, 1e-12));
        latentScale = 1 / std; // LDM's scale_factor: unit-variance latents for the diffusion model
        float scale = (float) latentScale;
        for (int i = 0; i < raw.length; i++) {
            raw[i] *= scale;
        }
        bank = raw;
    }

    @Override
    public Map<String, Double> latentScales() {
        return Double.isNaN(latentScale) ? Map.of() : Map.of(output.wireName(), latentScale);
    }

    @Override
    public NDArray loss(NDManager batch, ParameterStore store, Random random) {
        WorldDataset data = context.dataset();
        ConditioningBank conditioning = context.conditioningBank();
        int n = context.config.schedule(stage()).batch();
        int dimension = conditioning.dimension();
        int[] samples = new int[n];
        int[] captionTokens = new int[n * WordTokenizer.MAX_TOKENS];
        for (int row = 0; row < n; row++) {
            samples[row] = random.nextInt(data.size);
            String caption = Prompts.caption(Prompts.named(data.combination(samples[row]),
                    context.config.underSpecifiedCaptionShare(), random), random);
            System.arraycopy(context.vocabulary.encode(caption), 0, captionTokens, row * WordTokenizer.MAX_TOKENS, WordTokenizer.MAX_TOKENS);
        }
        float[] text = context.networks.promptEncoders.get(Modality.TEXT)                       // frozen, (n, dimension)
                .encode(store, batch.create(captionTokens, new Shape(n, WordTokenizer.MAX_TOKENS))).toFloatArray();

        float[] contexts = new float[n * dimension];
        for (int row = 0; row < n; row++) {
            Modality first = inputModality(random);
            boolean mixed = random.nextDouble() < context.config.mixedConditioningShare();
            Modality second = first;
            while (mixed && second == first) {
                second = inputModality(random);
            }
            float firstWeight = mixed ? 0.2f + 0.8f * random.nextFloat() : 1f;
            float secondWeight = mixed ? 0.2f + 0.8f * random.nextFloat() : 0f;
            boolean dropped = random.nextDouble() < context.config.conditionDropout();
            int offset = row * dimension;
            add(first, firstWeight, dropped, samples[row], text, conditioning, contexts, offset);
            if (mixed) {
                add(second, secondWeight, dropped, samples[row], text, conditioning, contexts, offset);
            }
            float total = firstWeight + secondWeight;
            for (int k = 0; k < dimension; k++) {
                contexts[offset + k] /= total;   // c = Σ wᵢ·Eᵢ / Σ wᵢ (docs/design.md §5.2)
            }
        }

        float[] noise = Draws.gaussian(random, n * latentValues());
        float[] timesteps = new float[n];
        for (int row = 0; row < n; row++) {
            timesteps[row] = random.nextInt(scheduler.config().trainTimesteps());
        }
        float[] noisy = noised(samples, timesteps, noise);
        Shape latentShape = latentShape(n);
        NDArray epsilon = batch.create(noise, latentShape);
        NDArray predicted = context.networks.denoisers.get(output).predictNoise(store, batch.create(noisy, latentShape),
                batch.create(timesteps), batch.create(contexts, new Shape(n, 1, dimension)), null);
        return Losses.mse(predicted, epsilon, null);
    }

    /**
     * After {@link #prepare()}: z_t = √ᾱ_t·z₀ + √(1−ᾱ_t)·ε for each row's sample, timestep and noise
     * (noise row-major, one latent per row).
     */
    public float[] noised(int[] samples, float[] timesteps, float[] noise) {
        int values = latentValues();
        float[] noisy = new float[samples.length * values];
        float[] clean = new float[values];
        for (int row = 0; row < samples.length; row++) {
            double alphaProduct = scheduler.alphaCumprod((int) timesteps[row]);
            float signal = (float) Math.sqrt(alphaProduct);
            float noiseLevel = (float) Math.sqrt(1 - alphaProduct);
            writeLatent(bank, samples[row], clean, 0);
            for (int k = 0; k < values; k++) {
                noisy[row * values + k] = signal * clean[k] + noiseLevel * noise[row * values + k];
            }
        }
        return noisy;
    }

    public Shape latentShape(int n) {
        int[] shape = latentShapeOfOne();
        long[] full = new long[shape.length + 1];
        full[0] = n;
        for (int d = 0; d < shape.length; d++) {
            full[d + 1] = shape[d];
        }
        return new Shape(full);
    }

    /** The latent shape of one sample, e.g. (4, 8, 8). */
    protected abstract int[] latentShapeOfOne();

    private Modality inputModality(Random random) {
        return random.nextDouble() < context.config.textConditioningShare() ? Modality.TEXT : MEDIA[random.nextInt(MEDIA.length)];
    }

    private static void add(Modality modality, float weight, boolean dropped, int sample, float[] text, ConditioningBank bank,
                            float[] into, int offset) {
        int dimension = bank.dimension();
        if (dropped) {
            float[] nullEmbedding = bank.nullEmbedding(modality);
            for (int k = 0; k < dimension; k++) {
                into[offset + k] += weight * nullEmbedding[k];
            }
        } else if (modality == Modality.TEXT) {
            for (int k = 0; k < dimension; k++) {
                into[offset + k] += weight * text[offset + k];
            }
        } else {
            bank.addEmbedding(modality, sample, weight, into, offset);
        }
    }
}
