package dev.codi.model;

import dev.codi.media.Modality;

import java.util.Map;

/**
 * What a model bundle says of itself (its manifest.json), as the services and /v1/models see it.
 *
 * @param name            e.g. "codi-tiny"
 * @param version         bundle version
 * @param trained         false for a seeded, randomly initialised bundle whose outputs are noise
 * @param description     one line for humans
 * @param embeddingDimension dimension of the shared conditioning space
 * @param latentShapes    latent shape per modality
 * @param metrics         measured quality figures recorded at training time (may be empty)
 */
public record ModelManifest(String name, String version, boolean trained, String description,
                            int embeddingDimension, Map<Modality, int[]> latentShapes,
                            Map<String, Double> metrics) {
    public ModelManifest {
        latentShapes = Map.copyOf(latentShapes);
        metrics = Map.copyOf(metrics);
    }
}
