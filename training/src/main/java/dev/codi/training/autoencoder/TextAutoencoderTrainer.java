package dev.codi.training.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.model.autoencoder.WordTokenizer;
import dev.codi.model.nn.TinyBlock;
import dev.codi.training.TrainingStep;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.Prompts;
import dev.codi.training.loop.Draws;
import dev.codi.training.loop.Losses;
import dev.codi.training.loop.StageTrainer;
import dev.codi.world.Combination;
import dev.codi.world.HeldOutCombinations;

import java.util.List;
import java.util.Random;

/**
 * The sentence VAE over captions of the training combinations (canonical, paraphrased and
 * under-specified): token cross-entropy from a reparameterised latent plus β·KL.
 *
 * <p>The decoder is read greedily per position with {@code <bos>} not allowed
 * ({@code CodiTinyModel.decode}), so its targets are the sentence without {@code <bos>}:
 * output position p predicts input token p + 1, i.e. w₁ … wₙ {@code <eos>}; positions after
 * {@code <eos>} are not scored.
 */
public final class TextAutoencoderTrainer implements StageTrainer {
    private final TrainingContext context;
    private final List<Combination> training = HeldOutCombinations.training();

    public TextAutoencoderTrainer(TrainingContext context) {
        this.context = context;
    }

    @Override
    public TrainingStep stage() {
        return TrainingStep.TEXT_AUTOENCODER;
    }

    @Override
    public List<TinyBlock> trainedNetworks() {
        return List.of(context.networks.textAutoencoder);
    }

    @Override
    public NDArray loss(NDManager batch, ParameterStore store, Random random) {
        int n = context.config.schedule(stage()).batch();
        int length = WordTokenizer.MAX_TOKENS;
        int latentDim = context.model.textAutoencoder().latentDim();
        int eos = context.vocabulary.id(WordTokenizer.EOS);
        int[] inputs = new int[n * length];
        int[] targets = new int[n * length];
        float[] scored = new float[n * length];
        for (int row = 0; row < n; row++) {
            Combination combination = training.get(random.nextInt(training.size()));
            String caption = Prompts.caption(Prompts.named(combination, context.config.underSpecifiedCaptionShare(), random), random);
            int[] tokens = context.vocabulary.encode(caption);
            System.arraycopy(tokens, 0, inputs, row * length, length);
            for (int p = 0; p + 1 < length; p++) {
                targets[row * length + p] = tokens[p + 1];
                scored[row * length + p] = 1f;
                if (tokens[p + 1] == eos) {
                    break;
                }
            }
        }
        var autoencoder = context.networks.textAutoencoder;
        NDArray moments = autoencoder.encode(store, batch.create(inputs, new Shape(n, length)));     // (n, 2·latent)
        NDArray mean = moments.get(":, :" + latentDim);
        NDArray logVariance = Losses.clampLogVariance(moments.get(":, " + latentDim + ":"));
        NDArray z = mean.add(logVariance.mul(0.5f).exp().mul(Draws.gaussian(batch, random, mean.getShape())));
        NDArray logProbabilities = autoencoder.decode(store, z).logSoftmax(2);                       // (n, L, V)
        NDArray oneHot = batch.create(targets, new Shape(n, length)).oneHot(context.vocabulary.size(), DataType.FLOAT32);
        NDArray mask = batch.create(scored, new Shape(n, length, 1));
        float scoredCount = 0;
        for (float s : scored) {
            scoredCount += s;
        }
        NDArray crossEntropy = logProbabilities.mul(oneHot).mul(mask).sum().div(-scoredCount);
        return crossEntropy.add(Losses.gaussianKl(mean, logVariance).mul((float) context.config.textKlWeight()));
    }
}
