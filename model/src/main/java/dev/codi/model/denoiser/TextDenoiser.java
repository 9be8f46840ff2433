package dev.codi.model.denoiser;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.codi.model.nn.CrossAttention;
import dev.codi.model.nn.Dense;
import dev.codi.model.nn.FcResBlock;
import dev.codi.model.nn.GroupNorm;
import dev.codi.model.nn.Ops;
import dev.codi.model.nn.TimestepEmbedding;
import dev.codi.model.nn.TinyBlock;

import java.util.List;

/**
 * The text LDM's denoiser: CoDi replaces the U-Net's convolutions with fully connected res blocks
 * for the sentence latent; here three of them, with cross-attention to the conditioning and
 * joint cross-attention (zero-initialised) after the first two. The hidden vector is one query token.
 */
public final class TextDenoiser extends Denoiser {
    public record Config(int latentDim, int width, int groups, int heads, int timeFeatures, int timeDim,
                         int embeddingDim, int environmentDim) {
        public Config {
            if (latentDim < 1 || width % groups != 0 || width % heads != 0) {
                throw new IllegalArgumentException("invalid text denoiser config " + this);
            }
        }
    }

    private final TimestepEmbedding timeEmbedding;
    private final Dense in;
    private final FcResBlock res1;
    private final CrossAttention condition1;
    private final CrossAttention joint1;
    private final FcResBlock res2;
    private final CrossAttention condition2;
    private final CrossAttention joint2;
    private final FcResBlock res3;
    private final GroupNorm normOut;
    private final Dense out;

    public TextDenoiser(Config config) {
        int w = config.width();
        int g = config.groups();
        timeEmbedding = addChildBlock("time_embedding", new TimestepEmbedding(config.timeFeatures(), config.timeDim()));
        in = addChildBlock("in", new Dense(config.latentDim(), w));
        res1 = addChildBlock("res1", new FcResBlock(w, config.timeDim(), g));
        condition1 = addChildBlock("condition1", new CrossAttention(w, config.embeddingDim(), config.heads(), g, false));
        joint1 = addChildBlock("joint1", new CrossAttention(w, config.environmentDim(), config.heads(), g, true));
        res2 = addChildBlock("res2", new FcResBlock(w, config.timeDim(), g));
        condition2 = addChildBlock("condition2", new CrossAttention(w, config.embeddingDim(), config.heads(), g, false));
        joint2 = addChildBlock("joint2", new CrossAttention(w, config.environmentDim(), config.heads(), g, true));
        res3 = addChildBlock("res3", new FcResBlock(w, config.timeDim(), g));
        normOut = addChildBlock("norm_out", new GroupNorm(w, g));
        out = addChildBlock("out", new Dense(w, config.latentDim()));
    }

    @Override
    public List<TinyBlock> jointAttention() {
        return List.of(joint1, joint2);
    }

    @Override
    public NDArray predictNoise(ParameterStore store, NDArray latents, NDArray timesteps, NDArray context, NDArray environment,
                                NDArray jointRows) {
        NDArray time = timeEmbedding.apply(store, timesteps);                  // (n, timeDim)
        NDArray h = res1.apply(store, in.apply(store, latents), time);         // (n, width)
        h = condition1.apply(store, h.expandDims(1), context);                 // (n, 1, width)
        h = environment == null ? h : joint1.apply(store, h, environment, jointRows);
        h = res2.apply(store, h.squeeze(1), time);
        h = condition2.apply(store, h.expandDims(1), context);
        h = environment == null ? h : joint2.apply(store, h, environment, jointRows);
        h = res3.apply(store, h.squeeze(1), time);
        return out.apply(store, Ops.silu(normOut.apply(store, h)));            // (n, latentDim)
    }
}
