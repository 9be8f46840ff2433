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

/** The audio autoencoder over the (1, 128, 64) log-magnitude spectrogram (→ 4×8×8), from WAV-decoded clips. */
public final class AudioAutoencoderTrainer implements StageTrainer {
    /** Spectrogram values run from −1 (the magnitude floor, silence) to ~1 (a full-scale partial); tones sit above −0.5. */
    private static final float FOREGROUND_THRESHOLD = -0.5f;
    private final TrainingContext context;

    public AudioAutoencoderTrainer(TrainingContext context) {
        this.context = context;
    }

    @Override
    public TrainingStep stage() {
        return TrainingStep.AUDIO_AUTOENCODER;
    }

    @Override
    public List<TinyBlock> trainedNetworks() {
        return List.of(context.networks.audioAutoencoder);
    }

    @Override
    public NDArray loss(NDManager batch, ParameterStore store, Random random) {
        WorldDataset data = context.dataset();
        int n = context.config.schedule(stage()).batch();
        float[] values = new float[n * data.spectrogramValues()];   // (n, 1, bins, frames)
        for (int row = 0; row < n; row++) {
            data.spectrogram(random.nextInt(data.size), values, row * data.spectrogramValues());
        }
        NDArray x = batch.create(values, new Shape(n, 1, data.bins, data.spectrogramFrames));
        return ConvVaeLoss.loss(context.networks.audioAutoencoder, store, x, random, context.config.klWeight(),
                context.config.foregroundWeight(), FOREGROUND_THRESHOLD);
    }
}
