package dev.codi.training.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.model.autoencoder.WordTokenizer;
import dev.codi.training.TrainingStep;
import dev.codi.training.TrainingContext;
import dev.codi.world.Captions;
import dev.codi.world.Combination;
import dev.codi.world.HeldOutCombinations;

import java.util.List;

/**
 * The text LDM's denoiser on sentence-VAE latents. What it learns to write for a sample is the
 * canonical caption of the sample's combination ({@code a <color> <shape> moving <motion>}, DESIGN
 * §2), whatever modality conditions it: one parseable form, so the judge reads every output.
 */
public final class TextDenoiserTrainer extends DenoiserTrainer {
    public TextDenoiserTrainer(TrainingContext context) {
        super(context, Modality.TEXT);
    }

    @Override
    public TrainingStep stage() {
        return TrainingStep.TEXT_DENOISER;
    }

    /** Row of each combination in the bank, −1 for the held-out ones, which training never encodes. */
    private final int[] rows = new int[Combination.ALL.size()];

    /** The latent mean of each training combination's canonical caption, in {@link HeldOutCombinations#training()} order. */
    @Override
    protected float[] encodeLatents() {
        List<Combination> training = HeldOutCombinations.training();
        java.util.Arrays.fill(rows, -1);
        int latentDim = latentValues();
        int[] tokens = new int[training.size() * WordTokenizer.MAX_TOKENS];
        for (int row = 0; row < training.size(); row++) {
            rows[training.get(row).index()] = row;
            System.arraycopy(context.vocabulary.encode(Captions.canonical(training.get(row).toAttributes())), 0,
                    tokens, row * WordTokenizer.MAX_TOKENS, WordTokenizer.MAX_TOKENS);
        }
        try (NDManager manager = context.manager.newSubManager()) {
            NDArray moments = context.networks.textAutoencoder.encode(new ParameterStore(context.manager, false),
                    manager.create(tokens, new Shape(training.size(), WordTokenizer.MAX_TOKENS)));
            return moments.get(":, :" + latentDim).toFloatArray();
        }
    }

    @Override
    protected int[] latentShapeOfOne() {
        return new int[] {context.model.textAutoencoder().latentDim()};
    }

    @Override
    protected void writeLatent(float[] bank, int sample, float[] into, int offset) {
        int row = rows[context.dataset().combination(sample).index()];
        System.arraycopy(bank, row * latentValues(), into, offset, latentValues());
    }
}
