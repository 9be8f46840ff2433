package dev.codi.protocol;

import dev.codi.media.Modality;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A job as it travels through the pipeline: validated by the gateway, its media already in
 * object storage. Every stage's message carries it whole, so any stage instance can work on
 * any job without shared state.
 *
 * @param owner   id of the API key that created the job (per-key isolation)
 * @param weights mix weight per input modality (CoDi's composable conditioning), 1 if absent
 */
public record JobSpec(String id, String owner, Instant createdAt, Map<Modality, InputRef> inputs,
                      Map<Modality, Double> weights, List<Modality> outputs, JobParams params) {
    public JobSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(params, "params");
        inputs = Map.copyOf(inputs);
        weights = Map.copyOf(weights);
        outputs = List.copyOf(outputs);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("a job needs at least one input");
        }
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("a job needs at least one output");
        }
        for (Modality weighted : weights.keySet()) {
            if (!inputs.containsKey(weighted)) {
                throw new IllegalArgumentException("weights." + weighted.wireName() + " given but there is no " + weighted.wireName() + " input");
            }
        }
    }

    public JsonObject toJson() {
        JsonObject inputsJson = new JsonObject();
        inputs.forEach((modality, ref) -> inputsJson.put(modality.wireName(), ref.toJson()));
        JsonObject weightsJson = new JsonObject();
        weights.forEach((modality, weight) -> weightsJson.put(modality.wireName(), weight));
        JsonArray outputsJson = new JsonArray();
        outputs.forEach(modality -> outputsJson.add(modality.wireName()));
        return new JsonObject()
                .put("id", id)
                .put("owner", owner)
                .put("created_at", createdAt.toString())
                .put("inputs", inputsJson)
                .put("weights", weightsJson)
                .put("outputs", outputsJson)
                .put("params", params.toJson());
    }

    /** Reads the internal form written by {@link #toJson()}; throws IllegalArgumentException when it is not. */
    public static JobSpec fromJson(JsonObject json) {
        try {
            Map<Modality, InputRef> inputs = new EnumMap<>(Modality.class);
            json.getJsonObject("inputs").forEach(entry ->
                    inputs.put(Modality.fromWireName(entry.getKey()), InputRef.fromJson((JsonObject) entry.getValue())));
            Map<Modality, Double> weights = new EnumMap<>(Modality.class);
            JsonObject weightsJson = json.getJsonObject("weights", new JsonObject());
            weightsJson.forEach(entry -> weights.put(Modality.fromWireName(entry.getKey()), ((Number) entry.getValue()).doubleValue()));
            List<Modality> outputs = json.getJsonArray("outputs").stream()
                    .map(name -> Modality.fromWireName((String) name)).toList();
            JsonObject params = json.getJsonObject("params");
            return new JobSpec(json.getString("id"), json.getString("owner"), Instant.parse(json.getString("created_at")),
                    inputs, weights, outputs, JobParams.fromJson(params, params.getLong("seed")));
        } catch (NullPointerException | ClassCastException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a job: " + e.getMessage(), e);
        }
    }
}
