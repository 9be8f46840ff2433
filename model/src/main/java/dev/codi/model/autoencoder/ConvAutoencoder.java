package dev.codi.model.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.codi.model.nn.Conv2dLayer;
import dev.codi.model.nn.GroupNorm;
import dev.codi.model.nn.Ops;
import dev.codi.model.nn.TinyBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * A KL-regularised convolutional autoencoder (LDM's AutoencoderKL, scaled down): strided convs
 * down to a latent of {@code latentChannels}, the encoder emitting mean and log-variance; the
 * decoder upsamples (nearest, then conv — DJL's PyTorch engine has no transposed conv).
 * Used for images (3×32×32 → 4×8×8), video frames (same weights) and audio spectrograms.
 */
public final class ConvAutoencoder extends TinyBlock {
    /**
     * @param downsampling per stage, the (height, width) stride, e.g. [[2,2],[2,2]]
     */
    public record Config(int inChannels, int latentChannels, int channels, int groups, List<int[]> downsampling) {
        public Config {
            downsampling = List.copyOf(downsampling);
            if (inChannels < 1 || latentChannels < 1 || channels < 1 || channels % groups != 0 || downsampling.isEmpty()) {
                throw new IllegalArgumentException("invalid autoencoder config: channels " + channels + ", groups " + groups
                        + ", " + downsampling.size() + " stages");
            }
        }
    }

    private final Config config;
    private final Conv2dLayer encoderIn;
    private final List<Conv2dLayer> encoderDown = new ArrayList<>();
    private final GroupNorm encoderNorm;
    private final Conv2dLayer encoderOut;   // → 2·latentChannels
    private final Conv2dLayer decoderIn;
    private final List<Conv2dLayer> decoderUp = new ArrayList<>();
    private final GroupNorm decoderNorm;
    private final Conv2dLayer decoderOut;   // → inChannels

    public ConvAutoencoder(Config config) {
        this.config = config;
        int c = config.channels();
        encoderIn = addChildBlock("encoder_in", new Conv2dLayer(config.inChannels(), c, 3));
        for (int[] stride : config.downsampling()) {
            encoderDown.add(addChildBlock("encoder_down", new Conv2dLayer(c, c, 3, stride[0], stride[1])));
        }
        encoderNorm = addChildBlock("encoder_norm", new GroupNorm(c, config.groups()));
        encoderOut = addChildBlock("encoder_out", new Conv2dLayer(c, 2 * config.latentChannels(), 3));
        decoderIn = addChildBlock("decoder_in", new Conv2dLayer(config.latentChannels(), c, 3));
        for (int i = 0; i < config.downsampling().size(); i++) {
            decoderUp.add(addChildBlock("decoder_up", new Conv2dLayer(c, c, 3)));
        }
        decoderNorm = addChildBlock("decoder_norm", new GroupNorm(c, config.groups()));
        decoderOut = addChildBlock("decoder_out", new Conv2dLayer(c, config.inChannels(), 3));
    }

    public Config config() {
        return config;
    }

    /** @param x (n, inChannels, H, W) @return (n, 2·latentChannels, h, w): mean channels, then log-variance */
    public NDArray encode(ParameterStore store, NDArray x) {
        NDArray h = Ops.silu(encoderIn.apply(store, x));
        for (Conv2dLayer down : encoderDown) {
            h = Ops.silu(down.apply(store, h));
        }
        return encoderOut.apply(store, Ops.silu(encoderNorm.apply(store, h)));
    }

    /** @param latent (n, latentChannels, h, w) @return (n, inChannels, H, W) */
    public NDArray decode(ParameterStore store, NDArray latent) {
        NDArray h = Ops.silu(decoderIn.apply(store, latent));
        for (int i = 0; i < decoderUp.size(); i++) {
            int[] stride = config.downsampling().get(config.downsampling().size() - 1 - i);
            h = Ops.silu(decoderUp.get(i).apply(store, Ops.upsample(h, stride[0], stride[1])));
        }
        return decoderOut.apply(store, Ops.silu(decoderNorm.apply(store, h)));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray moments = encode(store, inputs.singletonOrThrow());
        return new NDList(decode(store, moments.get(":, :" + config.latentChannels())));
    }
}
