package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/** Fully connected layer over the last axis: (..., in) → (..., out). */
public final class Dense extends TinyBlock {
    private final Parameter weight; // (out, in)
    private final Parameter bias;   // (out)

    public Dense(int in, int out) {
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in)).optInitializer(Initializer.ZEROS).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).optInitializer(Initializer.ZEROS).build());
    }

    public NDArray apply(ParameterStore store, NDArray x) {
        NDArray w = store.getValue(weight, x.getDevice(), false);
        NDArray b = store.getValue(bias, x.getDevice(), false);
        return Linear.linear(x, w, b).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow()));
    }
}
