package dev.codi.model.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.codi.model.nn.Conv2dLayer;
import dev.codi.model.nn.Dense;
import dev.codi.model.nn.Ops;
import dev.codi.model.nn.TinyBlock;

/**
 * E_image: three stride-2 convs 32×32 → 4×4, flattened (keeping where the shape is), MLP, L2 norm.
 * The convolutional trunk is reused per frame by {@link VideoPromptEncoder}.
 */
public final class ImagePromptEncoder extends PromptEncoder {
    public record Config(int inChannels, int height, int width, int channels, int hiddenDim, int embeddingDim) {
        public Config {
            if (height % 8 != 0 || width % 8 != 0 || channels % 2 != 0 || hiddenDim < 1 || embeddingDim < 1) {
                throw new IllegalArgumentException("image encoder needs sides divisible by 8 and even channels, got " + this);
            }
        }
    }

    /** Convs and a projection: (n, in, H, W) → (n, hiddenDim), H and W divisible by 8. */
    public static final class Trunk extends TinyBlock {
        private final Conv2dLayer conv1;
        private final Conv2dLayer conv2;
        private final Conv2dLayer conv3;
        private final Dense projection;

        public Trunk(int inChannels, int height, int width, int channels, int hiddenDim) {
            conv1 = addChildBlock("conv1", new Conv2dLayer(inChannels, channels / 2, 3, 2, 2));
            conv2 = addChildBlock("conv2", new Conv2dLayer(channels / 2, channels, 3, 2, 2));
            conv3 = addChildBlock("conv3", new Conv2dLayer(channels, channels, 3, 2, 2));
            projection = addChildBlock("projection", new Dense(channels * (height / 8) * (width / 8), hiddenDim));
        }

        public NDArray apply(ParameterStore store, NDArray x) {
            NDArray h = Ops.silu(conv1.apply(store, x));
            h = Ops.silu(conv2.apply(store, h));
            h = Ops.silu(conv3.apply(store, h));                        // (n, channels, H/8, W/8)
            return Ops.silu(projection.apply(store, h.reshape(h.getShape().get(0), -1)));
        }

        @Override
        protected ai.djl.ndarray.NDList forwardInternal(ParameterStore store, ai.djl.ndarray.NDList inputs, boolean training,
                                                       ai.djl.util.PairList<String, Object> params) {
            return new ai.djl.ndarray.NDList(apply(store, inputs.singletonOrThrow()));
        }
    }

    private final Trunk trunk;
    private final Dense out;

    public ImagePromptEncoder(Config config) {
        super(config.embeddingDim());
        trunk = addChildBlock("trunk", new Trunk(config.inChannels(), config.height(), config.width(), config.channels(), config.hiddenDim()));
        out = addChildBlock("out", new Dense(config.hiddenDim(), config.embeddingDim()));
    }

    /** @param image (n, 3, 32, 32) in [−1, 1] */
    @Override
    public NDArray encode(ParameterStore store, NDArray image) {
        return Ops.l2Normalize(out.apply(store, trunk.apply(store, image)));
    }
}
