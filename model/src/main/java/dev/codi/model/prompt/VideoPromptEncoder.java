package dev.codi.model.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.codi.model.nn.Conv1dLayer;
import dev.codi.model.nn.Dense;
import dev.codi.model.nn.Ops;

/**
 * E_video: the image trunk per frame (its own weights), a temporal conv over the frame features
 * (motion lives in how they change), mean over time, projection, L2 norm.
 */
public final class VideoPromptEncoder extends PromptEncoder {
    public record Config(int frames, int height, int width, int channels, int hiddenDim, int embeddingDim) {
        public Config {
            if (frames < 1 || height % 8 != 0 || width % 8 != 0 || channels % 2 != 0 || hiddenDim < 1 || embeddingDim < 1) {
                throw new IllegalArgumentException("invalid video encoder config " + this);
            }
        }
    }

    private final Config config;
    private final ImagePromptEncoder.Trunk frameTrunk;
    private final Conv1dLayer temporal1;
    private final Conv1dLayer temporal2;
    private final Dense out;

    public VideoPromptEncoder(Config config) {
        super(config.embeddingDim());
        this.config = config;
        frameTrunk = addChildBlock("frame_trunk", new ImagePromptEncoder.Trunk(3, config.height(), config.width(), config.channels(), config.hiddenDim()));
        temporal1 = addChildBlock("temporal1", new Conv1dLayer(config.hiddenDim(), config.hiddenDim(), 3));
        temporal2 = addChildBlock("temporal2", new Conv1dLayer(config.hiddenDim(), config.hiddenDim(), 3));
        out = addChildBlock("out", new Dense(config.hiddenDim(), config.embeddingDim()));
    }

    /** @param video (n, frames, 3, H, W) in [−1, 1] */
    @Override
    public NDArray encode(ParameterStore store, NDArray video) {
        var shape = video.getShape();
        long n = shape.get(0);
        NDArray perFrame = frameTrunk.apply(store, video.reshape(n * config.frames(), shape.get(2), shape.get(3), shape.get(4)));
        NDArray series = perFrame.reshape(n, config.frames(), config.hiddenDim()).transpose(0, 2, 1); // (n, hidden, frames)
        NDArray h = Ops.silu(temporal1.apply(store, series));
        h = Ops.silu(temporal2.apply(store, h)).mean(new int[] {2});                                 // (n, hidden)
        return Ops.l2Normalize(out.apply(store, h));
    }
}
