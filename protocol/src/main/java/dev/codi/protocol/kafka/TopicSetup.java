package dev.codi.protocol.kafka;

import dev.codi.protocol.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the pipeline's topics if they are missing (idempotent, so every service may call it
 * at start). The partition count bounds how many instances of a stage can share the work.
 */
public final class TopicSetup {
    public static final int DEFAULT_PARTITIONS = 8;
    /** How many partitions each topic gets when it is created (default {@value #DEFAULT_PARTITIONS}). */
    public static final String PARTITIONS_VARIABLE = "CODI_TOPIC_PARTITIONS";

    private TopicSetup() {
    }

    /** Blocking. */
    public static void ensureTopics(KafkaSettings kafka, Topics topics, int partitions, short replicationFactor) {
        ensureTopics(kafka, topics.all(), topics.compacted(), partitions, replicationFactor);
    }

    /** Blocking. Creates the missing ones of {@code names}; those also in {@code compacted} get log compaction. */
    public static void ensureTopics(KafkaSettings kafka, List<String> names, List<String> compacted, int partitions,
                                    short replicationFactor) {
        try (Admin admin = Admin.create(kafka.admin())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : names) {
                if (!existing.contains(topic)) {
                    Map<String, String> configs = new java.util.HashMap<>();
                    configs.put("max.message.bytes", Integer.toString(KafkaSettings.MAX_MESSAGE_BYTES));
                    if (compacted.contains(topic)) {
                        configs.put("cleanup.policy", "compact");
                    }
                    missing.add(new NewTopic(topic, partitions, replicationFactor).configs(configs));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another service created them at the same time: fine; anything else is not
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topics on " + kafka.bootstrapServers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
