package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** The fully connected residual block of CoDi's text denoiser: (n, width) with a timestep embedding. */
public final class FcResBlock extends TinyBlock {
    private final GroupNorm norm1;
    private final Dense dense1;
    private final Dense timeProjection;
    private final GroupNorm norm2;
    private final Dense dense2;

    public FcResBlock(int width, int timeDim, int groups) {
        norm1 = addChildBlock("norm1", new GroupNorm(width, groups));
        dense1 = addChildBlock("dense1", new Dense(width, width));
        timeProjection = addChildBlock("time", new Dense(timeDim, width));
        norm2 = addChildBlock("norm2", new GroupNorm(width, groups));
        dense2 = addChildBlock("dense2", new Dense(width, width));
    }

    /** @param x (n, width) @param time (n, timeDim) */
    public NDArray apply(ParameterStore store, NDArray x, NDArray time) {
        NDArray h = dense1.apply(store, Ops.silu(norm1.apply(store, x)));
        h = h.add(timeProjection.apply(store, Ops.silu(time)));
        h = dense2.apply(store, Ops.silu(norm2.apply(store, h)));
        return x.add(h);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1)));
    }
}
