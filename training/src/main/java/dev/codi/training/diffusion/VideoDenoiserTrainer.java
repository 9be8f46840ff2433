package dev.codi.training.diffusion;

import dev.codi.media.Modality;
import dev.codi.training.TrainingStep;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.WorldDataset;

/**
 * The video LDM's denoiser on (8, 4, 8, 8) latents: the image autoencoder per frame of MP4- or
 * GIF-decoded clips (CoDi's video LDM reuses the image VAE), temporal layers in the denoiser.
 */
public final class VideoDenoiserTrainer extends DenoiserTrainer {
    public VideoDenoiserTrainer(TrainingContext context) {
        super(context, Modality.VIDEO);
    }

    @Override
    public TrainingStep stage() {
        return TrainingStep.VIDEO_DENOISER;
    }

    @Override
    protected float[] encodeLatents() {
        WorldDataset data = context.dataset();
        // item = sample · frames + frame, so a sample's frames are consecutive: (samples, frames, c, h, w)
        return LatentEncoding.means(context, context.networks.imageAutoencoder, data.size * data.frames,
                new long[] {3, data.imageSize, data.imageSize},
                (item, into, offset) -> data.videoFrame(item / data.frames, item % data.frames, into, offset));
    }

    @Override
    protected int[] latentShapeOfOne() {
        int side = context.model.imageSize() / 4;
        return new int[] {context.model.videoFrames(), context.model.imageAutoencoder().latentChannels(), side, side};
    }
}
