package dev.codi.training.alignment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.model.nn.TinyBlock;
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
 * Bridging alignment, step 2 (CoDi §3.2): a modality's prompt encoder trained contrastively
 * against the FROZEN text encoder, so it lands in the space text and image already share. Audio
 * and video carry all three attributes; an image carries no motion.
 */
abstract class MediaAlignmentTrainer implements StageTrainer {
    protected final TrainingContext context;
    private final Modality modality;

    MediaAlignmentTrainer(TrainingContext context, Modality modality) {
        this.context = context;
        this.modality = modality;
    }

    @Override
    public List<TinyBlock> trainedNetworks() {
        return List.of(context.networks.promptEncoders.get(modality));
    }

    /** Writes sample {@code sample}'s input at row {@code row} of {@code values}. */
    protected abstract void write(WorldDataset data, int sample, float[] values, int row, Random random);

    /** What an input of this modality shows of its combination: a caption naming no more is a positive. */
    protected Attributes carried(Combination combination) {
        return combination.toAttributes();
    }

    /** The input shape of a batch of n. */
    protected abstract Shape inputShape(WorldDataset data, int n);

    @Override
    public NDArray loss(NDManager batch, ParameterStore store, Random random) {
        WorldDataset data = context.dataset();
        int n = context.config.schedule(stage()).batch();
        Shape shape = inputShape(data, n);
        float[] values = new float[Math.toIntExact(shape.size())];
        List<Combination> combinations = new ArrayList<>(n);
        Attributes[] carries = new Attributes[n];
        int[] samples = new int[n];
        for (int row = 0; row < n; row++) {
            int sample = random.nextInt(data.size);
            samples[row] = sample;
            combinations.add(data.combination(sample));
            carries[row] = carried(data.combination(sample));
            write(data, sample, values, row, random);
        }
        CaptionBatch captions = CaptionBatch.draw(combinations, context.config.underSpecifiedCaptionShare(), context.vocabulary, random);
        NDArray text = context.networks.promptEncoders.get(Modality.TEXT).encode(store, captions.tokens(batch));   // frozen
        NDArray media = context.networks.promptEncoders.get(modality).encode(store, batch.create(values, shape));
        NDArray contrastive = Losses.multiPositiveInfoNce(text, media, CaptionBatch.positives(captions.named(), carries), context.config.temperature());
        return withRegularisation(contrastive, media, samples, batch);
    }

    /**
     * The stage's loss from its contrastive term and the batch's embeddings (n, embeddingDim) of
     * dataset samples {@code samples}: the contrastive term alone unless a modality adds to it.
     */
    protected NDArray withRegularisation(NDArray contrastive, NDArray media, int[] samples, NDManager batch) {
        return contrastive;
    }
}
