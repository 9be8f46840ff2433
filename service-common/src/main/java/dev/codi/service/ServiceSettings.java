package dev.codi.service;

import dev.codi.model.tiny.CodiTinyModel;
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
 * @param networksAtOnce    how many networks of one sampling phase run at once, each on its own thread
 *                          (CODI_NETWORKS_AT_ONCE, within [1, {@value #MAX_NETWORKS_AT_ONCE}]; default
 *                          {@value CodiTinyModel#DEFAULT_NETWORKS_AT_ONCE}): a joint job's denoisers, or the
 *                          denoisers of a batch's different outputs
 */
public record ServiceSettings(ObjectStoreConfig objectStore, Path modelDirectory, String modelObjectPrefix, int networksAtOnce) {
    public static final String MODEL_DIR = "CODI_MODEL_DIR";
    public static final String MODEL_PREFIX = "CODI_MODEL_PREFIX";
    public static final String NETWORKS_AT_ONCE = "CODI_NETWORKS_AT_ONCE";
    /** A phase calls at most one network per modality. */
    public static final int MAX_NETWORKS_AT_ONCE = 4;

    public ServiceSettings {
        if (networksAtOnce < 1 || networksAtOnce > MAX_NETWORKS_AT_ONCE) {
            throw new IllegalArgumentException(NETWORKS_AT_ONCE + " must be within [1, " + MAX_NETWORKS_AT_ONCE + "], got " + networksAtOnce);
        }
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
                directory == null || directory.isBlank() ? null : Path.of(directory), values.get(MODEL_PREFIX),
                Integer.parseInt(values.getOrDefault(NETWORKS_AT_ONCE, String.valueOf(CodiTinyModel.DEFAULT_NETWORKS_AT_ONCE)).trim()));
    }
}
