package dev.codi.training.alignment;

import ai.djl.ndarray.types.Shape;
import dev.codi.media.Modality;
import dev.codi.training.TrainingStep;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.WorldDataset;

import java.util.Random;

/** E_audio against the frozen text encoder, on spectrograms of WAV-decoded (and resampled) clips. */
public final class AudioAlignmentTrainer extends MediaAlignmentTrainer {
    public AudioAlignmentTrainer(TrainingContext context) {
        super(context, Modality.AUDIO);
    }

    @Override
    public TrainingStep stage() {
        return TrainingStep.AUDIO_ALIGNMENT;
    }

    @Override
    protected void write(WorldDataset data, int sample, float[] values, int row, Random random) {
        data.spectrogram(sample, values, row * data.spectrogramValues());
    }

    @Override
    protected Shape inputShape(WorldDataset data, int n) {
        return new Shape(n, 1, data.bins, data.spectrogramFrames);
    }
}
