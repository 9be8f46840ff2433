package dev.codi.model.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.codi.model.nn.Conv2dLayer;
import dev.codi.model.nn.Dense;
import dev.codi.model.nn.Ops;

/** E_audio: four stride-2 convs over the (1, bins, frames) spectrogram, flattened, MLP, L2 norm. */
public final class AudioPromptEncoder extends PromptEncoder {
    public record Config(int bins, int frames, int channels, int hiddenDim, int embeddingDim) {
        public Config {
            if (bins % 16 != 0 || frames % 16 != 0 || channels % 2 != 0 || hiddenDim < 1 || embeddingDim < 1) {
                throw new IllegalArgumentException("audio encoder needs bins and frames divisible by 16, got " + this);
            }
        }
    }

    private final Conv2dLayer conv1;
    private final Conv2dLayer conv2;
    private final Conv2dLayer conv3;
    private final Conv2dLayer conv4;
    private final Dense hidden;
    private final Dense out;

    public AudioPromptEncoder(Config config) {
        super(config.embeddingDim());
        int c = config.channels();
        conv1 = addChildBlock("conv1", new Conv2dLayer(1, c / 2, 3, 2, 2));
        conv2 = addChildBlock("conv2", new Conv2dLayer(c / 2, c, 3, 2, 2));
        conv3 = addChildBlock("conv3", new Conv2dLayer(c, c, 3, 2, 2));
        conv4 = addChildBlock("conv4", new Conv2dLayer(c, c, 3, 2, 2));
        hidden = addChildBlock("hidden", new Dense(c * (config.bins() / 16) * (config.frames() / 16), config.hiddenDim()));
        out = addChildBlock("out", new Dense(config.hiddenDim(), config.embeddingDim()));
    }

    /** @param spectrogram (n, 1, bins, frames) */
    @Override
    public NDArray encode(ParameterStore store, NDArray spectrogram) {
        NDArray h = Ops.silu(conv1.apply(store, spectrogram));
        h = Ops.silu(conv2.apply(store, h));
        h = Ops.silu(conv3.apply(store, h));
        h = Ops.silu(conv4.apply(store, h));                            // (n, c, bins/16, frames/16)
        NDArray pooled = Ops.silu(hidden.apply(store, h.reshape(h.getShape().get(0), -1)));
        return Ops.l2Normalize(out.apply(store, pooled));
    }
}
