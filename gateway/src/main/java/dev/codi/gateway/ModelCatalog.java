package dev.codi.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code GET /v1/models} shows: the served bundle's manifest, read as JSON (the gateway
 * never loads the networks). An untrained bundle is said to be one, loudly.
 */
public final class ModelCatalog {
    private final JsonObject models;

    private ModelCatalog(JsonObject models) {
        this.models = models;
    }

    /** Blocking. */
    public static ModelCatalog read(Path bundleDirectory) {
        JsonArray data = new JsonArray();
        if (bundleDirectory != null) {
            try {
                JsonObject manifest = new JsonObject(Files.readString(bundleDirectory.resolve("manifest.json")));
                JsonObject model = new JsonObject()
                        .put("id", manifest.getString("name") + ":" + manifest.getString("version"))
                        .put("name", manifest.getString("name"))
                        .put("version", manifest.getString("version"))
                        .put("trained", manifest.getBoolean("trained", false))
                        .put("description", manifest.getString("description"))
                        .put("modalities", manifest.getValue("modalities"))
                        .put("metrics", manifest.getValue("metrics"));
                if (!manifest.getBoolean("trained", false)) {
                    model.put("notice", "UNTRAINED: seeded random weights. The pipeline runs the real networks, "
                            + "but every output is noise until a trained bundle is installed.");
                }
                data.add(model);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the model manifest in " + bundleDirectory, e);
            }
        }
        return new ModelCatalog(new JsonObject().put("data", data));
    }

    public JsonObject toJson() {
        return models.copy();
    }
}
