package dev.codi.launcher.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.codi.media.Modality;
import dev.codi.model.denoiser.SpatialDenoiser;
import dev.codi.model.tiny.CodiTinyModel;

/**
 * What the image denoiser achieves on this machine: its floating-point operations per call counted
 * from its architecture (SpatialDenoiser, one image: two levels, convolutions and cross-attention
 * to one conditioning token plus the register; norms and activations not counted), the time of a
 * call on a batch, and the same machine's matrix-multiply peak through the same engine.
 */
final class DenoiserThroughput {
    private DenoiserThroughput() {
    }

    /** Multiply-adds ×2 of one image-denoiser row without environment tokens. */
    static double flopsPerRow(SpatialDenoiser.Config config, int[] latentShape) {
        double c = config.channels();
        double latentChannels = latentShape[0];
        double full = (double) latentShape[1] * latentShape[2];                    // positions at the first level
        double half = Math.ceil(latentShape[1] / 2.0) * Math.ceil(latentShape[2] / 2.0);
        double time = config.timeDim();
        double conv3 = 9;
        double flops = 2 * (config.timeFeatures() * time + time * time);                 // timestep MLP
        flops += 2 * conv3 * latentChannels * c * full;                                   // conv_in
        flops += resBlock(c, c, time, full) + attention(c, config.embeddingDim(), full);  // level 1
        flops += 2 * conv3 * c * c * half;                                                // down
        flops += resBlock(c, c, time, half) + attention(c, config.embeddingDim(), half);  // level 2
        flops += resBlock(2 * c, c, time, full);                                          // after the skip
        flops += 2 * conv3 * c * latentChannels * full;                                   // conv_out
        return flops;
    }

    private static double resBlock(double in, double out, double time, double positions) {
        double flops = 2 * 9 * in * out * positions + 2 * 9 * out * out * positions + 2 * time * out;
        return in == out ? flops : flops + 2 * in * out * positions;                      // 1×1 skip
    }

    /** Query and output projections per position; keys and values of 2 tokens (conditioning, register); scores and mix. */
    private static double attention(double c, double contextDim, double positions) {
        double tokens = 2;
        return 2 * 2 * c * c * positions + 2 * 2 * contextDim * c * tokens + 2 * 2 * positions * tokens * c;
    }

    /** Seconds per call of the image denoiser on {@code batch} rows, the best of {@code repeats} calls after a warm-up. */
    static double secondsPerCall(CodiTinyModel model, int batch, int repeats) {
        var denoiser = model.networks().denoisers.get(Modality.IMAGE);
        int[] latent = model.manifest().latentShapes().get(Modality.IMAGE);
        int dim = model.manifest().embeddingDimension();
        double best = Double.MAX_VALUE;
        try (NDManager manager = NDManager.newBaseManager(model.device())) {
            ParameterStore store = new ParameterStore(manager, false);
            NDArray latents = manager.randomNormal(new Shape(batch, latent[0], latent[1], latent[2]));
            NDArray times = manager.full(new Shape(batch), 500f);
            NDArray context = manager.randomNormal(new Shape(batch, 1, dim));
            for (int call = -3; call < repeats; call++) {
                try (NDManager callManager = manager.newSubManager()) {
                    long started = System.nanoTime();
                    NDArray epsilon = denoiser.predictNoise(store, latents, times, context, null);
                    epsilon.toFloatArray();                                          // wait for the result
                    epsilon.attach(callManager);
                    if (call >= 0) {
                        best = Math.min(best, (System.nanoTime() - started) / 1e9);
                    }
                }
            }
        }
        return best;
    }

    /** FLOP/s of an n×n float32 matrix product, the best of {@code repeats}. */
    static double matmulPeak(ai.djl.Device device, int n, int repeats) {
        double best = Double.MAX_VALUE;
        try (NDManager manager = NDManager.newBaseManager(device)) {
            NDArray a = manager.randomNormal(new Shape(n, n));
            NDArray b = manager.randomNormal(new Shape(n, n));
            for (int call = -2; call < repeats; call++) {
                try (NDManager callManager = manager.newSubManager()) {
                    long started = System.nanoTime();
                    NDArray product = a.matMul(b);
                    product.get(0, 0).toFloatArray();
                    product.attach(callManager);
                    if (call >= 0) {
                        best = Math.min(best, (System.nanoTime() - started) / 1e9);
                    }
                }
            }
        }
        return 2.0 * n * n * n / best;
    }
}
