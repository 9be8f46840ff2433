package dev.codi.model.denoiser;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.codi.model.nn.Conv2dLayer;
import dev.codi.model.nn.Dense;
import dev.codi.model.nn.Ops;
import dev.codi.model.nn.TinyBlock;

/**
 * CoDi's environment encoder V_m (§3.3): a noisy latent z_t → one L2-normalised token in the
 * shared latent space that the other modalities' denoisers attend to during joint generation.
 * Spatial latents: conv → stride-2 conv → mean pool (video: over frames too) → projection.
 * Vector latents (text): a two-layer MLP.
 */
public final class EnvironmentEncoder extends TinyBlock {
    public record Config(int[] latentShape, int channels, int environmentDim) {
        public Config {
            latentShape = latentShape.clone();
            if (latentShape.length != 1 && latentShape.length != 3 && latentShape.length != 4) {
                throw new IllegalArgumentException("latent shape must be (d), (c, h, w) or (frames, c, h, w), got "
                        + java.util.Arrays.toString(latentShape));
            }
        }
    }

    private final int[] latentShape;
    private final Conv2dLayer conv1;  // spatial only
    private final Conv2dLayer conv2;  // spatial only
    private final Dense hidden;       // vector only
    private final Dense projection;

    public EnvironmentEncoder(Config config) {
        latentShape = config.latentShape();
        int c = config.channels();
        if (latentShape.length == 1) {
            conv1 = null;
            conv2 = null;
            hidden = addChildBlock("hidden", new Dense(latentShape[0], c));
        } else {
            int latentChannels = latentShape[latentShape.length - 3];
            conv1 = addChildBlock("conv1", new Conv2dLayer(latentChannels, c, 3));
            conv2 = addChildBlock("conv2", new Conv2dLayer(c, c, 3, 2, 2));
            hidden = null;
        }
        projection = addChildBlock("projection", new Dense(c, config.environmentDim()));
    }

    /** @param latents (n, latent shape...) @return (n, environmentDim), unit norm */
    public NDArray encode(ParameterStore store, NDArray latents) {
        long n = latents.getShape().get(0);
        NDArray pooled;
        if (hidden != null) {
            pooled = Ops.silu(hidden.apply(store, latents));
        } else {
            int rank = latentShape.length;
            long frames = rank == 4 ? latentShape[0] : 1;
            NDArray frames2d = latents.reshape(n * frames, latentShape[rank - 3], latentShape[rank - 2], latentShape[rank - 1]);
            NDArray h = Ops.silu(conv2.apply(store, Ops.silu(conv1.apply(store, frames2d))));
            pooled = Ops.spatialMean(h).reshape(n, frames, -1).mean(new int[] {1});          // (n, channels)
        }
        return Ops.l2Normalize(projection.apply(store, pooled));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(encode(store, inputs.singletonOrThrow()));
    }
}
