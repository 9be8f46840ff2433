package dev.codi.protocol.events;

import dev.codi.media.Modality;
import dev.codi.protocol.JobSpec;
import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.Map;

/**
 * diffusion-service → decoder-service: where each sampled latent was stored (claim check: the
 * tensors stay in object storage, the record carries their keys).
 */
public record LatentsReady(JobSpec job, Map<Modality, LatentRef> latents) {
    public LatentsReady {
        latents = Map.copyOf(latents);
    }

    public record LatentRef(String objectKey, int[] shape) {
    }

    public JsonObject toJson() {
        JsonObject latentsJson = new JsonObject();
        latents.forEach((modality, ref) -> latentsJson.put(modality.wireName(),
                new JsonObject().put("object", ref.objectKey()).put("shape", Vectors.toJson(ref.shape()))));
        return new JsonObject().put("job", job.toJson()).put("latents", latentsJson);
    }

    public static LatentsReady fromJson(JsonObject json) {
        Map<Modality, LatentRef> latents = new EnumMap<>(Modality.class);
        json.getJsonObject("latents").forEach(entry -> {
            JsonObject ref = (JsonObject) entry.getValue();
            latents.put(Modality.fromWireName(entry.getKey()),
                    new LatentRef(ref.getString("object"), Vectors.shapeFromJson(ref.getJsonArray("shape"))));
        });
        return new LatentsReady(JobSpec.fromJson(json.getJsonObject("job")), latents);
    }
}
