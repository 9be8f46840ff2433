package dev.codi.model.tiny;

import dev.codi.model.autoencoder.ConvAutoencoder;
import dev.codi.model.autoencoder.Spectrogram;
import dev.codi.model.autoencoder.TextAutoencoder;
import dev.codi.model.autoencoder.WordTokenizer;
import dev.codi.model.denoiser.EnvironmentEncoder;
import dev.codi.model.denoiser.SpatialDenoiser;
import dev.codi.model.denoiser.TextDenoiser;
import dev.codi.model.prompt.AudioPromptEncoder;
import dev.codi.model.prompt.ImagePromptEncoder;
import dev.codi.model.prompt.TextPromptEncoder;
import dev.codi.model.prompt.VideoPromptEncoder;

import java.util.List;

/**
 * Every size of codi-tiny in one place; saved in the bundle's manifest under "networks", so a
 * bundle rebuilds exactly the blocks its weights belong to.
 *
 * <pre>
 * latents   text (32) · image (4, 8, 8) · audio (4, 8, 8) over a (1, 128, 64) spectrogram
 *           · video (8, 4, 8, 8): the image autoencoder per frame
 * spaces    conditioning 64-d (prompt encoders), environment 64-d (V_m)
 * </pre>
 */
public record CodiTinyConfig(
        int embeddingDim,
        int environmentDim,
        int imageSize,
        int videoFrames,
        double videoFramesPerSecond,
        Spectrogram spectrogram,
        TextAutoencoder.Config textAutoencoder,
        ConvAutoencoder.Config imageAutoencoder,
        ConvAutoencoder.Config audioAutoencoder,
        TextPromptEncoder.Config textEncoder,
        ImagePromptEncoder.Config imageEncoder,
        AudioPromptEncoder.Config audioEncoder,
        VideoPromptEncoder.Config videoEncoder,
        TextDenoiser.Config textDenoiser,
        SpatialDenoiser.Config imageDenoiser,
        SpatialDenoiser.Config audioDenoiser,
        SpatialDenoiser.Config videoDenoiser,
        EnvironmentEncoder.Config textEnvironment,
        EnvironmentEncoder.Config imageEnvironment,
        EnvironmentEncoder.Config audioEnvironment,
        EnvironmentEncoder.Config videoEnvironment) {

    public static CodiTinyConfig defaults() {
        int embedding = 64;       // shared conditioning space
        int environment = 64;     // shared latent space of V_m
        int image = 32;
        int frames = 8;
        int latentChannels = 4;
        int latentSide = image / 4;   // two stride-2 stages
        int timeFeatures = 64;
        int timeDim = 128;
        Spectrogram spectrogram = Spectrogram.codiTiny();
        int vocabulary = new WordTokenizer().size();
        int textLatent = 32;
        // what V_m reads: z_t, as the paper (reading the clean estimate measured worse overall: docs/design.md §9)
        EnvironmentEncoder.Reads reads = EnvironmentEncoder.Reads.NOISY_LATENT;
        return new CodiTinyConfig(embedding, environment, image, frames, 8.0, spectrogram,
                new TextAutoencoder.Config(vocabulary, WordTokenizer.MAX_TOKENS, 32, 128, textLatent),
                new ConvAutoencoder.Config(3, latentChannels, 48, 8, List.of(new int[] {2, 2}, new int[] {2, 2})),
                // 128 bins × 64 frames → 8 × 8
                new ConvAutoencoder.Config(1, latentChannels, 32, 8,
                        List.of(new int[] {2, 2}, new int[] {2, 2}, new int[] {2, 2}, new int[] {2, 1})),
                new TextPromptEncoder.Config(vocabulary, WordTokenizer.MAX_TOKENS, 64, embedding),
                new ImagePromptEncoder.Config(3, image, image, 32, 128, embedding),
                new AudioPromptEncoder.Config(spectrogram.bins(), spectrogram.frames(), 32, 128, embedding),
                new VideoPromptEncoder.Config(frames, image, image, 32, 128, embedding),
                new TextDenoiser.Config(textLatent, 128, 8, 4, timeFeatures, timeDim, embedding, environment),
                new SpatialDenoiser.Config(latentChannels, 1, 64, 8, 4, timeFeatures, timeDim, embedding, environment),
                new SpatialDenoiser.Config(latentChannels, 1, 64, 8, 4, timeFeatures, timeDim, embedding, environment),
                new SpatialDenoiser.Config(latentChannels, frames, 64, 8, 4, timeFeatures, timeDim, embedding, environment),
                new EnvironmentEncoder.Config(new int[] {textLatent}, 64, environment, reads),
                new EnvironmentEncoder.Config(new int[] {latentChannels, latentSide, latentSide}, 32, environment, reads),
                new EnvironmentEncoder.Config(new int[] {latentChannels, latentSide, latentSide}, 32, environment, reads),
                new EnvironmentEncoder.Config(new int[] {frames, latentChannels, latentSide, latentSide}, 32, environment, reads));
    }

    /** This config with every environment encoder reading {@code reads} (stage 2 must be trained for it). */
    public CodiTinyConfig withEnvironmentReads(EnvironmentEncoder.Reads reads) {
        java.util.function.UnaryOperator<EnvironmentEncoder.Config> change =
                config -> new EnvironmentEncoder.Config(config.latentShape(), config.channels(), config.environmentDim(), reads);
        return new CodiTinyConfig(embeddingDim, environmentDim, imageSize, videoFrames, videoFramesPerSecond, spectrogram,
                textAutoencoder, imageAutoencoder, audioAutoencoder, textEncoder, imageEncoder, audioEncoder, videoEncoder,
                textDenoiser, imageDenoiser, audioDenoiser, videoDenoiser,
                change.apply(textEnvironment), change.apply(imageEnvironment), change.apply(audioEnvironment), change.apply(videoEnvironment));
    }
}
