package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/** 3-D convolution with "same" padding: (n, in, depth, h, w) → (n, out, depth, h, w). */
public final class Conv3dLayer extends TinyBlock {
    private final Parameter weight; // (out, in, kd, k, k)
    private final Parameter bias;   // (out)
    private final Shape padding;

    public Conv3dLayer(int in, int out, int depthKernel, int kernel) {
        if (depthKernel % 2 != 1 || kernel % 2 != 1) {
            throw new IllegalArgumentException("kernels must be odd, got " + depthKernel + "×" + kernel);
        }
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in, depthKernel, kernel, kernel)).optInitializer(Initializer.ZEROS).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).optInitializer(Initializer.ZEROS).build());
        padding = new Shape(depthKernel / 2, kernel / 2, kernel / 2);
    }

    public NDArray apply(ParameterStore store, NDArray x) {
        NDArray w = store.getValue(weight, x.getDevice(), false);
        NDArray b = store.getValue(bias, x.getDevice(), false);
        return Conv3d.conv3d(x, w, b, new Shape(1, 1, 1), padding).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow()));
    }
}
