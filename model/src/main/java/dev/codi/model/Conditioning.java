package dev.codi.model;

import dev.codi.media.Modality;

import java.util.Map;

/**
 * The conditioning of one job: the weighted mix of its inputs' embeddings and the mix of the
 * same modalities' null embeddings with the same weights (CoDi §3.2, composable conditioning:
 * c = Σ wᵢ·Eᵢ(xᵢ) / Σ wᵢ; classifier-free guidance uses the null embeddings mixed alike).
 */
public record Conditioning(float[] vector, float[] nullVector) {
    public Conditioning {
        if (vector.length == 0 || vector.length != nullVector.length) {
            throw new IllegalArgumentException("conditioning and null conditioning must have the same non-zero length, got "
                    + vector.length + " and " + nullVector.length);
        }
    }

    /** The conditioning of a job with one input: its embedding, guided against its modality's null embedding. */
    public static Conditioning single(Modality modality, float[] embedding, float[] nullEmbedding) {
        return mix(Map.of(modality, embedding), Map.of(modality, nullEmbedding), Map.of());
    }

    /** Mixes embeddings by weight; modalities missing from {@code weights} weigh 1. */
    public static Conditioning mix(Map<Modality, float[]> embeddings, Map<Modality, float[]> nullEmbeddings,
                                   Map<Modality, Double> weights) {
        if (embeddings.isEmpty()) {
            throw new IllegalArgumentException("at least one input embedding is needed");
        }
        int dimension = embeddings.values().iterator().next().length;
        float[] mixed = new float[dimension];
        float[] mixedNull = new float[dimension];
        double weightSum = 0;
        for (Map.Entry<Modality, float[]> entry : embeddings.entrySet()) {
            Modality modality = entry.getKey();
            double weight = weights.getOrDefault(modality, 1.0);
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("weight of " + modality.wireName() + " must be a positive finite number, got " + weight);
            }
            float[] embedding = entry.getValue();
            float[] nullEmbedding = nullEmbeddings.get(modality);
            if (embedding.length != dimension || nullEmbedding == null || nullEmbedding.length != dimension) {
                throw new IllegalArgumentException("embedding of " + modality.wireName() + " must have dimension " + dimension);
            }
            for (int i = 0; i < dimension; i++) {
                mixed[i] += (float) (weight * embedding[i]);
                mixedNull[i] += (float) (weight * nullEmbedding[i]);
            }
            weightSum += weight;
        }
        for (int i = 0; i < dimension; i++) {
            mixed[i] /= (float) weightSum;
            mixedNull[i] /= (float) weightSum;
        }
        return new Conditioning(mixed, mixedNull);
    }
}
