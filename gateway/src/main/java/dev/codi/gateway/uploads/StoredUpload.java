package dev.codi.gateway.uploads;

import dev.codi.media.MediaType;
import dev.codi.media.Modality;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * An uploaded media file, validated, in object storage; described by a small JSON object stored
 * beside it (the object store is the only database uploads need).
 *
 * @param modality the input it can be: image (PNG, JPEG), audio (WAV) or video (GIF, MP4)
 */
public record StoredUpload(String id, String owner, Modality modality, MediaType type, String objectKey, long bytes,
                           String sha256, Instant createdAt) {
    public JsonObject toJson() {
        return new JsonObject().put("id", id).put("owner", owner).put("modality", modality.wireName())
                .put("type", type.name()).put("object", objectKey).put("bytes", bytes).put("sha256", sha256)
                .put("created_at", createdAt.toString());
    }

    public static StoredUpload fromJson(JsonObject json) {
        return new StoredUpload(json.getString("id"), json.getString("owner"), Modality.fromWireName(json.getString("modality")),
                MediaType.valueOf(json.getString("type")), json.getString("object"), json.getLong("bytes"),
                json.getString("sha256"), Instant.parse(json.getString("created_at")));
    }

    /** What a client sees: no owner, no storage key. */
    public JsonObject toResource() {
        return new JsonObject().put("id", id).put("modality", modality.wireName()).put("content_type", type.contentType())
                .put("bytes", bytes).put("sha256", sha256).put("created_at", createdAt.toString())
                .put("links", new JsonObject().put("self", "/v1/uploads/" + id));
    }
}
