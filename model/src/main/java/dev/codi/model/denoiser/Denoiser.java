package dev.codi.model.denoiser;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.codi.model.nn.TinyBlock;

import java.util.List;

/** An ε-predicting denoiser ε_θ(z_t, t, c [, V_B(z_t^B)]) of one modality's LDM. */
public abstract class Denoiser extends TinyBlock {

    /**
     * @param latents     (n, latent shape...) z_t
     * @param timesteps   (n) float t
     * @param context     (n, contextTokens, embeddingDim) conditioning tokens
     * @param environment (n, otherModalities, environmentDim) V_B(z_t^B) of the other outputs being
     *                    generated jointly, or null when sampling alone (CoDi §3.3)
     * @return (n, latent shape...) predicted ε
     */
    public NDArray predictNoise(ParameterStore store, NDArray latents, NDArray timesteps, NDArray context,
                                NDArray environment) {
        return predictNoise(store, latents, timesteps, context, environment, null);
    }

    /**
     * As {@link #predictNoise(ParameterStore, NDArray, NDArray, NDArray, NDArray)}, with the joint
     * cross-attention taken only by the rows {@code jointRows} marks: a row marked 0 gets exactly the
     * prediction without environment, so a guided step's ε_θ(z_t, t, ∅) and ε_θ(z_t, t, c, V) run as one
     * call (docs/design.md §6.4).
     *
     * @param jointRows (n) 1 where the row attends to {@code environment}, 0 where it is sampled alone;
     *                  null: every row attends (ignored without environment)
     */
    public abstract NDArray predictNoise(ParameterStore store, NDArray latents, NDArray timesteps, NDArray context,
                                         NDArray environment, NDArray jointRows);

    /** CoDi's joint cross-attention layers (to the other outputs' environment tokens): what stage 2 trains here. */
    public abstract List<TinyBlock> jointAttention();

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(predictNoise(store, inputs.get(0), inputs.get(1), inputs.get(2), inputs.size() > 3 ? inputs.get(3) : null));
    }
}
