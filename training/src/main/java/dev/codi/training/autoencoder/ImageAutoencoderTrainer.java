package dev.codi.training.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.model.nn.TinyBlock;
import dev.codi.training.TrainingStep;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.WorldDataset;
import dev.codi.training.loop.StageTrainer;

import java.util.List;
import java.util.Random;

/**
 * The image autoencoder (3×32×32 → 4×8×8), on PNG-decoded images and on frames of MP4/GIF-decoded
 * videos half of the time, because the video LDM uses the same autoencoder per frame.
 */
public final class ImageAutoencoderTrainer implements StageTrainer {
    /** Background channels are ≤ 40 (docs/design.md §7), every shape color has a channel ≥ 200: split at 127.5, i.e. 0. */
    private static final float FOREGROUND_THRESHOLD = 0f;
    private final TrainingContext context;

    public ImageAutoencoderTrainer(TrainingContext context) {
        this.context = context;
    }

    @Override
    public TrainingStep stage() {
        return TrainingStep.IMAGE_AUTOENCODER;
    }

    @Override
    public List<TinyBlock> trainedNetworks() {
        return List.of(context.networks.imageAutoencoder);
    }

    @Override
    public NDArray loss(NDManager batch, ParameterStore store, Random random) {
        WorldDataset data = context.dataset();
        int n = context.config.schedule(stage()).batch();
        int size = context.model.imageSize();
        float[] pixels = new float[n * data.imageValues()];          // (n, 3, H, W)
        for (int row = 0; row < n; row++) {
            int sample = random.nextInt(data.size);
            if (random.nextBoolean()) {
                data.image(sample, pixels, row * data.imageValues());
            } else {
                data.videoFrame(sample, random.nextInt(data.frames), pixels, row * data.imageValues());
            }
        }
        NDArray x = batch.create(pixels, new Shape(n, 3, size, size));
        return ConvVaeLoss.loss(context.networks.imageAutoencoder, store, x, random, context.config.klWeight(),
                context.config.foregroundWeight(), FOREGROUND_THRESHOLD);
    }
}
