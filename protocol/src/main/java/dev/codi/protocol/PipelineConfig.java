package dev.codi.protocol;

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
 */
public record PipelineConfig(String kafkaBootstrap, String topicPrefix, int maxBatch, long maxWaitMillis) {
    public static final String KAFKA_BOOTSTRAP = "CODI_KAFKA_BOOTSTRAP";
    public static final String TOPIC_PREFIX = "CODI_TOPIC_PREFIX";
    public static final String MAX_BATCH = "CODI_MAX_BATCH";
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

    public dev.codi.protocol.kafka.KafkaSettings kafka() {
        return new dev.codi.protocol.kafka.KafkaSettings(kafkaBootstrap);
    }

    /** Reads the variables named by the constants of this class; the JSON keys are the same names. */
    public static PipelineConfig from(JsonObject config) {
        return new PipelineConfig(
                config.getString(KAFKA_BOOTSTRAP),
                config.getString(TOPIC_PREFIX, Topics.DEFAULT_PREFIX),
                Integer.parseInt(config.getValue(MAX_BATCH, "8").toString()),
                Long.parseLong(config.getValue(MAX_WAIT_MS, "50").toString()));
    }

    /** Every CODI_* environment variable, as a deployment config. */
    public static JsonObject configFromEnvironment(Map<String, String> environment) {
        JsonObject config = new JsonObject();
        environment.forEach((name, value) -> {
            if (name.startsWith("CODI_")) {
                config.put(name, value);
            }
        });
        return config;
    }

    public JsonObject toJson() {
        return new JsonObject().put(KAFKA_BOOTSTRAP, kafkaBootstrap).put(TOPIC_PREFIX, topicPrefix)
                .put(MAX_BATCH, maxBatch).put(MAX_WAIT_MS, maxWaitMillis);
    }
}
