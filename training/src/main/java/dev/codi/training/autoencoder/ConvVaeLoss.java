package dev.codi.training.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.codi.model.autoencoder.ConvAutoencoder;
import dev.codi.training.loop.Draws;
import dev.codi.training.loop.Losses;

import java.util.Random;

/**
 * The KL-autoencoder objective of LDM (Rombach et al. 2022, §3), without the adversarial and
 * perceptual terms: reconstruct from a reparameterised sample z = μ + σ·ε, plus β·KL to N(0, 1).
 * The reconstruction error of "foreground" elements (the shape's pixels, the tone's bins) weighs
 * 1 + foregroundWeight: they are a small share of the input but carry every attribute.
 */
final class ConvVaeLoss {
    private ConvVaeLoss() {
    }

    /**
     * @param x                   (n, channels, H, W) input
     * @param foregroundThreshold an element is foreground when the max over channels exceeds it
     */
    static NDArray loss(ConvAutoencoder autoencoder, ParameterStore store, NDArray x, Random random, double klWeight,
                        double foregroundWeight, float foregroundThreshold) {
        int latentChannels = autoencoder.config().latentChannels();
        NDArray moments = autoencoder.encode(store, x);                                   // (n, 2·latent, h, w)
        NDArray mean = moments.get(":, :" + latentChannels);
        NDArray logVariance = Losses.clampLogVariance(moments.get(":, " + latentChannels + ":"));
        NDArray epsilon = Draws.gaussian(x.getManager(), random, mean.getShape());
        NDArray z = mean.add(logVariance.mul(0.5f).exp().mul(epsilon));
        NDArray reconstruction = autoencoder.decode(store, z);
        NDArray foreground = x.max(new int[] {1}, true).gt(foregroundThreshold).toType(DataType.FLOAT32, false); // (n, 1, H, W)
        NDArray weights = foreground.mul((float) foregroundWeight).add(1f);
        return Losses.mse(reconstruction, x, weights).add(Losses.gaussianKl(mean, logVariance).mul((float) klWeight));
    }
}
