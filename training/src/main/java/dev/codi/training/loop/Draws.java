package dev.codi.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Random;

/** Random tensors drawn on the host from the step's {@link Random}, so a step is reproducible on any engine. */
public final class Draws {
    private Draws() {
    }

    public static float[] gaussian(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    public static NDArray gaussian(NDManager manager, Random random, Shape shape) {
        return manager.create(gaussian(random, Math.toIntExact(shape.size())), shape);
    }
}
