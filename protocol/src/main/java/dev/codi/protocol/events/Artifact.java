package dev.codi.protocol.events;

import dev.codi.media.Modality;
import io.vertx.core.json.JsonObject;

/** One output file of a job, stored in object storage. */
public record Artifact(Modality modality, String objectKey, String contentType, long bytes, String sha256) {
    public JsonObject toJson() {
        return new JsonObject().put("modality", modality.wireName()).put("object", objectKey)
                .put("content_type", contentType).put("bytes", bytes).put("sha256", sha256);
    }

    public static Artifact fromJson(JsonObject json) {
        return new Artifact(Modality.fromWireName(json.getString("modality")), json.getString("object"),
                json.getString("content_type"), json.getLong("bytes"), json.getString("sha256"));
    }
}
