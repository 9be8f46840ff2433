package dev.codi.protocol.kafka;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Client settings shared by every stage. Producers are idempotent with acks=all (no duplicate
 * from a producer retry); consumers never auto-commit: a stage commits an input's offset only
 * after its outputs are acknowledged, which gives at-least-once processing (docs/design.md §3). Every
 * consumer reads committed records only ({@code read_committed}): the gateway submits a job as
 * one Kafka transaction over two topics, and nobody may see half of it.
 *
 * @param clientProperties any further Kafka client property (TLS, SASL, timeouts, client ids),
 *                         applied to every producer, consumer and admin client after codi's own
 *                         settings: from {@value #CLIENT_PROPERTY_PREFIX}* variables (see {@link #clientProperties(Map)})
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientProperties) {
    /** Room for a large job message; the broker's message.max.bytes must be at least this. */
    public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    /** {@code CODI_KAFKA_CLIENT_SECURITY_PROTOCOL=SASL_SSL} sets {@code security.protocol=SASL_SSL}. */
    public static final String CLIENT_PROPERTY_PREFIX = "CODI_KAFKA_CLIENT_";
    /** Consumer properties a share consumer refuses; passed-through properties skip them there. */
    private static final java.util.Set<String> CLASSIC_ONLY_CONSUMER_PROPERTIES = java.util.Set.of("auto.offset.reset",
            "enable.auto.commit", "group.instance.id", "isolation.level", "partition.assignment.strategy", "interceptor.classes",
            "session.timeout.ms", "heartbeat.interval.ms", "group.protocol", "group.remote.assignor", "max.poll.interval.ms");

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are not configured (CODI_KAFKA_BOOTSTRAP)");
        }
        clientProperties = Map.copyOf(clientProperties);
    }

    public KafkaSettings(String bootstrapServers) {
        this(bootstrapServers, Map.of());
    }

    /**
     * The Kafka client properties named by {@value #CLIENT_PROPERTY_PREFIX}* variables: the rest of
     * the name, lower-cased, with '_' read as '.' (Kafka's property names use dots only).
     */
    public static Map<String, String> clientProperties(Map<String, String> variables) {
        Map<String, String> properties = new HashMap<>();
        variables.forEach((name, value) -> {
            if (name.startsWith(CLIENT_PROPERTY_PREFIX) && name.length() > CLIENT_PROPERTY_PREFIX.length()) {
                properties.put(name.substring(CLIENT_PROPERTY_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return properties;
    }

    /** Settings for an admin client. */
    public Map<String, Object> admin() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.putAll(clientProperties);
        return config;
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
        config.putAll(clientProperties);
        return config;
    }

    /**
     * A producer that answers a waiting client: a send fails within about 20 s when the broker is
     * away (instead of Kafka's default two minutes), so the client gets a 503 to retry on.
     */
    public Map<String, String> interactiveProducer(String clientId) {
        Map<String, String> config = producer(clientId);
        for (Map.Entry<String, String> deadline : Map.of("max.block.ms", "10000", "request.timeout.ms", "10000",
                "delivery.timeout.ms", "20000").entrySet()) {
            if (!clientProperties.containsKey(deadline.getKey())) {
                config.put(deadline.getKey(), deadline.getValue());
            }
        }
        return config;
    }

    /**
     * A transactional producer: what it sends in one transaction becomes visible to
     * {@code read_committed} readers all at once or not at all. A transaction left open by a
     * crashed process holds back readers of its partitions until the broker aborts it, after
     * {@code transaction.timeout.ms}: kept short.
     */
    public Map<String, String> transactionalProducer(String clientId, String transactionalId) {
        Map<String, String> config = interactiveProducer(clientId);
        config.put("transactional.id", transactionalId);
        config.putIfAbsent("transaction.timeout.ms", "10000");
        return config;
    }

    /**
     * A member of a consumer group, on the consumer group protocol (KIP-848).
     *
     * @param maxPollRecords the most records one poll returns: a stage's maximum batch
     */
    public Map<String, String> consumer(String groupId, String clientId, int maxPollRecords) {
        Map<String, String> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("group.id", groupId);
        // The consumer group protocol (KIP-848): the broker assigns partitions, and a member joining
        // or leaving moves only the partitions that change hands, without stopping the others.
        config.put("group.protocol", "consumer");
        config.put("client.id", clientId);
        config.put("enable.auto.commit", "false");
        config.put("auto.offset.reset", "earliest");
        config.put("max.poll.records", Integer.toString(maxPollRecords));
        config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        config.put("value.deserializer", "io.vertx.kafka.client.serialization.BufferDeserializer");
        config.put("isolation.level", "read_committed");
        config.putAll(clientProperties);
        return config;
    }

    /**
     * A share-group consumer (KIP-932) that acknowledges every record itself ({@code explicit}) and
     * acquires at most {@code maxRecords} per poll ({@code record_limit}): a stage takes no more jobs
     * than its batch, and leaves the rest to the other instances. Where a share group starts and
     * what it reads (committed records only) are the group's own configuration, not the client's.
     */
    public Map<String, String> shareConsumer(String groupId, String clientId, int maxRecords) {
        Map<String, String> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("group.id", groupId);
        config.put("client.id", clientId);
        config.put("share.acknowledgement.mode", "explicit");
        config.put("share.acquire.mode", "record_limit");
        config.put("max.poll.records", Integer.toString(maxRecords));
        config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        config.put("value.deserializer", "io.vertx.kafka.client.serialization.BufferDeserializer");
        clientProperties.forEach((name, value) -> {
            if (!CLASSIC_ONLY_CONSUMER_PROPERTIES.contains(name)) {
                config.put(name, value);
            }
        });
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
        config.put("isolation.level", "read_committed");
        config.putAll(clientProperties);
        return config;
    }
}
