package dev.codi.model.prompt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.codi.model.nn.Dense;
import dev.codi.model.nn.LearnedTensor;
import dev.codi.model.nn.Ops;

/** E_text: token + position embeddings, mean over non-padding tokens, MLP, L2 norm. */
public final class TextPromptEncoder extends PromptEncoder {
    public record Config(int vocabularySize, int maxTokens, int width, int embeddingDim) {
        public Config {
            if (vocabularySize < 5 || maxTokens < 3 || width < 1 || embeddingDim < 1) {
                throw new IllegalArgumentException("invalid text encoder config " + this);
            }
        }
    }

    private final Config config;
    private final LearnedTensor tokenEmbedding;    // (vocabulary, width)
    private final LearnedTensor positionEmbedding; // (maxTokens, width)
    private final Dense hidden;
    private final Dense out;

    public TextPromptEncoder(Config config) {
        super(config.embeddingDim());
        this.config = config;
        tokenEmbedding = addChildBlock("token_embedding", new LearnedTensor(config.vocabularySize(), config.width()));
        positionEmbedding = addChildBlock("position_embedding", new LearnedTensor(config.maxTokens(), config.width()));
        hidden = addChildBlock("hidden", new Dense(config.width(), 2 * config.width()));
        out = addChildBlock("out", new Dense(2 * config.width(), config.embeddingDim()));
    }

    /** @param tokenIds (n, maxTokens) int ids, 0 = padding */
    @Override
    public NDArray encode(ParameterStore store, NDArray tokenIds) {
        NDArray embedded = tokenIds.oneHot(config.vocabularySize(), DataType.FLOAT32)
                .matMul(tokenEmbedding.value(store, tokenIds.getDevice()))
                .add(positionEmbedding.value(store, tokenIds.getDevice()));      // (n, L, width)
        NDArray mask = tokenIds.gt(0).toType(DataType.FLOAT32, false).expandDims(2);            // (n, L, 1)
        NDArray pooled = embedded.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}));    // (n, width)
        return Ops.l2Normalize(out.apply(store, Ops.silu(hidden.apply(store, pooled))));
    }
}
