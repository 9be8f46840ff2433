package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Group normalisation (Wu &amp; He 2018) over (n, channels, ...) of any rank. Written from
 * mean/sub/square because DJL's PyTorch engine has no GroupNorm and no var (ENGINEERING-NOTES).
 */
public final class GroupNorm extends TinyBlock {
    private static final float EPSILON = 1e-5f;
    private final Parameter gamma; // (channels)
    private final Parameter beta;  // (channels)
    private final int channels;
    private final int groups;

    public GroupNorm(int channels, int groups) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
        }
        this.channels = channels;
        this.groups = groups;
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels)).optInitializer(Initializer.ONES).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
                .optShape(new Shape(channels)).optInitializer(Initializer.ZEROS).build());
    }

    public NDArray apply(ParameterStore store, NDArray x) {
        Shape shape = x.getShape();
        long n = shape.get(0);
        NDArray grouped = x.reshape(n, groups, -1);                         // (n, groups, rest)
        NDArray centered = grouped.sub(grouped.mean(new int[] {2}, true));
        NDArray variance = centered.square().mean(new int[] {2}, true);
        NDArray normalised = centered.div(variance.add(EPSILON).sqrt()).reshape(shape);
        long[] affineShape = new long[shape.dimension()];
        java.util.Arrays.fill(affineShape, 1);
        affineShape[1] = channels;
        NDArray g = Ops.ownedBy(store.getValue(gamma, x.getDevice(), false).reshape(new Shape(affineShape)), x);
        NDArray b = Ops.ownedBy(store.getValue(beta, x.getDevice(), false).reshape(new Shape(affineShape)), x);
        return normalised.mul(g).add(b);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow()));
    }
}
