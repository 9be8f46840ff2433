package dev.codi.training.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.model.autoencoder.ConvAutoencoder;
import dev.codi.training.TrainingContext;

/** Runs a frozen conv autoencoder's encoder over many inputs in chunks and keeps the posterior means. */
final class LatentEncoding {
    private static final int CHUNK = 128;

    interface Writer {
        void write(int item, float[] into, int offset);
    }

    private LatentEncoding() {
    }

    /**
     * @param items       number of inputs
     * @param inputShape  shape of one input, e.g. (3, 32, 32)
     * @return (items, latentChannels, h, w) means, row-major
     */
    static float[] means(TrainingContext context, ConvAutoencoder autoencoder, int items, long[] inputShape, Writer writer) {
        ParameterStore store = new ParameterStore(context.manager, false);
        int inputValues = Math.toIntExact(new Shape(inputShape).size());
        float[] result = null;
        int latentValues = 0;
        for (int from = 0; from < items; from += CHUNK) {
            int n = Math.min(CHUNK, items - from);
            float[] input = new float[n * inputValues];
            for (int row = 0; row < n; row++) {
                writer.write(from + row, input, row * inputValues);
            }
            long[] batchShape = new long[inputShape.length + 1];
            batchShape[0] = n;
            System.arraycopy(inputShape, 0, batchShape, 1, inputShape.length);
            try (NDManager chunk = context.manager.newSubManager()) {
                NDArray moments = autoencoder.encode(store, chunk.create(input, new Shape(batchShape)));
                float[] means = moments.get(":, :" + autoencoder.config().latentChannels()).toFloatArray();
                if (result == null) {
                    latentValues = means.length / n;
                    result = new float[items * latentValues];
                }
                System.arraycopy(means, 0, result, from * latentValues, means.length);
            }
        }
        return result;
    }
}
