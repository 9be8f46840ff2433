package dev.codi.training.alignment;

import ai.djl.ndarray.types.Shape;
import dev.codi.media.Modality;
import dev.codi.training.TrainingStep;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.WorldDataset;

import java.util.Random;

/** E_video against the frozen text encoder, on MP4- or GIF-decoded clips. */
public final class VideoAlignmentTrainer extends MediaAlignmentTrainer {
    public VideoAlignmentTrainer(TrainingContext context) {
        super(context, Modality.VIDEO);
    }

    @Override
    public TrainingStep stage() {
        return TrainingStep.VIDEO_ALIGNMENT;
    }

    @Override
    protected void write(WorldDataset data, int sample, float[] values, int row, Random random) {
        data.video(sample, values, row * data.videoValues());
    }

    @Override
    protected Shape inputShape(WorldDataset data, int n) {
        return new Shape(n, data.frames, 3, data.imageSize, data.imageSize);
    }
}
