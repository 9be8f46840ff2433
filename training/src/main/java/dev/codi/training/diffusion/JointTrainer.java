package dev.codi.training.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.model.autoencoder.WordTokenizer;
import dev.codi.model.denoiser.Denoiser;
import dev.codi.model.denoiser.EnvironmentEncoder;
import dev.codi.model.nn.TinyBlock;
import dev.codi.model.scheduler.DdimScheduler;
import dev.codi.training.TrainingStep;
import dev.codi.training.Stages;
import dev.codi.training.TrainConfig;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.Prompts;
import dev.codi.training.data.WorldDataset;
import dev.codi.training.loop.Draws;
import dev.codi.training.loop.Losses;
import dev.codi.training.loop.StageTrainer;
import dev.codi.world.Combination;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * CoDi stage 2 (§3.3) for a set of outputs generated together: every latent of the same sample is
 * noised to the same t (they are sampled in lockstep), and each denoiser predicts its noise while
 * attending to the environment tokens of the OTHER outputs — for a pair A, B:
 * ε_θ(z_t^A, t, c, V_B(z_t^B)) and ε_θ(z_t^B, t, c, V_A(z_t^A)); for three or four outputs, to two or
 * three tokens at once, stacked in modality order as the sampler stacks them.
 * V_m reads z_t or the clean estimate the frozen denoiser makes of it, as its config says
 * ({@link EnvironmentEncoder.Reads}), and exactly as the sampler computes it.
 * Loss: the outputs' ε-losses plus the contrastive latent-alignment term between the tokens of
 * every two outputs, averaged over those pairs (multi-positive InfoNCE: samples that agree on every
 * attribute both outputs carry are positives). Only environment encoders and joint cross-attention
 * are trained (see {@link #trainedNetworks()}); every stage-1 network is frozen.
 *
 * <p>A bridging stage trains one pair. The mixed stage draws one of its sets of two to four outputs
 * per step ({@link TrainingStep#outputSets()}); every output of the step is trained.
 *
 * <p>Conditioning c is the text encoder's embedding of a caption that most of the time leaves
 * attributes open ("a red shape", "something moving up"), and sometimes the null embedding: what
 * the prompt does not say, a denoiser can only get right by reading it off the other output — the
 * coherence joint generation is for.
 */
public final class JointTrainer implements StageTrainer {
    private final TrainingContext context;
    private final TrainingStep stage;
    private static final int HIGH_NOISE_FROM = 400;
    private final DdimScheduler scheduler = new DdimScheduler(DdimScheduler.Config.codi());
    private final Map<Modality, DenoiserTrainer> latentBanks = new EnumMap<>(Modality.class); // stage-1 trainers, as banks of clean latents

    public JointTrainer(TrainingContext context, TrainingStep stage) {
        if (!stage.joint()) {
            throw new IllegalArgumentException(stage.id() + " is not a joint-generation stage");
        }
        this.context = context;
        this.stage = stage;
    }

    @Override
    public TrainingStep stage() {
        return stage;
    }

    /**
     * Bridging, as in stage 1's alignment: the first pair trains both sides; each later pair trains
     * only the side that is new to stage 2 (text–audio: audio; audio–video: video), against the
     * frozen other side, so the new environment token learns the space the earlier ones already
     * speak. The mixed stage then trains every environment encoder and joint attention together.
     */
    @Override
    public List<TinyBlock> trainedNetworks() {
        List<TinyBlock> trained = new ArrayList<>();
        for (Modality modality : stage.trainedInStageTwo()) {
            trained.add(context.networks.environmentEncoders.get(modality));
            trained.addAll(context.networks.denoisers.get(modality).jointAttention());
        }
        return trained;
    }


    @Override
    public void prepare() {
        latentBanks.clear();
        for (Modality modality : stage.modalities()) {
            DenoiserTrainer bank = (DenoiserTrainer) Stages.trainer(TrainingStep.denoiserOf(modality), context);
            bank.prepare();
            latentBanks.put(modality, bank);
        }
    }

    @Override
    public Map<String, Double> latentScales() {
        Map<String, Double> scales = new java.util.LinkedHashMap<>();
        latentBanks.values().forEach(bank -> scales.putAll(bank.latentScales()));
        return scales;
    }

    @Override
    public NDArray loss(NDManager batch, ParameterStore store, Random random) {
        List<List<Modality>> sets = stage.outputSets();
        List<Modality> outputs = sets.size() == 1 ? sets.get(0) : sets.get(random.nextInt(sets.size()));
        TrainConfig.StageTwo settings = context.config.stageTwo();
        int n = context.config.schedule(stage).batch();

        // 1. samples and their conditioning: a caption leaving attributes open, or the null embedding
        int[] samples = new int[n];
        NDArray conditioning = conditioning(batch, store, random, samples);

        // 2. every output noised to the same t (a share from the noisy part of the schedule)
        float[] timesteps = new float[n];
        int steps = scheduler.config().trainTimesteps();
        for (int row = 0; row < n; row++) {
            timesteps[row] = random.nextDouble() < settings.highNoiseShare()
                    ? HIGH_NOISE_FROM + random.nextInt(steps - HIGH_NOISE_FROM)
                    : random.nextInt(steps);
        }
        NDArray times = batch.create(timesteps);
        int count = outputs.size();
        NDArray[] noisy = new NDArray[count];
        NDArray[] noise = new NDArray[count];
        for (int side = 0; side < count; side++) {
            DenoiserTrainer bank = latentBanks.get(outputs.get(side));
            float[] epsilon = Draws.gaussian(random, n * bank.latentValues());
            noisy[side] = batch.create(bank.noised(samples, timesteps, epsilon), bank.latentShape(n));
            noise[side] = batch.create(epsilon, bank.latentShape(n));
        }

        // 3. each denoiser attends to the other outputs' environment tokens
        NDArray[] tokens = new NDArray[count];                                                 // (n, environmentDim) each
        for (int side = 0; side < count; side++) {
            Modality modality = outputs.get(side);
            tokens[side] = environmentToken(modality, context.networks.denoisers.get(modality), store, noisy[side], times, timesteps, conditioning);
        }
        NDArray loss = null;
        for (int side = 0; side < count; side++) {
            NDList others = new NDList();
            for (int other = 0; other < count; other++) {
                if (other != side) {
                    others.add(tokens[other]);
                }
            }
            NDArray environment = NDArrays.stack(others, 1);                                 // (n, outputs−1, envDim)
            NDArray sideLoss = Losses.mse(context.networks.denoisers.get(outputs.get(side))
                    .predictNoise(store, noisy[side], times, conditioning, environment), noise[side], null);
            loss = loss == null ? sideLoss : loss.add(sideLoss);
        }

        // 4. latent alignment of the outputs' tokens
        return loss.add(alignment(outputs, samples, tokens).mul((float) settings.contrastiveWeight()));
    }

    /**
     * Draws {@code samples.length} samples into {@code samples} and returns their conditioning,
     * (n, 1, dimension): the frozen text encoder's embedding of a caption leaving attributes open, or
     * the null embedding.
     */
    private NDArray conditioning(NDManager batch, ParameterStore store, Random random, int[] samples) {
        WorldDataset data = context.dataset();
        TrainConfig.StageTwo settings = context.config.stageTwo();
        int n = samples.length;
        int dimension = context.model.embeddingDim();
        boolean[] dropped = new boolean[n];
        int[] captionTokens = new int[n * WordTokenizer.MAX_TOKENS];
        for (int row = 0; row < n; row++) {
            samples[row] = random.nextInt(data.size);
            dropped[row] = random.nextDouble() < settings.nullShare();
            String caption = Prompts.caption(Prompts.named(data.combination(samples[row]), settings.underSpecifiedShare(), random), random);
            System.arraycopy(context.vocabulary.encode(caption), 0, captionTokens, row * WordTokenizer.MAX_TOKENS, WordTokenizer.MAX_TOKENS);
        }
        float[] text = context.networks.promptEncoders.get(Modality.TEXT)                      // frozen, (n, dimension)
                .encode(store, batch.create(captionTokens, new Shape(n, WordTokenizer.MAX_TOKENS))).toFloatArray();
        float[] nullText = context.conditioningBank().nullEmbedding(Modality.TEXT);
        float[] contexts = new float[n * dimension];
        for (int row = 0; row < n; row++) {
            System.arraycopy(dropped[row] ? nullText : text, dropped[row] ? 0 : row * dimension, contexts, row * dimension, dimension);
        }
        return batch.create(contexts, new Shape(n, 1, dimension));
    }

    /**
     * Latent alignment: multi-positive InfoNCE between V_A(z^A) and V_B(z^B), positives the samples that
     * agree on what both carry, averaged over every two outputs (a pair's term as it is).
     */
    private NDArray alignment(List<Modality> outputs, int[] samples, NDArray[] tokens) {
        WorldDataset data = context.dataset();
        int n = samples.length;
        int count = outputs.size();
        NDArray alignment = null;
        for (int a = 0; a < count; a++) {
            for (int b = a + 1; b < count; b++) {
                float[] positives = new float[n * n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        positives[i * n + j] = agree(outputs.get(a), outputs.get(b), data.combination(samples[i]), data.combination(samples[j])) ? 1f : 0f;
                    }
                }
                NDArray term = Losses.multiPositiveInfoNce(tokens[a], tokens[b], positives, context.config.temperature());
                alignment = alignment == null ? term : alignment.add(term);
            }
        }
        if (count > 2) { // the mean over the count·(count−1)/2 pairs
            alignment = alignment.div(count * (count - 1) / 2f);
        }
        return alignment;
    }

    /**
     * V_m(z_t) as the sampler computes it: of z_t itself, or of the clean estimate that the frozen
     * denoiser's ε_θ(z_t, t, c) without environment implies (no gradient flows into that estimate).
     */
    private NDArray environmentToken(Modality modality, Denoiser denoiser, ParameterStore store, NDArray noisy,
                                     NDArray times, float[] timesteps, NDArray conditioning) {
        EnvironmentEncoder encoder = context.networks.environmentEncoders.get(modality);
        if (encoder.reads() == EnvironmentEncoder.Reads.NOISY_LATENT) {
            return encoder.encode(store, noisy, null);
        }
        NDArray alone = denoiser.predictNoise(store, noisy, times, conditioning, null).stopGradient();
        return encoder.encode(store, noisy, scheduler.predictedClean(noisy, alone, timesteps, EnvironmentEncoder.CLEAN_ESTIMATE_BOUND));
    }

    /** Whether two combinations look the same to outputs {@code a} and {@code b}: equal on every attribute both carry (images show no motion). */
    private static boolean agree(Modality a, Modality b, Combination first, Combination second) {
        boolean motionCarried = a != Modality.IMAGE && b != Modality.IMAGE;
        return first.color() == second.color() && first.shape() == second.shape() && (!motionCarried || first.motion() == second.motion());
    }
}
