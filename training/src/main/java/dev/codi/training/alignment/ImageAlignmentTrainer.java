package dev.codi.training.alignment;

import ai.djl.ndarray.types.Shape;
import dev.codi.media.Modality;
import dev.codi.training.TrainingStep;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.WorldDataset;
import dev.codi.world.Attributes;
import dev.codi.world.Combination;

import java.util.Random;

/**
 * E_image trained on alone against the frozen text encoder, after the joint text ↔ image step:
 * that step has to shape the text space too (motion included), and left the image encoder the
 * weakest prompt encoder (an image's nearest caption right 90 % of the time, against 100 % for
 * audio and video). Inputs as in that step: PNG-decoded images and, a fifth of the time, a frame
 * of a decoded video.
 */
public final class ImageAlignmentTrainer extends MediaAlignmentTrainer {
    private static final double VIDEO_FRAME_SHARE = 0.2;

    public ImageAlignmentTrainer(TrainingContext context) {
        super(context, Modality.IMAGE);
    }

    @Override
    public TrainingStep stage() {
        return TrainingStep.IMAGE_ALIGNMENT;
    }

    @Override
    protected void write(WorldDataset data, int sample, float[] values, int row, Random random) {
        writeImageOrFrame(data, sample, values, row, random);
    }

    @Override
    protected Attributes carried(Combination combination) {
        return shownByAnImage(combination.toAttributes());
    }

    /** What an image shows of its combination: color and shape, no motion. */
    static Attributes shownByAnImage(Attributes attributes) {
        return attributes.restrictTo(true, true, false);
    }

    /** An image encoder's input at row {@code row}: the sample's PNG-decoded image, or a fifth of the time a frame of its video. */
    static void writeImageOrFrame(WorldDataset data, int sample, float[] values, int row, Random random) {
        if (random.nextDouble() < VIDEO_FRAME_SHARE) {
            data.videoFrame(sample, random.nextInt(data.frames), values, row * data.imageValues());
        } else {
            data.image(sample, values, row * data.imageValues());
        }
    }

    @Override
    protected Shape inputShape(WorldDataset data, int n) {
        return new Shape(n, 3, data.imageSize, data.imageSize);
    }
}
