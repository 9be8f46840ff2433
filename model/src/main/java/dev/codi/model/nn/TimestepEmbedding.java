package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Sinusoidal timestep features (Vaswani et al. 2017; DDPM's U-Net), cos first as in Stable
 * Diffusion (flip_sin_to_cos), then an MLP: (n) timesteps → (n, embeddingDim).
 */
public final class TimestepEmbedding extends TinyBlock {
    private static final double MAX_PERIOD = 10_000;
    private final int featureDim;
    private final Dense in;
    private final Dense out;

    public TimestepEmbedding(int featureDim, int embeddingDim) {
        if (featureDim % 2 != 0) {
            throw new IllegalArgumentException("feature dimension must be even, got " + featureDim);
        }
        this.featureDim = featureDim;
        in = addChildBlock("in", new Dense(featureDim, embeddingDim));
        out = addChildBlock("out", new Dense(embeddingDim, embeddingDim));
    }

    /** @param timesteps (n) float timesteps in [0, T) */
    public NDArray apply(ParameterStore store, NDArray timesteps) {
        int half = featureDim / 2;
        float[] frequencies = new float[half];
        for (int i = 0; i < half; i++) {
            frequencies[i] = (float) Math.exp(-Math.log(MAX_PERIOD) * i / half);
        }
        NDArray angles = timesteps.toType(DataType.FLOAT32, false).expandDims(1)
                .mul(timesteps.getManager().create(frequencies).expandDims(0));  // (n, half)
        NDArray features = NDArrays.concat(new NDList(angles.cos(), angles.sin()), 1); // (n, featureDim)
        return out.apply(store, Ops.silu(in.apply(store, features)));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow()));
    }
}
