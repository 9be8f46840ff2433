package dev.codi.protocol.events;

import dev.codi.protocol.JobSpec;
import io.vertx.core.json.JsonObject;

/**
 * encoder-service → diffusion-service: the job and its composable conditioning, the weighted
 * mix of its inputs' shared-space embeddings and the same mix of their null embeddings
 * (CoDi §3.2). A few hundred floats, so they travel inline.
 */
public record ConditioningReady(JobSpec job, float[] conditioning, float[] nullConditioning) {
    public JsonObject toJson() {
        return new JsonObject().put("job", job.toJson())
                .put("conditioning", Vectors.toJson(conditioning))
                .put("null_conditioning", Vectors.toJson(nullConditioning));
    }

    public static ConditioningReady fromJson(JsonObject json) {
        return new ConditioningReady(JobSpec.fromJson(json.getJsonObject("job")),
                Vectors.fromJson(json.getJsonArray("conditioning")),
                Vectors.fromJson(json.getJsonArray("null_conditioning")));
    }
}
