package dev.codi.training.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.training.TrainingContext;
import dev.codi.training.data.WorldDataset;

import java.util.EnumMap;
import java.util.Map;

/**
 * The frozen prompt encoders' embeddings of every dataset sample's image, audio and video, and each
 * modality's null embedding (unit norm, as {@code CodiTinyModel} serves it): computed once after
 * alignment and shared by the denoiser stages. Text is embedded per batch, because each step draws
 * new captions.
 */
public final class ConditioningBank {
    private static final int CHUNK = 128;
    private final int dimension;
    private final Map<Modality, float[]> embeddings = new EnumMap<>(Modality.class); // (samples, dimension)
    private final Map<Modality, float[]> nulls = new EnumMap<>(Modality.class);      // (dimension)

    private ConditioningBank(int dimension) {
        this.dimension = dimension;
    }

    public static ConditioningBank compute(TrainingContext context) {
        WorldDataset data = context.dataset();
        ConditioningBank bank = new ConditioningBank(context.model.embeddingDim());
        ParameterStore store = new ParameterStore(context.manager, false);
        for (Modality modality : Modality.values()) {
            bank.nulls.put(modality, context.networks.promptEncoders.get(modality).nullEmbedding(store, context.manager.getDevice()));
        }
        bank.embeddings.put(Modality.IMAGE, encodeAll(context, store, Modality.IMAGE, data.imageValues(),
                n -> new Shape(n, 3, data.imageSize, data.imageSize), data::image));
        bank.embeddings.put(Modality.AUDIO, encodeAll(context, store, Modality.AUDIO, data.spectrogramValues(),
                n -> new Shape(n, 1, data.bins, data.spectrogramFrames), data::spectrogram));
        bank.embeddings.put(Modality.VIDEO, encodeAll(context, store, Modality.VIDEO, data.videoValues(),
                n -> new Shape(n, data.frames, 3, data.imageSize, data.imageSize), data::video));
        return bank;
    }

    interface Writer {
        void write(int sample, float[] into, int offset);
    }

    private static float[] encodeAll(TrainingContext context, ParameterStore store, Modality modality, int values,
                                     java.util.function.IntFunction<Shape> shape, Writer writer) {
        int samples = context.dataset().size;
        int dimension = context.model.embeddingDim();
        float[] result = new float[samples * dimension];
        for (int from = 0; from < samples; from += CHUNK) {
            int n = Math.min(CHUNK, samples - from);
            float[] input = new float[n * values];
            for (int row = 0; row < n; row++) {
                writer.write(from + row, input, row * values);
            }
            try (NDManager chunk = context.manager.newSubManager()) {
                NDArray embedded = context.networks.promptEncoders.get(modality).encode(store, chunk.create(input, shape.apply(n)));
                System.arraycopy(embedded.toFloatArray(), 0, result, from * dimension, n * dimension);
            }
        }
        return result;
    }

    public int dimension() {
        return dimension;
    }

    /** Adds weight × sample's embedding of {@code modality} (not text) into {@code into} at {@code offset}. */
    public void addEmbedding(Modality modality, int sample, float weight, float[] into, int offset) {
        float[] all = embeddings.get(modality);
        for (int k = 0; k < dimension; k++) {
            into[offset + k] += weight * all[sample * dimension + k];
        }
    }

    public float[] nullEmbedding(Modality modality) {
        return nulls.get(modality);
    }
}
