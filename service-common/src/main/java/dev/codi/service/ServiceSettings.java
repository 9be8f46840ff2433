package dev.codi.service;

import dev.codi.storage.ObjectStoreConfig;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a model stage finds object storage and its model bundle, from its deployment config
 * (the same CODI_* names as the environment variables of a standalone service).
 *
 * @param modelDirectory    a bundle directory on local disk (CODI_MODEL_DIR), or null
 * @param modelObjectPrefix a bundle in object storage (CODI_MODEL_PREFIX, e.g. models/codi-tiny/1/), or null
 */
public record ServiceSettings(ObjectStoreConfig objectStore, Path modelDirectory, String modelObjectPrefix) {
    public static final String MODEL_DIR = "CODI_MODEL_DIR";
    public static final String MODEL_PREFIX = "CODI_MODEL_PREFIX";

    public ServiceSettings {
        if (modelDirectory == null && (modelObjectPrefix == null || modelObjectPrefix.isBlank())) {
            throw new IllegalArgumentException("no model bundle configured: set " + MODEL_DIR
                    + " (a bundle directory) or " + MODEL_PREFIX + " (a bundle prefix in object storage)");
        }
    }

    public static ServiceSettings from(JsonObject config) {
        Map<String, String> values = new HashMap<>();
        config.forEach(entry -> values.put(entry.getKey(), String.valueOf(entry.getValue())));
        String directory = values.get(MODEL_DIR);
        return new ServiceSettings(ObjectStoreConfig.fromEnvironment(values),
                directory == null || directory.isBlank() ? null : Path.of(directory), values.get(MODEL_PREFIX));
    }
}
