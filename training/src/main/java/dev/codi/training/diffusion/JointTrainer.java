package dev.codi.training.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.model.autoencoder.Vocabulary;
import dev.codi.model.denoiser.Denoiser;
import dev.codi.model.denoiser.EnvironmentEncoder;
import dev.codi.model.nn.TinyBlock;
import dev.codi.model.scheduler.DdimScheduler;
import dev.codi.training.Stage;
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
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * CoDi stage 2 (§3.3) for one pair of outputs A, B: both latents of the same sample are noised to
 * the same t (they are sampled in lockstep), and each denoiser predicts its noise while attending
 * to the other's environment token — ε_θ(z_t^A, t, c, V_B(z_t^B)) and ε_θ(z_t^B, t, c, V_A(z_t^A)).
 * V_m reads z_t or the clean estimate the frozen denoiser makes of it, as its config says
 * ({@link EnvironmentEncoder.Reads}), and exactly as the sampler computes it.
 * Loss: both ε-losses plus the contrastive latent-alignment term between V_A(z_t^A) and
 * V_B(z_t^B) (multi-positive InfoNCE: samples that agree on every attribute both outputs carry
 * are positives). Only environment encoders and joint cross-attention are trained (see
 * {@link #trainedNetworks()}); every stage-1 network is frozen.
 *
 * <p>Conditioning c is the text encoder's embedding of a caption that most of the time leaves
 * attributes open ("a red shape", "something moving up"), and sometimes the null embedding: what
 * the prompt does not say, a denoiser can only get right by reading it off the other output — the
 * coherence joint generation is for.
 */
public final class JointTrainer implements StageTrainer {
    private final TrainingContext context;
    private final Stage stage;
    private final Modality first;
    private final Modality second;
    private static final int HIGH_NOISE_FROM = 400;
    private final DdimScheduler scheduler = new DdimScheduler(DdimScheduler.Config.codi());
    private final List<DenoiserTrainer> latentBanks = new ArrayList<>(); // stage-1 trainers, as banks of clean latents

    public JointTrainer(TrainingContext context, Stage stage) {
        if (!stage.joint()) {
            throw new IllegalArgumentException(stage.id() + " is not a joint-generation stage");
        }
        this.context = context;
        this.stage = stage;
        this.first = stage.pair().get(0);
        this.second = stage.pair().get(1);
    }

    @Override
    public Stage stage() {
        return stage;
    }

    /**
     * Bridging, as in stage 1's alignment: the first pair trains both sides; each later pair trains
     * only the side that is new to stage 2 (text–audio: audio; audio–video: video), against the
     * frozen other side, so the new environment token learns the space the earlier ones already
     * speak — which is what lets any output combination attend to any other without training on it.
     */
    @Override
    public List<TinyBlock> trainedNetworks() {
        List<TinyBlock> trained = new ArrayList<>();
        for (Modality modality : stage.newInStageTwo()) {
            trained.add(context.networks.environmentEncoders.get(modality));
            trained.addAll(context.networks.denoisers.get(modality).jointAttention());
        }
        return trained;
    }


    @Override
    public void prepare() {
        latentBanks.clear();
        for (Modality modality : stage.pair()) {
            DenoiserTrainer bank = (DenoiserTrainer) Stages.trainer(Stage.denoiserOf(modality), context);
            bank.prepare();
            latentBanks.add(bank);
        }
    }

    @Override
    public Map<String, Double> latentScales() {
        Map<String, Double> scales = new java.util.LinkedHashMap<>();
        latentBanks.forEach(bank -> scales.putAll(bank.latentScales()));
        return scales;
    }

    @Override
    public NDArray loss(NDManager batch, ParameterStore store, Random random) {
        WorldDataset data = context.dataset();
        TrainConfig.StageTwo settings = context.config.stageTwo();
        int n = context.config.schedule(stage).batch();
        int dimension = context.model.embeddingDim();

        // 1. samples and their conditioning: a caption leaving attributes open, or the null embedding
        int[] samples = new int[n];
        boolean[] dropped = new boolean[n];
        int[] captionTokens = new int[n * Vocabulary.MAX_TOKENS];
        for (int row = 0; row < n; row++) {
            samples[row] = random.nextInt(data.size);
            dropped[row] = random.nextDouble() < settings.nullShare();
            String caption = Prompts.caption(Prompts.named(data.combination(samples[row]), settings.underSpecifiedShare(), random), random);
            System.arraycopy(context.vocabulary.encode(caption), 0, captionTokens, row * Vocabulary.MAX_TOKENS, Vocabulary.MAX_TOKENS);
        }
        float[] text = context.networks.promptEncoders.get(Modality.TEXT)                      // frozen, (n, dimension)
                .encode(store, batch.create(captionTokens, new Shape(n, Vocabulary.MAX_TOKENS))).toFloatArray();
        float[] nullText = context.conditioningBank().nullEmbedding(Modality.TEXT);
        float[] contexts = new float[n * dimension];
        for (int row = 0; row < n; row++) {
            System.arraycopy(dropped[row] ? nullText : text, dropped[row] ? 0 : row * dimension, contexts, row * dimension, dimension);
        }
        NDArray conditioning = batch.create(contexts, new Shape(n, 1, dimension));

        // 2. both outputs noised to the same t (a share from the noisy part of the schedule)
        float[] timesteps = new float[n];
        int steps = scheduler.config().trainTimesteps();
        for (int row = 0; row < n; row++) {
            timesteps[row] = random.nextDouble() < settings.highNoiseShare()
                    ? HIGH_NOISE_FROM + random.nextInt(steps - HIGH_NOISE_FROM)
                    : random.nextInt(steps);
        }
        NDArray times = batch.create(timesteps);
        NDArray[] noisy = new NDArray[2];
        NDArray[] noise = new NDArray[2];
        for (int side = 0; side < 2; side++) {
            DenoiserTrainer bank = latentBanks.get(side);
            float[] epsilon = Draws.gaussian(random, n * bank.latentValues());
            noisy[side] = batch.create(bank.noised(samples, timesteps, epsilon), bank.latentShape(n));
            noise[side] = batch.create(epsilon, bank.latentShape(n));
        }

        // 3. each denoiser attends to the other's environment token
        Denoiser firstDenoiser = context.networks.denoisers.get(first);
        Denoiser secondDenoiser = context.networks.denoisers.get(second);
        NDArray firstToken = environmentToken(first, firstDenoiser, store, noisy[0], times, timesteps, conditioning);  // (n, environmentDim)
        NDArray secondToken = environmentToken(second, secondDenoiser, store, noisy[1], times, timesteps, conditioning);
        NDArray firstLoss = Losses.mse(firstDenoiser.predictNoise(store, noisy[0], times, conditioning, secondToken.expandDims(1)),
                noise[0], null);
        NDArray secondLoss = Losses.mse(secondDenoiser.predictNoise(store, noisy[1], times, conditioning, firstToken.expandDims(1)),
                noise[1], null);

        // 4. latent alignment: V_A(z^A) and V_B(z^B) of samples that agree on what both carry
        float[] positives = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                positives[i * n + j] = agree(data.combination(samples[i]), data.combination(samples[j])) ? 1f : 0f;
            }
        }
        NDArray alignment = Losses.multiPositiveInfoNce(firstToken, secondToken, positives, context.config.temperature());
        return firstLoss.add(secondLoss).add(alignment.mul((float) settings.contrastiveWeight()));
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

    /** Whether two combinations look the same to both outputs: equal on every attribute both carry (images show no motion). */
    private boolean agree(Combination a, Combination b) {
        boolean motionCarried = first != Modality.IMAGE && second != Modality.IMAGE;
        return a.color() == b.color() && a.shape() == b.shape() && (!motionCarried || a.motion() == b.motion());
    }
}
