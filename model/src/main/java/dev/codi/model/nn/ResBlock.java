package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The LDM residual block: GroupNorm → SiLU → conv3×3, plus the projected timestep embedding,
 * GroupNorm → SiLU → conv3×3, plus a 1×1 skip when the channel count changes.
 */
public final class ResBlock extends TinyBlock {
    private final GroupNorm norm1;
    private final Conv2dLayer conv1;
    private final Dense timeProjection;
    private final GroupNorm norm2;
    private final Conv2dLayer conv2;
    private final Conv2dLayer skip; // null when in == out

    public ResBlock(int in, int out, int timeDim, int groups) {
        norm1 = addChildBlock("norm1", new GroupNorm(in, groups));
        conv1 = addChildBlock("conv1", new Conv2dLayer(in, out, 3));
        timeProjection = addChildBlock("time", new Dense(timeDim, out));
        norm2 = addChildBlock("norm2", new GroupNorm(out, groups));
        conv2 = addChildBlock("conv2", new Conv2dLayer(out, out, 3));
        skip = in == out ? null : addChildBlock("skip", new Conv2dLayer(in, out, 1));
    }

    /**
     * @param x    (n, in, h, w)
     * @param time (n, timeDim)
     * @return (n, out, h, w)
     */
    public NDArray apply(ParameterStore store, NDArray x, NDArray time) {
        NDArray h = conv1.apply(store, Ops.silu(norm1.apply(store, x)));
        h = h.add(timeProjection.apply(store, Ops.silu(time)).expandDims(2).expandDims(3));
        h = conv2.apply(store, Ops.silu(norm2.apply(store, h)));
        return h.add(skip == null ? x : skip.apply(store, x));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1)));
    }
}
