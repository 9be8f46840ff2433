package dev.codi.model.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.Device;
import ai.djl.training.ParameterStore;
import dev.codi.model.nn.LearnedTensor;
import dev.codi.model.nn.Ops;
import dev.codi.model.nn.TinyBlock;

/**
 * A prompt encoder E_m of CoDi (§3.2): one modality's input → one pooled, L2-normalised vector
 * in the shared conditioning space, plus a learned null embedding for classifier-free guidance.
 */
public abstract class PromptEncoder extends TinyBlock {
    private final LearnedTensor nullEmbedding; // (embeddingDim)

    protected PromptEncoder(int embeddingDim) {
        nullEmbedding = addChildBlock("null_embedding", new LearnedTensor(embeddingDim));
    }

    /** @return (n, embeddingDim), unit L2 norm per row */
    public abstract NDArray encode(ParameterStore store, NDArray input);

    /** @return (embeddingDim), unit L2 norm; read once at load, so computed on the host */
    public float[] nullEmbedding(ParameterStore store, Device device) {
        float[] values = nullEmbedding.value(store, device).toFloatArray();
        double norm = 0;
        for (float v : values) {
            norm += v * v;
        }
        float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
        for (int i = 0; i < values.length; i++) {
            values[i] *= scale;
        }
        return values;
    }

    @Override
    protected ai.djl.ndarray.NDList forwardInternal(ParameterStore store, ai.djl.ndarray.NDList inputs, boolean training,
                                                   ai.djl.util.PairList<String, Object> params) {
        return new ai.djl.ndarray.NDList(encode(store, inputs.singletonOrThrow()));
    }
}
