package dev.codi.protocol;

import dev.codi.protocol.kafka.KafkaSettings;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Configuration every stage reads, flowing in from outside: a Vert.x deployment config
 * (the all-in-one launcher) built from environment variables (standalone services).
 *
 * @param kafkaBootstrap   Kafka bootstrap servers
 * @param topicPrefix      prefix of every topic name (see {@link Topics})
 * @param maxBatch         most jobs one poll hands to a stage (the diffusion stage's batch)
 * @param maxWaitMillis    longest a poll waits for records before processing what it has
 * @param kafkaClientProperties further Kafka client properties (CODI_KAFKA_CLIENT_*, see {@link KafkaSettings})
 */
public record PipelineConfig(String kafkaBootstrap, String topicPrefix, int maxBatch, long maxWaitMillis,
                             Map<String, String> kafkaClientProperties) {
    public static final String KAFKA_BOOTSTRAP = "CODI_KAFKA_BOOTSTRAP";
    public static final String TOPIC_PREFIX = "CODI_TOPIC_PREFIX";
    public static final String MAX_BATCH = "CODI_MAX_BATCH";
    /** The most jobs a stage works on at once unless {@value #MAX_BATCH} says otherwise. */
    public static final int DEFAULT_MAX_BATCH = 8;
    public static final String MAX_WAIT_MS = "CODI_MAX_WAIT_MS";

    public PipelineConfig {
        if (kafkaBootstrap == null || kafkaBootstrap.isBlank()) {
            throw new IllegalArgumentException(KAFKA_BOOTSTRAP + " is not set: give the Kafka bootstrap servers, e.g. broker:9092");
        }
        if (maxBatch < 1 || maxBatch > 256) {
            throw new IllegalArgumentException(MAX_BATCH + " must be within [1, 256], got " + maxBatch);
        }
        if (maxWaitMillis < 1 || maxWaitMillis > 60_000) {
            throw new IllegalArgumentException(MAX_WAIT_MS + " must be within [1, 60000], got " + maxWaitMillis);
        }
    }

    public Topics topics() {
        return Topics.withPrefix(topicPrefix);
    }

    public KafkaSettings kafka() {
        return new KafkaSettings(kafkaBootstrap, kafkaClientProperties);
    }

    /** Reads the variables named by the constants of this class; the JSON keys are the same names. */
    public static PipelineConfig from(JsonObject config) {
        return new PipelineConfig(
                config.getString(KAFKA_BOOTSTRAP),
                config.getString(TOPIC_PREFIX, Topics.DEFAULT_PREFIX),
                Integer.parseInt(config.getValue(MAX_BATCH, DEFAULT_MAX_BATCH).toString()),
                Long.parseLong(config.getValue(MAX_WAIT_MS, "50").toString()),
                KafkaSettings.clientProperties(strings(config)));
    }

    private static Map<String, String> strings(JsonObject config) {
        Map<String, String> values = new java.util.HashMap<>();
        config.forEach(entry -> values.put(entry.getKey(), String.valueOf(entry.getValue())));
        return values;
    }

    /** Every CODI_* environment variable, and OpenTelemetry's standard OTEL_* ones, as a deployment config. */
    public static JsonObject configFromEnvironment(Map<String, String> environment) {
        JsonObject config = new JsonObject();
        environment.forEach((name, value) -> {
            if (name.startsWith("CODI_") || name.startsWith(dev.codi.protocol.tracing.Tracing.VARIABLE_PREFIX)) {
                config.put(name, value);
            }
        });
        return config;
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put(KAFKA_BOOTSTRAP, kafkaBootstrap).put(TOPIC_PREFIX, topicPrefix)
                .put(MAX_BATCH, maxBatch).put(MAX_WAIT_MS, maxWaitMillis);
        kafkaClientProperties.forEach((name, value) ->
                json.put(KafkaSettings.CLIENT_PROPERTY_PREFIX + name.toUpperCase(java.util.Locale.ROOT).replace('.', '_'), value));
        return json;
    }
}
