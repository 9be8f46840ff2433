package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/** 2-D convolution, "same" padding for odd kernels: (n, in, h, w) → (n, out, h / sh, w / sw). */
public final class Conv2dLayer extends TinyBlock {
    private final Parameter weight; // (out, in, k, k)
    private final Parameter bias;   // (out)
    private final Shape stride;
    private final Shape padding;

    public Conv2dLayer(int in, int out, int kernel) {
        this(in, out, kernel, 1, 1);
    }

    public Conv2dLayer(int in, int out, int kernel, int strideH, int strideW) {
        if (kernel % 2 != 1) {
            throw new IllegalArgumentException("kernel must be odd, got " + kernel);
        }
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in, kernel, kernel)).optInitializer(Initializer.ZEROS).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).optInitializer(Initializer.ZEROS).build());
        stride = new Shape(strideH, strideW);
        padding = new Shape(kernel / 2, kernel / 2);
    }

    public NDArray apply(ParameterStore store, NDArray x) {
        NDArray w = store.getValue(weight, x.getDevice(), false);
        NDArray b = store.getValue(bias, x.getDevice(), false);
        return Conv2d.conv2d(x, w, b, stride, padding).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow()));
    }
}
