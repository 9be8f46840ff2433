package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** Small functional helpers shared by the networks. */
public final class Ops {
    private static final float NORM_FLOOR = 1e-12f; // as torch.nn.functional.normalize

    private Ops() {
    }

    /**
     * Hands an array derived from a parameter (a reshape, a broadcast) to the manager of the call's
     * input, so it is freed with the call's intermediates instead of piling up beside the weights.
     */
    public static NDArray ownedBy(NDArray derived, NDArray owner) {
        derived.attach(owner.getManager());
        return derived;
    }

    /** SiLU (swish): x·σ(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** L2-normalises the last axis. */
    public static NDArray l2Normalize(NDArray x) {
        int last = x.getShape().dimension() - 1;
        return x.div(x.square().sum(new int[] {last}, true).sqrt().maximum(NORM_FLOOR));
    }

    /** Nearest-neighbour upsampling of (n, c, h, w) by integer factors (no transposed conv in DJL's PyTorch engine). */
    public static NDArray upsample(NDArray x, int factorH, int factorW) {
        NDArray y = factorH > 1 ? x.repeat(2, factorH) : x;
        return factorW > 1 ? y.repeat(3, factorW) : y;
    }

    /** Mean over the spatial axes of (n, c, h, w) → (n, c); one axis at a time (multi-axis mean throws). */
    public static NDArray spatialMean(NDArray x) {
        long n = x.getShape().get(0);
        long c = x.getShape().get(1);
        return x.reshape(n, c, -1).mean(new int[] {2});
    }
}
