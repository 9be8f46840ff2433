package dev.codi.infra;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics with a chosen partition count, for launchers and tests (any broker, not only ours). */
public final class KafkaTopics {

    /** A single-node cluster can hold one replica of each partition. */
    private static final short SINGLE_NODE_REPLICATION = 1;

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private KafkaTopics() {}

    /**
     * Creates each topic with its partition count and replication factor 1. Topics that already
     * exist are left as they are, so a launcher can call this on every start.
     */
    public static void createTopics(String bootstrapServers, Map<String, Integer> partitionsByTopic) {
        partitionsByTopic.forEach((topic, partitions) -> {
            if (partitions == null || partitions < 1) {
                throw new IllegalArgumentException("topic " + topic + " needs at least 1 partition, got " + partitions);
            }
        });
        List<NewTopic> topics = partitionsByTopic.entrySet().stream()
                .map(e -> new NewTopic(e.getKey(), e.getValue(), SINGLE_NODE_REPLICATION))
                .toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                awaitCreated(entry.getKey(), entry.getValue());
            }
        }
    }

    private static void awaitCreated(String topic, org.apache.kafka.common.KafkaFuture<Void> creation) {
        try {
            creation.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + topic, e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic " + topic + " was not created within " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        }
    }
}
