package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A free learned tensor: token embeddings, positional embeddings, null embeddings, the register
 * token of cross-attention. Initialised from N(0, 1) by {@link SeededInit}.
 */
public final class LearnedTensor extends TinyBlock {
    private final Parameter value;

    public LearnedTensor(long... shape) {
        value = addParameter(Parameter.builder().setName("value").setType(Parameter.Type.OTHER)
                .optShape(new Shape(shape)).optInitializer(Initializer.ZEROS).build());
    }

    public NDArray value(ParameterStore store, Device device) {
        return store.getValue(value, device, false);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(value(store, inputs.head().getDevice()));
    }
}
