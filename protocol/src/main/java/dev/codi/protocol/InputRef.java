package dev.codi.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Where a job's input lives: text inline (it is small), media by reference to object storage
 * (claim check, docs/design.md §2).
 */
public sealed interface InputRef {
    JsonObject toJson();

    record InlineText(String text) implements InputRef {
        public JsonObject toJson() {
            return new JsonObject().put("text", text);
        }
    }

    record StoredObject(String objectKey, String contentType) implements InputRef {
        public JsonObject toJson() {
            return new JsonObject().put("object", objectKey).put("content_type", contentType);
        }
    }

    static InputRef fromJson(JsonObject json) {
        if (json.containsKey("text")) {
            return new InlineText(json.getString("text"));
        }
        String key = json.getString("object");
        if (key == null) {
            throw new IllegalArgumentException("input reference needs 'text' or 'object'");
        }
        return new StoredObject(key, json.getString("content_type"));
    }
}
