package dev.codi.training.diffusion;

import dev.codi.media.Modality;
import dev.codi.training.TrainingStep;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.WorldDataset;

/** The image LDM's denoiser on (4, 8, 8) latents of PNG-decoded images. */
public final class ImageDenoiserTrainer extends DenoiserTrainer {
    public ImageDenoiserTrainer(TrainingContext context) {
        super(context, Modality.IMAGE);
    }

    @Override
    public TrainingStep stage() {
        return TrainingStep.IMAGE_DENOISER;
    }

    @Override
    protected float[] encodeLatents() {
        WorldDataset data = context.dataset();
        return LatentEncoding.means(context, context.networks.imageAutoencoder, data.size,
                new long[] {3, data.imageSize, data.imageSize}, data::image);
    }

    @Override
    protected int[] latentShapeOfOne() {
        return new int[] {context.model.imageAutoencoder().latentChannels(), context.model.imageSize() / 4, context.model.imageSize() / 4};
    }
}
