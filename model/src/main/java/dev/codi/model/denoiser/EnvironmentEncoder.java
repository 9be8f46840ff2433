package dev.codi.model.denoiser;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.codi.model.nn.Conv2dLayer;
import dev.codi.model.nn.Dense;
import dev.codi.model.nn.Ops;
import dev.codi.model.nn.TinyBlock;

/**
 * CoDi's environment encoder V_m (§3.3): a noisy latent z_t → one L2-normalised token in the
 * shared latent space that the other modalities' denoisers attend to during joint generation.
 *
 * <p>Spatial latents: conv → stride-2 conv, then the feature map is flattened rather than pooled,
 * because where things are is what the other outputs must agree on (an audio latent's width is
 * time, so its envelope — the motion — is a position; a pitch is a row). Video: each frame so, then
 * the mean over frames and the late-minus-early difference (the motion). Then an MLP to the token.
 * Vector latents (text): the MLP alone.
 *
 * <p>What V_m reads of z_t ({@link Reads}): the latent itself, as in the paper, or the clean latent
 * the frozen stage-1 denoiser estimates from it, x̂₀ = (z_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t with ε̂ = ε_θ(z_t, t, c)
 * (no environment). Both are functions of z_t alone, so V_m(z_t) stays the paper's formulation.
 * The estimate is the denoiser's guess of what the output becomes, which z_t at high noise hardly
 * shows; measured, it helped image + video and hurt image + audio, so bundles read z_t by default
 * (docs/design.md §9).
 */
public final class EnvironmentEncoder extends TinyBlock {
    /** What the encoder is trained on and reads while sampling. */
    public enum Reads {
        /** z_t itself (CoDi §3.3 as written). Bundles whose manifest names nothing read this. */
        NOISY_LATENT,
        /** The stage-1 denoiser's clean estimate x̂₀(z_t), clipped to ±{@link #CLEAN_ESTIMATE_BOUND}. */
        CLEAN_ESTIMATE
    }

    /** The clip of a clean estimate: latents are scaled to about unit variance; at t near T, 1/√ᾱ_t ≈ 15 amplifies ε̂'s error. */
    public static final float CLEAN_ESTIMATE_BOUND = 4f;

    public record Config(int[] latentShape, int channels, int environmentDim, Reads reads) {
        public Config {
            reads = reads == null ? Reads.NOISY_LATENT : reads;
            latentShape = latentShape.clone();
            if (latentShape.length != 1 && latentShape.length != 3 && latentShape.length != 4) {
                throw new IllegalArgumentException("latent shape must be (d), (c, h, w) or (frames, c, h, w), got "
                        + java.util.Arrays.toString(latentShape));
            }
        }
    }

    private final int[] latentShape;
    private final Reads reads;
    private final Conv2dLayer conv1;  // spatial only
    private final Conv2dLayer conv2;  // spatial only, stride 2
    private final Dense hidden;
    private final Dense projection;

    public EnvironmentEncoder(Config config) {
        latentShape = config.latentShape();
        reads = config.reads();
        int c = config.channels();
        int rank = latentShape.length;
        if (rank == 1) {
            conv1 = null;
            conv2 = null;
            hidden = addChildBlock("hidden", new Dense(latentShape[0], c));
        } else {
            conv1 = addChildBlock("conv1", new Conv2dLayer(latentShape[rank - 3], c, 3));
            conv2 = addChildBlock("conv2", new Conv2dLayer(c, c, 3, 2, 2));
            int perFrame = c * ((latentShape[rank - 2] + 1) / 2) * ((latentShape[rank - 1] + 1) / 2);
            hidden = addChildBlock("hidden", new Dense(rank == 4 ? 2 * perFrame : perFrame, 2 * c));
        }
        projection = addChildBlock("projection", new Dense(rank == 1 ? c : 2 * c, config.environmentDim()));
    }

    public Reads reads() {
        return reads;
    }

