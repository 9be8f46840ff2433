package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A residual, conditioned spatio-temporal layer for video: a 3-D convolution over (frames, height,
 * width), as in the 3-D U-Net of video diffusion models (Ho et al. 2022). Motion is a displacement
 * between neighbouring frames; {@link TemporalConv} mixes one position across time and cannot see
 * it. The clip's conditioning scales and shifts the normalised input per channel (FiLM, Perez et
 * al. 2018), so which displacement passes depends on the prompt's motion word. The FiLM projection
 * and the convolution start at zero: added to a trained denoiser, the layer is a no-op until trained.
 */
public final class SpaceTimeConv extends TinyBlock {
    private final int channels;
    private final GroupNorm norm;
    private final Dense film;       // conditioning → (scale, shift) per channel, zero-initialised
    private final Conv3dLayer conv; // zero-initialised

    public SpaceTimeConv(int channels, int groups, int conditioningDim) {
        this.channels = channels;
        norm = addChildBlock("norm", new GroupNorm(channels, groups));
        film = addChildBlock("film_" + SeededInit.ZERO_INIT_MARK, new Dense(conditioningDim, 2 * channels));
        conv = addChildBlock("conv_" + SeededInit.ZERO_INIT_MARK, new Conv3dLayer(channels, channels, 3, 3));
    }

    /**
     * @param frames       (batch·frames, c, h, w), frames of one clip consecutive
     * @param conditioning (batch, conditioningDim), one vector per clip
     * @return same shape as {@code frames}
     */
    public NDArray apply(ParameterStore store, NDArray frames, int frameCount, NDArray conditioning) {
        var shape = frames.getShape();
        long batch = shape.get(0) / frameCount;
        NDArray clip = frames.reshape(batch, frameCount, channels, shape.get(2), shape.get(3))
                .transpose(0, 2, 1, 3, 4);                                                     // (batch, c, frames, h, w)
        NDArray scaleAndShift = film.apply(store, conditioning).reshape(batch, 2 * channels, 1, 1, 1);
        NDArray scale = scaleAndShift.get(":, :" + channels);
        NDArray shift = scaleAndShift.get(":, " + channels + ":");
        NDArray modulated = norm.apply(store, clip).mul(scale.add(1)).add(shift);
        NDArray moved = conv.apply(store, Ops.silu(modulated))
                .transpose(0, 2, 1, 3, 4).reshape(shape);
        return frames.add(moved);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("call apply(store, frames, frameCount, conditioning)");
    }
}
