package dev.codi.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Pre-norm multi-head cross-attention with a residual: queries from the tokens of a latent,
 * keys and values from context tokens. A learned register token is always appended to the
 * context, so attention over a one-token context (the pooled conditioning vector, docs/design.md §5.2)
 * still has a choice, and an empty context is well defined.
 *
 * <p>With {@code zeroInitOutput} the output projection starts at zero (its block name carries
 * {@link SeededInit#ZERO_INIT_MARK}): CoDi's joint-generation attention is then a no-op until
 * stage-2 training.
 */
public final class CrossAttention extends TinyBlock {
    private final int heads;
    private final int headDim;
    private final GroupNorm norm;
    private final Dense query;
    private final Dense key;
    private final Dense value;
    private final Dense output;
    private final LearnedTensor register; // (contextDim)

    public CrossAttention(int queryDim, int contextDim, int heads, int groups, boolean zeroInitOutput) {
        if (queryDim % heads != 0) {
            throw new IllegalArgumentException(queryDim + " does not split into " + heads + " heads");
        }
        this.heads = heads;
        this.headDim = queryDim / heads;
        norm = addChildBlock("norm", new GroupNorm(queryDim, groups));
        query = addChildBlock("query", new Dense(queryDim, queryDim));
        key = addChildBlock("key", new Dense(contextDim, queryDim));
        value = addChildBlock("value", new Dense(contextDim, queryDim));
        output = addChildBlock(zeroInitOutput ? "out_" + SeededInit.ZERO_INIT_MARK : "out", new Dense(queryDim, queryDim));
        register = addChildBlock("register", new LearnedTensor(contextDim));
    }

    /**
     * @param tokens  (n, length, queryDim)
     * @param context (n, contextTokens, contextDim)
     * @return (n, length, queryDim)
     */
    public NDArray apply(ParameterStore store, NDArray tokens, NDArray context) {
        return tokens.add(attend(store, tokens, context));
    }

    /**
     * As {@link #apply}, the residual taken only by the rows whose {@code rows} entry is 1; a row with 0
     * passes through unchanged, as if the layer were skipped (one call for rows with and without a context).
     *
     * @param rows (n) 1 or 0; null: every row
     */
    public NDArray apply(ParameterStore store, NDArray tokens, NDArray context, NDArray rows) {
        if (rows == null) {
            return apply(store, tokens, context);
        }
        long n = tokens.getShape().get(0);
        return tokens.add(attend(store, tokens, context).mul(rows.reshape(n, 1, 1)));
    }

    /** The attention's output projection, (n, length, queryDim), before the residual. */
    private NDArray attend(ParameterStore store, NDArray tokens, NDArray context) {
        long n = tokens.getShape().get(0);
        long length = tokens.getShape().get(1);
        long contextDim = context.getShape().get(2);
        NDArray registerToken = Ops.ownedBy(register.value(store, tokens.getDevice()).reshape(1, 1, contextDim), tokens)
                .broadcast(n, 1, contextDim);
        NDArray keysAndValues = NDArrays.concat(new NDList(registerToken, context), 1);    // (n, m, contextDim)
        long m = keysAndValues.getShape().get(1);
        // GroupNorm wants channels on axis 1: (n, queryDim, length)
        NDArray normed = norm.apply(store, tokens.transpose(0, 2, 1)).transpose(0, 2, 1);
        NDArray q = query.apply(store, normed).reshape(n, length, heads, headDim).transpose(0, 2, 1, 3); // (n, heads, length, d)
        NDArray k = key.apply(store, keysAndValues).reshape(n, m, heads, headDim).transpose(0, 2, 3, 1);  // (n, heads, d, m)
        NDArray v = value.apply(store, keysAndValues).reshape(n, m, heads, headDim).transpose(0, 2, 1, 3); // (n, heads, m, d)
        NDArray weights = q.matMul(k).div((float) Math.sqrt(headDim)).softmax(3);                     // (n, heads, length, m)
        NDArray attended = weights.matMul(v).transpose(0, 2, 1, 3).reshape(n, length, heads * headDim);
        return output.apply(store, attended);
    }

    /** Same on a feature map: (n, c, h, w) attends to the context. */
    public NDArray applySpatial(ParameterStore store, NDArray featureMap, NDArray context) {
        return applySpatial(store, featureMap, context, null);
    }

    /** Same on a feature map, the residual taken by the rows {@code rows} marks ({@link #apply(ParameterStore, NDArray, NDArray, NDArray)}). */
    public NDArray applySpatial(ParameterStore store, NDArray featureMap, NDArray context, NDArray rows) {
        long n = featureMap.getShape().get(0);
        long c = featureMap.getShape().get(1);
        NDArray tokens = featureMap.reshape(n, c, -1).transpose(0, 2, 1);                           // (n, h·w, c)
        return apply(store, tokens, context, rows).transpose(0, 2, 1).reshape(featureMap.getShape());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1)));
    }
}
