package dev.codi.model.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.codi.media.Modality;
import dev.codi.model.SamplingJob;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The guidance inputs of the active jobs: contexts [null; conditioning] and, per output, scales, on the host. */
record Guidance(float[] contextValues, int dimension, Map<Modality, float[]> scaleValues) {
    static Guidance of(List<SamplingJob> jobs, List<Integer> active) {
        int dimension = jobs.get(0).conditioning().vector().length;
        float[] contexts = new float[2 * active.size() * dimension];
        Map<Modality, float[]> scales = new EnumMap<>(Modality.class);
        for (Modality output : Modality.values()) {
            scales.put(output, new float[active.size()]);
        }
        for (int row = 0; row < active.size(); row++) {
            SamplingJob job = jobs.get(active.get(row));
            System.arraycopy(job.conditioning().nullVector(), 0, contexts, row * dimension, dimension);
            System.arraycopy(job.conditioning().vector(), 0, contexts, (active.size() + row) * dimension, dimension);
            for (Modality output : Modality.values()) {
                scales.get(output)[row] = (float) job.params().guidance(output);
            }
        }
        return new Guidance(contexts, dimension, scales);
    }

    /**
     * Classifier-free guidance of {@code output}, ε = ε_u + s·(ε_c − ε_u), s per job and output. In
     * joint sampling only ε_c sees the other outputs' environment tokens, so guidance amplifies the
     * agreement with them as it amplifies the conditioning (ε_u is then the stage-1 denoiser's
     * unconditional prediction).
     */
    NDArray guide(NDManager manager, Modality output, NDArray unconditional, NDArray conditional) {
        return unconditional.add(conditional.sub(unconditional).mul(scales(manager, output, unconditional.getShape().dimension())));
    }

    /** (2·batch, 1, dimension): the null mixes, then the conditioning mixes. */
    NDArray contexts(NDManager manager) {
        return manager.create(contextValues, new Shape(contextValues.length / dimension, 1, dimension));
    }

    /** (batch, 1, …, 1) guidance scales of {@code output} broadcasting over a latent of the given rank. */
    NDArray scales(NDManager manager, Modality output, int rank) {
        float[] scales = scaleValues.get(output);
        long[] shape = new long[rank];
        Arrays.fill(shape, 1);
        shape[0] = scales.length;
        return manager.create(scales, new Shape(shape));
    }
}
