package dev.codi.protocol.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * Client settings shared by every stage. Producers are idempotent with acks=all (no duplicate
 * from a producer retry); consumers never auto-commit: a stage commits an input's offset only
 * after its outputs are acknowledged, which gives at-least-once processing (docs/design.md §3).
 */
public record KafkaSettings(String bootstrapServers) {
    /** Room for a large job message; the broker's message.max.bytes must be at least this. */
    public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are not configured (CODI_KAFKA_BOOTSTRAP)");
        }
    }

    public Map<String, String> producer(String clientId) {
        Map<String, String> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("client.id", clientId);
        config.put("acks", "all");
        config.put("enable.idempotence", "true");
        config.put("linger.ms", "2");
        config.put("max.request.size", Integer.toString(MAX_MESSAGE_BYTES));
        config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        config.put("value.serializer", "io.vertx.kafka.client.serialization.BufferSerializer");
        return config;
    }

    /**
     * @param maxPollRecords the most records one poll returns: a stage's maximum batch
     */
    public Map<String, String> consumer(String groupId, String clientId, int maxPollRecords) {
        Map<String, String> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("group.id", groupId);
        config.put("client.id", clientId);
        config.put("enable.auto.commit", "false");
        config.put("auto.offset.reset", "earliest");
        config.put("max.poll.records", Integer.toString(maxPollRecords));
        config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        config.put("value.deserializer", "io.vertx.kafka.client.serialization.BufferDeserializer");
        return config;
    }

    /** A consumer outside any group, for readers that assign partitions themselves (the job view). */
    public Map<String, String> reader(String clientId) {
        Map<String, String> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("client.id", clientId);
        config.put("enable.auto.commit", "false");
        config.put("auto.offset.reset", "earliest");
        config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        config.put("value.deserializer", "io.vertx.kafka.client.serialization.BufferDeserializer");
        return config;
    }
}
