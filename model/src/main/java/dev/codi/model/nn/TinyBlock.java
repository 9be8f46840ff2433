package dev.codi.model.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;

/**
 * Base of every codi-tiny block. All parameter shapes are fixed by the constructors, so no
 * shape inference is needed: initialising a block initialises its children with whatever shape
 * was given. Parameters are then overwritten deterministically by {@link SeededInit}.
 */
public abstract class TinyBlock extends AbstractBlock {
    protected static final byte VERSION = 1;

    protected TinyBlock() {
        super(VERSION);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : children.values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has fixed shapes; run forward instead");
    }

    /** Total number of scalar parameters of this block and its children. */
    public long parameterCount() {
        long count = 0;
        for (var pair : getParameters()) {
            count += pair.getValue().getShape().size();
        }
        return count;
    }
}
