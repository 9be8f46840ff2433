package dev.codi.training.alignment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.model.nn.TinyBlock;
import dev.codi.training.TrainingStep;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.WorldDataset;
import dev.codi.training.loop.Losses;
import dev.codi.training.loop.StageTrainer;
import dev.codi.world.Attributes;
import dev.codi.world.Combination;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Bridging alignment, step 1 (CoDi §3.2): the text and image prompt encoders trained together,
 * CLIP-style, into the shared space. Images carry no motion, so a text–image loss alone would let
 * the text encoder ignore motion words, which audio and video need later; a second term contrasts
 * each caption with another, independently drawn caption of the same batch (paraphrase positives,
 * as in supervised SimCSE), which keeps motion apart in the text space. Image side: PNG-decoded
 * images and, a fifth of the time, a frame of a decoded video.
 */
public final class TextImageAlignmentTrainer implements StageTrainer {
    private final TrainingContext context;

    public TextImageAlignmentTrainer(TrainingContext context) {
        this.context = context;
    }

    @Override
    public TrainingStep stage() {
        return TrainingStep.TEXT_IMAGE_ALIGNMENT;
    }

    @Override
    public List<TinyBlock> trainedNetworks() {
        return List.of(context.networks.promptEncoders.get(Modality.TEXT), context.networks.promptEncoders.get(Modality.IMAGE));
    }

    @Override
    public NDArray loss(NDManager batch, ParameterStore store, Random random) {
        WorldDataset data = context.dataset();
        int n = context.config.schedule(stage()).batch();
        int size = context.model.imageSize();
        float[] pixels = new float[n * data.imageValues()];
        List<Combination> combinations = new ArrayList<>(n);
        Attributes[] imageCarries = new Attributes[n];
        for (int row = 0; row < n; row++) {
            int sample = random.nextInt(data.size);
            Combination combination = data.combination(sample);
            combinations.add(combination);
            imageCarries[row] = ImageAlignmentTrainer.shownByAnImage(combination.toAttributes());
            ImageAlignmentTrainer.writeImageOrFrame(data, sample, pixels, row, random);
        }
        double share = context.config.underSpecifiedCaptionShare();
        CaptionBatch captions = CaptionBatch.draw(combinations, share, context.vocabulary, random);
        CaptionBatch paraphrases = CaptionBatch.draw(combinations, share, context.vocabulary, random);
        NDArray text = context.networks.promptEncoders.get(Modality.TEXT).encode(store, captions.tokens(batch));
        NDArray paraphrase = context.networks.promptEncoders.get(Modality.TEXT).encode(store, paraphrases.tokens(batch));
        NDArray image = context.networks.promptEncoders.get(Modality.IMAGE).encode(store, batch.create(pixels, new Shape(n, 3, size, size)));
        double temperature = context.config.temperature();
        NDArray textImage = Losses.multiPositiveInfoNce(text, image, CaptionBatch.positives(captions.named(), imageCarries), temperature);
        NDArray textText = Losses.multiPositiveInfoNce(text, paraphrase, textPositives(captions.named(), paraphrases.named()), temperature);
        return textImage.add(textText);
    }

    /** Two captions are positives when neither contradicts the other. */
    private static float[] textPositives(Attributes[] a, Attributes[] b) {
        return CaptionBatch.positives(a, b);
    }
}