    /**
     * V_m(z_t) from what the encoder reads.
     *
     * @param noisy (n, latent shape...) z_t
     * @param clean (n, latent shape...) the denoiser's clean estimate of z_t; null when {@link #reads()} is NOISY_LATENT
     * @return (n, environmentDim), unit norm
     */
    public NDArray encode(ParameterStore store, NDArray noisy, NDArray clean) {
        if (reads == Reads.CLEAN_ESTIMATE && clean == null) {
            throw new IllegalArgumentException("this environment encoder reads the clean estimate");
        }
        return encode(store, reads == Reads.CLEAN_ESTIMATE ? clean : noisy);
    }

    /** @param latents (n, latent shape...) @return (n, environmentDim), unit norm */
    public NDArray encode(ParameterStore store, NDArray latents) {
        long n = latents.getShape().get(0);
        NDArray features;
        if (conv1 == null) {
            features = latents;
        } else {
            int rank = latentShape.length;
            int frames = rank == 4 ? latentShape[0] : 1;
            NDArray frames2d = latents.reshape(n * frames, latentShape[rank - 3], latentShape[rank - 2], latentShape[rank - 1]);
            NDArray h = Ops.silu(conv2.apply(store, Ops.silu(conv1.apply(store, frames2d))));
            NDArray flat = h.reshape(n, frames, -1);                                               // (n, frames, perFrame)
            if (frames == 1) {
                features = flat.reshape(n, -1);
            } else {
                int half = frames / 2;
                NDArray early = flat.get(":, :" + half).mean(new int[] {1});
                NDArray late = flat.get(":, " + (frames - half) + ":").mean(new int[] {1});
                features = NDArrays.concat(new NDList(flat.mean(new int[] {1}), late.sub(early)), 1); // (n, 2·perFrame)
            }
        }
        return Ops.l2Normalize(projection.apply(store, Ops.silu(hidden.apply(store, features))));
    }

    /**
     * Starts a video encoder from a trained image encoder: a video latent's frames are image
     * latents (the image autoencoder encodes each frame), so the image encoder's convolutions read
     * them as they are, and its MLP reads the mean over frames as it reads one image. The weights
     * the MLP gives the late-minus-early difference start at zero, so the token begins as the image
     * token of the clip's mean and learns motion from there.
     *
     * @throws IllegalArgumentException when this is not a video encoder or {@code image} not an
     *                                  image encoder of the same channels and latent size
     */
    public void startFrom(EnvironmentEncoder image) {
        if (latentShape.length != 4 || image.latentShape.length != 3
                || !java.util.Arrays.equals(java.util.Arrays.copyOfRange(latentShape, 1, 4), image.latentShape)) {
            throw new IllegalArgumentException("a video encoder starts from an image encoder of its frames' latent shape, got "
                    + java.util.Arrays.toString(latentShape) + " from " + java.util.Arrays.toString(image.latentShape));
        }
        var own = getParameters();
        var theirs = image.getParameters();
        if (own.size() != theirs.size()) {
            throw new IllegalArgumentException("the encoders' layers differ: " + own.keys() + " against " + theirs.keys());
        }
        for (int i = 0; i < own.size(); i++) {
            NDArray target = own.get(i).getValue().getArray();
            NDArray source = theirs.get(i).getValue().getArray();
            ai.djl.ndarray.types.Shape to = target.getShape();
            ai.djl.ndarray.types.Shape from = source.getShape();
            if (to.equals(from)) {
                target.set(source.toFloatArray());
            } else if (to.dimension() == 2 && from.dimension() == 2 && to.get(0) == from.get(0) && to.get(1) == 2 * from.get(1)) {
                // the MLP's first layer: (out, 2·perFrame) ← (out, perFrame) for the mean, zeros for the difference
                float[] values = new float[Math.toIntExact(to.size())];
                float[] mean = source.toFloatArray();
                int rows = Math.toIntExact(from.get(0));
                int columns = Math.toIntExact(from.get(1));
                for (int row = 0; row < rows; row++) {
                    System.arraycopy(mean, row * columns, values, row * 2 * columns, columns);
                }
                target.set(values);
            } else {
                throw new IllegalArgumentException("parameter " + own.get(i).getKey() + " " + to + " cannot start from " + from);
            }
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(encode(store, inputs.singletonOrThrow()));
    }
}
