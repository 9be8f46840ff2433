package dev.codi.training.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** The losses of stage 1, each with the formula it computes. */
public final class Losses {
    private static final float LOG_VARIANCE_MIN = -20f; // keeps exp(logVar) and its gradient finite
    private static final float LOG_VARIANCE_MAX = 10f;

    private Losses() {
    }

    /** Mean squared error, optionally weighted per element (weights broadcast against the difference). */
    public static NDArray mse(NDArray prediction, NDArray target, NDArray weights) {
        NDArray squared = prediction.sub(target).square();
        return weights == null ? squared.mean() : squared.mul(weights).mean();
    }

    /** log σ² clamped to a range where exp and its gradient stay finite. */
    public static NDArray clampLogVariance(NDArray logVariance) {
        return logVariance.clip(LOG_VARIANCE_MIN, LOG_VARIANCE_MAX);
    }

    /** KL(N(μ, σ²) ‖ N(0, 1)) per element, averaged: ½·mean(μ² + σ² − 1 − log σ²). */
    public static NDArray gaussianKl(NDArray mean, NDArray logVariance) {
        return mean.square().add(logVariance.exp()).sub(1f).sub(logVariance).mean().mul(0.5f);
    }

    /**
     * Contrastive loss with several positives per anchor (CLIP's InfoNCE, as supervised
     * contrastive learning, Khosla et al. 2020, eq. 2): many samples of a batch share attributes,
     * so every pair that describes the same thing counts as a positive instead of only the diagonal.
     * Symmetric: a → b over rows and b → a over columns.
     *
     * @param a         (n, d) unit vectors
     * @param b         (n, d) unit vectors
     * @param positives (n·n) row-major, 1 where a_i and b_j describe the same thing; the diagonal is 1
     */
    public static NDArray multiPositiveInfoNce(NDArray a, NDArray b, float[] positives, double temperature) {
        int n = Math.toIntExact(a.getShape().get(0));
        NDManager manager = a.getManager();
        float[] rows = new float[n * n];    // positives / their count per row
        float[] columns = new float[n * n]; // positives / their count per column, transposed
        for (int i = 0; i < n; i++) {
            float rowCount = 0;
            float columnCount = 0;
            for (int j = 0; j < n; j++) {
                rowCount += positives[i * n + j];
                columnCount += positives[j * n + i];
            }
            for (int j = 0; j < n; j++) {
                rows[i * n + j] = positives[i * n + j] / Math.max(rowCount, 1f);
                columns[i * n + j] = positives[j * n + i] / Math.max(columnCount, 1f);
            }
        }
        NDArray logits = a.matMul(b.transpose()).div((float) temperature);              // (n, n)
        NDArray aToB = logits.logSoftmax(1).mul(manager.create(rows, new Shape(n, n))).sum().div(-n);
        NDArray bToA = logits.transpose().logSoftmax(1).mul(manager.create(columns, new Shape(n, n))).sum().div(-n);
        return aToB.add(bToA).mul(0.5f);
    }
}
