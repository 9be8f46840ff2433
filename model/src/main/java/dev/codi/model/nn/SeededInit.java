package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import java.util.Random;

/**
 * Deterministic initialisation from a seed, identical in every process and on every device: each
 * parameter draws from its own {@link Random}, seeded by the bundle seed and the parameter's path
 * name (String.hashCode is specified), so adding a network never changes another's weights.
 *
 * <ul>
 *   <li>weights: U(−1/√fan_in, 1/√fan_in), PyTorch's default for Linear and Conv;</li>
 *   <li>biases and betas: 0; gammas: 1;</li>
 *   <li>free tensors (embeddings, null embeddings, register tokens): N(0, 1);</li>
 *   <li>any parameter under a block named {@value #ZERO_INIT_MARK}: 0 — CoDi's joint
 *       cross-attention output projections, so they are a no-op until stage-2 training.</li>
 * </ul>
 */
public final class SeededInit {
    public static final String ZERO_INIT_MARK = "zeroinit";

    private SeededInit() {
    }

    public static void apply(Block block, long seed) {
        for (var pair : block.getParameters()) {
            String name = pair.getKey();
            Parameter parameter = pair.getValue();
            NDArray array = parameter.getArray();
            Shape shape = array.getShape();
            int size = Math.toIntExact(shape.size());
            float[] values = new float[size];
            Random random = new Random(seed * 0x9E3779B97F4A7C15L + name.hashCode());
            if (name.contains(ZERO_INIT_MARK)) {
                // zeros already
            } else if (parameter.getType() == Parameter.Type.WEIGHT) {
                long fanIn = shape.size() / shape.get(0);
                double bound = 1.0 / Math.sqrt(fanIn);
                for (int i = 0; i < size; i++) {
                    values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
                }
            } else if (parameter.getType() == Parameter.Type.GAMMA) {
                java.util.Arrays.fill(values, 1f);
            } else if (parameter.getType() == Parameter.Type.OTHER) {
                for (int i = 0; i < size; i++) {
                    values[i] = (float) random.nextGaussian();
                }
            }
            array.set(values);
        }
    }

    /** Inference only: no autograd graph is recorded for frozen parameters. */
    public static void freeze(Block block) {
        for (var pair : block.getParameters()) {
            NDArray array = pair.getValue().getArray();
            if (array.hasGradient()) {
                array.setRequiresGradient(false);
            }
        }
    }
}
