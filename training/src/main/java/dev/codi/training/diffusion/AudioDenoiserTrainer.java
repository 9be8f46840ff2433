package dev.codi.training.diffusion;

import dev.codi.media.Modality;
import dev.codi.training.TrainingStep;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.WorldDataset;

/** The audio LDM's denoiser on (4, 8, 8) latents of spectrograms of WAV-decoded clips. */
public final class AudioDenoiserTrainer extends DenoiserTrainer {
    public AudioDenoiserTrainer(TrainingContext context) {
        super(context, Modality.AUDIO);
    }

    @Override
    public TrainingStep stage() {
        return TrainingStep.AUDIO_DENOISER;
    }

    @Override
    protected float[] encodeLatents() {
        WorldDataset data = context.dataset();
        return LatentEncoding.means(context, context.networks.audioAutoencoder, data.size,
                new long[] {1, data.bins, data.spectrogramFrames}, data::spectrogram);
    }

    @Override
    protected int[] latentShapeOfOne() {
        int bins = context.model.spectrogram().bins();
        int frames = context.model.spectrogram().frames();
        for (int[] stride : context.model.audioAutoencoder().downsampling()) {
            bins /= stride[0];
            frames /= stride[1];
        }
        return new int[] {context.model.audioAutoencoder().latentChannels(), bins, frames};
    }
}
