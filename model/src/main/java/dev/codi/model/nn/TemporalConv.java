package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A residual temporal layer for video: every spatial position of a frame mixes with the same
 * position in the neighbouring frames through a 1-D convolution over time (as in the temporal
 * layers CoDi adds to the image U-Net for video).
 */
public final class TemporalConv extends TinyBlock {
    private final GroupNorm norm;
    private final Conv1dLayer conv;

    public TemporalConv(int channels, int groups, int kernel) {
        norm = addChildBlock("norm", new GroupNorm(channels, groups));
        conv = addChildBlock("conv", new Conv1dLayer(channels, channels, kernel));
    }

    /**
     * @param frames (batch·frames, c, h, w), frames of one clip consecutive
     * @return same shape
     */
    public NDArray apply(ParameterStore store, NDArray frames, int frameCount) {
        var shape = frames.getShape();
        long batch = shape.get(0) / frameCount;
        long c = shape.get(1);
        long h = shape.get(2);
        long w = shape.get(3);
        NDArray series = frames.reshape(batch, frameCount, c, h, w).transpose(0, 3, 4, 2, 1)
                .reshape(batch * h * w, c, frameCount);                                          // (batch·h·w, c, frames)
        NDArray mixed = conv.apply(store, Ops.silu(norm.apply(store, series)));
        NDArray back = mixed.reshape(batch, h, w, c, frameCount).transpose(0, 4, 3, 1, 2).reshape(shape);
        return frames.add(back);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("call apply(store, frames, frameCount)");
    }
}
