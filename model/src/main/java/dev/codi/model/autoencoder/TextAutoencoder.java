package dev.codi.model.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.codi.model.nn.Dense;
import dev.codi.model.nn.LearnedTensor;
import dev.codi.model.nn.Ops;
import dev.codi.model.nn.TinyBlock;

/**
 * A sentence VAE in the spirit of CoDi's text LDM (Optimus), scaled down: token and position
 * embeddings → MLP → (mean, log-variance) of a latent vector; the decoder maps a latent to
 * per-position token logits, read greedily (argmax per position, non-autoregressive).
 */
public final class TextAutoencoder extends TinyBlock {
    /** Sizes; the latent is a vector of {@code latentDim}. */
    public record Config(int vocabularySize, int maxTokens, int embeddingDim, int hiddenDim, int latentDim) {
        public Config {
            if (vocabularySize < 5 || maxTokens < 3 || embeddingDim < 1 || hiddenDim < 1 || latentDim < 1) {
                throw new IllegalArgumentException("invalid text autoencoder config " + this);
            }
        }
    }

    private final Config config;
    private final LearnedTensor tokenEmbedding;    // (vocabulary, embeddingDim)
    private final LearnedTensor positionEmbedding; // (maxTokens, embeddingDim)
    private final Dense encoderHidden;
    private final Dense encoderOut;                // → 2·latentDim: mean, log-variance
    private final Dense decoderHidden;
    private final Dense decoderOut;                // → maxTokens·vocabulary logits

    public TextAutoencoder(Config config) {
        this.config = config;
        tokenEmbedding = addChildBlock("token_embedding", new LearnedTensor(config.vocabularySize(), config.embeddingDim()));
        positionEmbedding = addChildBlock("position_embedding", new LearnedTensor(config.maxTokens(), config.embeddingDim()));
        encoderHidden = addChildBlock("encoder_hidden", new Dense(config.maxTokens() * config.embeddingDim(), config.hiddenDim()));
        encoderOut = addChildBlock("encoder_out", new Dense(config.hiddenDim(), 2 * config.latentDim()));
        decoderHidden = addChildBlock("decoder_hidden", new Dense(config.latentDim(), config.hiddenDim()));
        decoderOut = addChildBlock("decoder_out", new Dense(config.hiddenDim(), config.maxTokens() * config.vocabularySize()));
    }

    public Config config() {
        return config;
    }

    /** @param tokenIds (n, maxTokens) int ids @return (n, 2·latentDim): mean then log-variance */
    public NDArray encode(ParameterStore store, NDArray tokenIds) {
        long n = tokenIds.getShape().get(0);
        NDArray oneHot = tokenIds.oneHot(config.vocabularySize(), DataType.FLOAT32);            // (n, L, V)
        NDArray embedded = oneHot.matMul(tokenEmbedding.value(store, tokenIds.getDevice()))
                .add(positionEmbedding.value(store, tokenIds.getDevice()));    // (n, L, E)
        NDArray hidden = Ops.silu(encoderHidden.apply(store, embedded.reshape(n, -1)));
        return encoderOut.apply(store, hidden);
    }

    /** @param latent (n, latentDim) @return (n, maxTokens, vocabulary) logits */
    public NDArray decode(ParameterStore store, NDArray latent) {
        long n = latent.getShape().get(0);
        NDArray hidden = Ops.silu(decoderHidden.apply(store, latent));
        return decoderOut.apply(store, hidden).reshape(n, config.maxTokens(), config.vocabularySize());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray moments = encode(store, inputs.singletonOrThrow());
        return new NDList(decode(store, moments.get(":, :" + config.latentDim())));
    }
}
